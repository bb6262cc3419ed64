/** Helpers over synthesized stacks: build them from a config and read resources by type. */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ConfigError, EnvironmentConfig, loadConfig, ProjectConfig } from '../../stacks/config';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { buildDeployables } from '../../stacks/app';
import { Builds, EnvironmentStack } from '../../stacks/environment-stack';
import { parseRendered } from '../../delivery/policy/documents';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A config from a file-shaped object, with no environment variables and no file on disk. */
export function testConfig(file: Json = {}, env: NodeJS.ProcessEnv = {}): ProjectConfig {
  return loadConfig({ env, file, cwd: '/nonexistent' });
}

/** The problems a config reports, or [] when it loads. */
export function configProblems(file: Json, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    testConfig(file, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

export function synthJson(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}

/** Constructs synthesized on their own, in a small test stack (cdktf's `Testing.synthScope`). */
export function synthConstruct(build: (scope: Construct) => void): { text: string; json: Json } {
  const text = Testing.synthScope(build);
  return { text, json: JSON.parse(text) };
}

/** One environment's settings from the test config (defaults plus `file`). */
export function environmentConfig(name: 'dev' | 'prod', file: Json = {}): EnvironmentConfig {
  return testConfig(file).environments.find((e) => e.name === name)!;
}

const root = path.join(__dirname, '../..');
let builds: Builds | undefined;

/** The real deployables, bundled once per test file (and cached across runs by the bundler). */
export function testBuilds(): Builds {
  builds ??= buildDeployables(root);
  return builds;
}

export function environmentStack(name: 'dev' | 'prod', file: Json = {}): Json {
  const config = testConfig(file);
  const env = config.environments.find((e) => e.name === name)!;
  return synthJson(new EnvironmentStack(Testing.app(), name, { project: config.project, env, builds: testBuilds() }));
}

export function bootstrapStack(file: Json = {}): Json {
  return synthJson(new BootstrapStack(Testing.app(), 'bootstrap', { config: testConfig(file) }));
}

/** The resources of one type, by their logical name. */
export function resourcesOf(stack: Json, type: string): Json[] {
  return Object.values(stack.resource?.[type] ?? {});
}

export function onlyResource(stack: Json, type: string): Json {
  const found = resourcesOf(stack, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** Number of resources per type, for comparing a stack with its plan. */
export function resourceCounts(stack: Json): Record<string, number> {
  return Object.fromEntries(Object.entries(stack.resource ?? {}).map(([type, byName]) => [type, Object.keys(byName as object).length]));
}

/** The logical address `${type.name}` cdktf uses in references, for a resource body. */
export function addressOf(stack: Json, type: string, body: Json): string {
  const name = Object.entries(stack.resource[type]).find(([, b]) => b === body)![0];
  return `${type}.${name}`;
}

/** Transpiles main.ts and stacks/ into dist/, as `npm run synth` does. */
export function buildSynthEntryPoint(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
}

/** Runs the real synth entry point (what `npm run synth` runs) into a fresh folder. */
export function synthApp(env: NodeJS.ProcessEnv = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  const result = spawnSync(process.execPath, ['dist/main.js'], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, CDKTF_OUTDIR: outdir, ...env },
  });
  return { outdir, ...result };
}

/** A resource's `${type.name.attribute}` reference, as it appears in other resources. */
export function refTo(stack: Json, type: string, body: Json, attribute: string): string {
  return `\${${addressOf(stack, type, body)}.${attribute}}`;
}

/** The resource of a type whose logical name contains `part` (cdktf names follow the construct path). */
export function resourceNamed(stack: Json, type: string, part: string): Json {
  const matches = Object.entries(stack.resource?.[type] ?? {}).filter(([name]) => name.includes(part));
  if (matches.length !== 1) throw new Error(`expected one ${type} named *${part}*, found ${matches.length}`);
  return matches[0][1] as Json;
}

/** The statements of an IAM policy document string. */
export function statements(policy: string): Json[] {
  return (parseRendered(policy) as Json).Statement;
}

/** The script inside a launch template's `${base64encode("...")}` user data. */
export function userDataScript(launchTemplate: Json): string {
  const match = /^\$\{base64encode\("([\s\S]*)"\)\}$/.exec(launchTemplate.user_data);
  if (!match) throw new Error(`user data is not a base64encode() of a string: ${launchTemplate.user_data.slice(0, 80)}`);
  return JSON.parse(`"${match[1]}"`);
}
