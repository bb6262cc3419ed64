/**
 * The one way this project runs Terraform: the offline checks (`npm run validate`, `plan:offline`,
 * the tests) and the CI steps all go through `terraform()`, with one environment and one init.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Where the offline checks find the AWS provider (a local plugin mirror): TF_PLUGIN_DIR, else this. */
export const DEFAULT_PLUGIN_DIR = '/opt/tf-plugins';
/** The provider lock file that travels with a stack (and is committed under .github/terraform). */
export const LOCK_FILE = '.terraform.lock.hcl';

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformOptions {
  /** The folder Terraform runs in (a synthesized stack). */
  readonly dir: string;
  /** Environment on top of this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** The terraform binary (default: `terraform` on the PATH). */
  readonly terraform?: string;
}

/** No prompts, no update checks, automation-style output. */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
}

/** Runs terraform and collects its output; never throws (a missing binary is exit code 127). */
export function terraform(args: readonly string[], options: TerraformOptions): Promise<TerraformResult> {
  return new Promise((resolve) => {
    const child = spawn(options.terraform ?? 'terraform', [...args], { cwd: options.dir, env: terraformEnv(options.env) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => resolve({ code: 127, stdout: '', stderr: `cannot run terraform: ${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Like `terraform()`, but a non-zero exit is an error that quotes Terraform's own message. */
export async function terraformOrThrow(args: readonly string[], options: TerraformOptions): Promise<string> {
  const result = await terraform(args, options);
  if (result.code !== 0) throw new Error(`terraform ${args[0]} failed in ${options.dir}:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

/** The terraform version on the PATH, or undefined when there is none. */
export async function terraformVersion(binary = 'terraform'): Promise<string | undefined> {
  const result = await terraform(['version', '-json'], { dir: process.cwd(), terraform: binary });
  return result.code === 0 ? (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version : undefined;
}

/** The local provider mirror (TF_PLUGIN_DIR): offline checks never ask the registry. */
export function pluginDir(dir: string = process.env.TF_PLUGIN_DIR ?? DEFAULT_PLUGIN_DIR): string {
  if (!fs.existsSync(path.join(dir, 'registry.terraform.io'))) {
    throw new Error(`TF_PLUGIN_DIR: ${dir} holds no registry.terraform.io/... provider folders`);
  }
  return dir;
}

export type InitMode =
  /** Providers from the local mirror, no registry (offline checks). */
  | { readonly offline: true; readonly backend?: boolean }
  /** Providers as the committed lock file says, which is never rewritten (CI). */
  | { readonly offline: false };

/** `terraform init` in one of the two ways this project needs. */
export function init(options: TerraformOptions, mode: InitMode): Promise<TerraformResult> {
  const args = ['init', '-input=false', '-no-color'];
  if (mode.offline) {
    args.push(`-plugin-dir=${pluginDir()}`);
    if (mode.backend === false) args.push('-backend=false');
  } else {
    args.push('-lockfile=readonly');
    const cache = terraformEnv(options.env).TF_PLUGIN_CACHE_DIR;
    if (cache) fs.mkdirSync(cache, { recursive: true });
  }
  return terraform(args, options);
}
