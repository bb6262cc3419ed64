/**
 * Real Terraform checks of the synthesized stacks, offline.
 *
 *   node dist/scripts/terraform-check.js validate [stack ...]   terraform init -backend=false + validate
 *   node dist/scripts/terraform-check.js plan [stack ...]       offline plan into cdktf.out/plans/<stack>.json
 *
 * Providers come from a local plugin folder (TF_PLUGIN_DIR, default /opt/tf-plugins), never the
 * registry. The plan runs in a throw-away copy of the stack with an override file that swaps the
 * backend for a local one and gives the provider fake credentials and its skip flags, so it needs
 * neither AWS nor credentials as long as no stack uses a data source that calls AWS.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

export const DEFAULT_PLUGIN_DIR = '/opt/tf-plugins';
const OUT_DIR = process.env.CDKTF_OUTDIR ?? 'cdktf.out';

export interface CheckOptions {
  /** Folder holding `registry.terraform.io/hashicorp/aws/<version>`. */
  readonly pluginDir?: string;
  readonly terraform?: string;
}

/** The stacks of a synthesized app, from cdktf's manifest: name and folder. */
export function synthesizedStacks(outDir: string = OUT_DIR): { name: string; dir: string }[] {
  const manifestFile = path.join(outDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} not found: run \`npm run synth\` first`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { stacks: Record<string, { name: string; workingDirectory: string }> };
  return Object.values(manifest.stacks).map((stack) => ({ name: stack.name, dir: path.join(outDir, stack.workingDirectory) }));
}

/** The terraform binary on the PATH, or undefined. */
export async function findTerraform(terraform = 'terraform'): Promise<string | undefined> {
  try {
    const { stdout } = await run(terraform, ['version', '-json'], { env: terraformEnv() });
    return (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return undefined;
  }
}

function terraformEnv(): NodeJS.ProcessEnv {
  // An empty CLI config: no registry credentials, no warnings about a missing ~/.terraformrc.
  return { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
}

async function terraform(dir: string, args: string[], options: CheckOptions): Promise<string> {
  try {
    const { stdout } = await run(options.terraform ?? 'terraform', [...args], {
      cwd: dir,
      env: terraformEnv(),
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`terraform ${args[0]} failed in ${dir}:\n${e.stderr || e.stdout || e.message}`);
  }
}

function pluginDir(options: CheckOptions): string {
  const dir = options.pluginDir ?? process.env.TF_PLUGIN_DIR ?? DEFAULT_PLUGIN_DIR;
  if (!fs.existsSync(path.join(dir, 'registry.terraform.io'))) {
    throw new Error(`TF_PLUGIN_DIR: ${dir} holds no registry.terraform.io/... provider folders`);
  }
  return dir;
}

async function init(dir: string, options: CheckOptions, extra: string[] = []): Promise<void> {
  await terraform(dir, ['init', '-input=false', '-no-color', `-plugin-dir=${pluginDir(options)}`, ...extra], options);
}

/** Works on a copy of the stack folder, so that nothing Terraform writes lands in cdktf.out. */
async function inScratchCopy<T>(stackDir: string, work: (dir: string) => Promise<T>): Promise<T> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-check-'));
  try {
    fs.cpSync(stackDir, scratch, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    return await work(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** `terraform init -backend=false` and `terraform validate` on one synthesized stack. */
export async function validateStack(stackDir: string, options: CheckOptions = {}): Promise<void> {
  await inScratchCopy(stackDir, async (dir) => {
    await init(dir, options, ['-backend=false']);
    const result = JSON.parse(await terraform(dir, ['validate', '-json', '-no-color'], options).catch((e: Error) => {
      // validate exits 1 on invalid config but still prints its JSON verdict on stdout.
      const match = /\{[\s\S]*\}/.exec(e.message);
      if (!match) throw e;
      return match[0];
    })) as { valid: boolean; diagnostics: { severity: string; summary: string; detail?: string }[] };
    if (!result.valid) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail ?? ''}`);
      throw new Error(`terraform validate failed in ${stackDir}:\n${errors.join('\n')}`);
    }
  });
}

/** The override that makes `terraform plan` run with no AWS account: local state, fake keys, no AWS calls. */
export const OFFLINE_OVERRIDE = {
  terraform: { backend: { local: { path: 'offline.tfstate' } } },
  provider: {
    aws: {
      access_key: 'AKIAOFFLINEPLAN00000',
      secret_key: 'offline-plan-not-a-secret',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    },
  },
};

/** Plans one stack offline and returns the JSON of `terraform show -json` for the saved plan. */
export async function planStackOffline(stackDir: string, options: CheckOptions = {}): Promise<string> {
  return inScratchCopy(stackDir, async (dir) => {
    fs.writeFileSync(path.join(dir, 'offline_override.tf.json'), JSON.stringify(OFFLINE_OVERRIDE, null, 2));
    await init(dir, options);
    await terraform(dir, ['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out=offline.tfplan'], options);
    return terraform(dir, ['show', '-json', '-no-color', 'offline.tfplan'], options);
  });
}

/** Runs `task` over the items with at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  }));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...only] = argv;
  if (command !== 'validate' && command !== 'plan') {
    throw new Error('usage: terraform-check (validate|plan) [stack ...]');
  }
  const version = await findTerraform();
  if (!version) throw new Error('terraform is not on the PATH (this project checks with 1.11.x)');
  const stacks = synthesizedStacks().filter((s) => only.length === 0 || only.includes(s.name));
  const plansDir = path.join(OUT_DIR, 'plans');
  if (command === 'plan') fs.mkdirSync(plansDir, { recursive: true });
  await eachLimited(stacks, os.cpus().length, async (stack) => {
    if (command === 'validate') {
      await validateStack(stack.dir);
      console.log(`${stack.name}: valid (terraform ${version})`);
    } else {
      const plan = await planStackOffline(stack.dir);
      const file = path.join(plansDir, `${stack.name}.json`);
      fs.writeFileSync(file, plan);
      const changes = (JSON.parse(plan) as { resource_changes?: unknown[] }).resource_changes ?? [];
      console.log(`${stack.name}: planned ${changes.length} resource changes -> ${file}`);
    }
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  });
}
