/**
 * The one typed, validated configuration of the project (SPEC T3).
 *
 * Sources, later ones winning:
 *   1. the defaults below, one block per environment;
 *   2. the project's settings file, committed and reviewed like code: `taskmanager.config.json` in
 *      the working directory (it shows every key), or the path in `TASKMANAGER_CONFIG`;
 *   3. environment variables for a local override: TM_REGION, TM_STATE_BUCKET, TM_STATE_REGION,
 *      TM_STATE_KEY_PREFIX, TM_GITHUB_REPOSITORY (else GITHUB_REPOSITORY), TM_ALARM_EMAIL, and
 *      TM_ENVIRONMENTS (which environments to synthesize); the README has the table.
 *
 * Synth records what it resolved, and from which sources, in cdktf.out (resolved.ts): later jobs
 * read that, never this loader. Values shaped like secrets are refused (secrets.ts). The defaults
 * are safe placeholders: synth works offline with no AWS credentials, and nothing here names a
 * real account. Every problem found is reported at once, each naming its field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, type ConfigProblem } from '../../api/contract/config-error';
import { Checker, isRecord, objectAt } from './checker';
import type { ResolvedConfigFile } from './resolved';
import { refuseSecrets } from './secrets';
import { DEFAULT_POLICY, DEFAULT_PROJECT, DEFAULT_REGION, PLACEHOLDERS } from './defaults';
import { environmentConfig } from './environment';
import { checkWaivers } from './waivers';
import { ENVIRONMENT_NAMES, EnvironmentName, isEnvironmentName, ProjectConfig, ProjectPolicyConfig, StateConfig } from './schema';

export interface LoadOptions {
  /** Environment variables (default: `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory used to find `taskmanager.config.json` (default: `process.cwd()`). */
  readonly cwd?: string;
  /** A parsed config file, instead of reading one. */
  readonly file?: unknown;
}

/** Loads and validates the configuration; throws `ConfigError` naming every bad field. */
export function loadConfig(options: LoadOptions = {}): ProjectConfig {
  return resolveConfig(options).config;
}

/** The names of the variables that override the file, when set. */
const OVERRIDES = ['TM_REGION', 'TM_STATE_BUCKET', 'TM_STATE_REGION', 'TM_STATE_KEY_PREFIX', 'TM_GITHUB_REPOSITORY', 'TM_ALARM_EMAIL', 'TM_ENVIRONMENTS'];

/** The configuration and where it came from (what synth records in cdktf.out). */
export function resolveConfig(options: LoadOptions = {}): { config: ProjectConfig; sources: ResolvedConfigFile['sources'] } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const check = new Checker(problems);
  const read = options.file === undefined ? readConfigFile(env, cwd, check) : { content: options.file };
  const overrides = OVERRIDES.filter((name) => env[name] !== undefined);
  refuseSecrets(read.content, check);
  refuseSecrets(Object.fromEntries(overrides.map((name) => [name, env[name]])), check);
  // Only those problems: the other checks quote the values they refuse.
  if (problems.length > 0) throw new ConfigError(problems);
  const raw = mergeSources(read.content, env, check);
  const config = validate(raw, check);
  if (problems.length > 0) throw new ConfigError(problems);
  const fileRepository = isRecord(read.content) && read.content.githubRepository !== undefined;
  const environment = env.TM_GITHUB_REPOSITORY === undefined && !fileRepository && env.GITHUB_REPOSITORY !== undefined ? [...overrides, 'GITHUB_REPOSITORY'] : overrides;
  return { config, sources: { file: read.file ? path.relative(cwd, read.file) || read.file : undefined, environment } };
}

function readConfigFile(env: NodeJS.ProcessEnv, cwd: string, check: Checker): { file?: string; content: unknown } {
  const explicit = env.TASKMANAGER_CONFIG;
  const file = path.resolve(cwd, explicit ?? 'taskmanager.config.json');
  if (!fs.existsSync(file)) {
    if (explicit) check.fail('TASKMANAGER_CONFIG', `file ${file} does not exist`);
    return { content: {} };
  }
  const text = fs.readFileSync(file, 'utf8');
  try {
    return { file, content: JSON.parse(text) };
  } catch (error) {
    check.fail(path.basename(file), `is not valid JSON: ${jsonErrorWhere((error as Error).message, text)}`);
    return { file, content: {} };
  }
}

/**
 * JSON.parse's complaint with the place as an editor shows it: `Expected ',' or '}' after
 * property value at line 3, column 3` instead of `... in JSON at position 13` (Node 20) or
 * `(line 3 column 3)` (Node 22).
 */
export function jsonErrorWhere(message: string, text: string): string {
  const at = /\s*in JSON at position (\d+)(?: \(line \d+ column \d+\))?/.exec(message);
  const position = at ? Number(at[1]) : /Unexpected end of JSON input/.test(message) ? text.length : undefined;
  const what = (at ? message.replace(at[0], '') : message).trim();
  if (position === undefined) return what;
  const before = text.slice(0, position).split('\n');
  return `${what} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The file's shape: every key optional, environments keyed by name. */
interface RawConfig {
  project?: unknown;
  githubRepository?: unknown;
  region?: unknown;
  alarmEmail?: unknown;
  state?: Record<string, unknown>;
  environments?: Record<string, Record<string, unknown>>;
  policy?: unknown;
  synthesize?: unknown;
}

const FILE_KEYS = ['project', 'githubRepository', 'region', 'alarmEmail', 'state', 'environments', 'policy'];

function mergeSources(file: unknown, env: NodeJS.ProcessEnv, check: Checker): RawConfig {
  if (!isRecord(file)) {
    check.fail('config file', 'must be a JSON object');
    file = {};
  }
  const fromFile = file as Record<string, unknown>;
  for (const key of Object.keys(fromFile)) {
    if (!FILE_KEYS.includes(key)) check.fail(key, `unknown setting (known: ${FILE_KEYS.join(', ')})`);
  }
  const raw: RawConfig = {
    project: fromFile.project,
    githubRepository: env.TM_GITHUB_REPOSITORY ?? fromFile.githubRepository ?? env.GITHUB_REPOSITORY,
    region: env.TM_REGION ?? fromFile.region,
    alarmEmail: env.TM_ALARM_EMAIL ?? fromFile.alarmEmail,
    state: { ...(isRecord(fromFile.state) ? fromFile.state : {}) },
    environments: {},
    policy: fromFile.policy,
    synthesize: env.TM_ENVIRONMENTS,
  };
  if (fromFile.state !== undefined && !isRecord(fromFile.state)) check.fail('state', 'must be an object');
  if (env.TM_STATE_BUCKET !== undefined) raw.state!.bucket = env.TM_STATE_BUCKET;
  if (env.TM_STATE_REGION !== undefined) raw.state!.region = env.TM_STATE_REGION;
  if (env.TM_STATE_KEY_PREFIX !== undefined) raw.state!.keyPrefix = env.TM_STATE_KEY_PREFIX;
  if (env.TM_STATE_KMS_KEY_ARN !== undefined) raw.state!.kmsKeyArn = env.TM_STATE_KMS_KEY_ARN;

  const environments = fromFile.environments ?? {};
  if (!isRecord(environments)) {
    check.fail('environments', 'must be an object keyed by environment name');
  } else {
    for (const [name, value] of Object.entries(environments)) {
      if (!isEnvironmentName(name)) {
        check.fail(`environments.${name}`, `unknown environment (known: ${ENVIRONMENT_NAMES.join(', ')})`);
      } else if (!isRecord(value)) {
        check.fail(`environments.${name}`, 'must be an object');
      } else {
        raw.environments![name] = value;
      }
    }
  }
  return raw;
}

function validate(raw: RawConfig, check: Checker): ProjectConfig {
  const project = check.name('project', raw.project ?? DEFAULT_PROJECT);
  const defaultRegion = check.region('region', raw.region ?? DEFAULT_REGION);
  const githubRepository = check.githubRepository('githubRepository', raw.githubRepository ?? PLACEHOLDERS.githubRepository);
  const stateRaw = raw.state ?? {};
  check.onlyKeys('state', stateRaw, ['bucket', 'region', 'keyPrefix', 'kmsKeyArn', 'operatorArns']);
  const stateRegion = check.region('state.region', stateRaw.region ?? defaultRegion);
  const state: StateConfig = {
    bucket: check.bucketName('state.bucket', stateRaw.bucket ?? PLACEHOLDERS.stateBucket),
    region: stateRegion,
    keyPrefix: check.keyPrefix('state.keyPrefix', stateRaw.keyPrefix ?? project),
    kmsKeyArn: check.pattern('state.kmsKeyArn', stateRaw.kmsKeyArn ?? PLACEHOLDERS.stateKmsKeyArn(stateRegion, project), /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[a-f0-9-]+|alias\/[\w/-]+)$/, 'a KMS key or alias ARN (bootstrap output state_key_arn)'),
  };
  const operatorArns = check.iamPrincipalArns('state.operatorArns', stateRaw.operatorArns ?? []);
  const alarmEmail = raw.alarmEmail ?? PLACEHOLDERS.alarmEmail;

  const selected = selectEnvironments(raw.synthesize, check);
  const environments = selected.map((name) =>
    environmentConfig(check, name, raw.environments?.[name] ?? {}, { project, region: defaultRegion, alarmEmail, state }),
  );
  checkSeparateNames(environments, check);
  return { project, githubRepository, state: { ...state, operatorArns }, environments, policy: projectPolicy(raw.policy, check) };
}

/** `policy` of the file: each key replaces its default (waivers too: list the defaults you keep). */
function projectPolicy(value: unknown, check: Checker): ProjectPolicyConfig {
  const raw = { ...DEFAULT_POLICY, ...objectAt(check, 'policy', value) };
  check.onlyKeys('policy', raw, Object.keys(DEFAULT_POLICY));
  return {
    requiredTags: check.stringList('policy.requiredTags', raw.requiredTags, /^[\w.:/=+@ -]{1,128}$/, 'a tag key'),
    waivers: checkWaivers(check, 'policy.waivers', raw.waivers),
  };
}

function selectEnvironments(value: unknown, check: Checker): EnvironmentName[] {
  if (value === undefined || value === '') return [...ENVIRONMENT_NAMES];
  const names = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !isEnvironmentName(n));
  const spaced = unknown.filter((n) => n.split(/\s+/).every(isEnvironmentName));
  if (spaced.length > 0) {
    // "dev prod": the list is comma-separated.
    check.fail('TM_ENVIRONMENTS', `"${value}" must be comma-separated: write ${names.flatMap((n) => n.split(/\s+/)).join(',')}`);
  } else if (unknown.length > 0) {
    check.fail('TM_ENVIRONMENTS', `unknown environment ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${ENVIRONMENT_NAMES.join(', ')})`);
  }
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) check.fail('TM_ENVIRONMENTS', `lists ${[...new Set(twice)].map((n) => `"${n}"`).join(', ')} more than once`);
  return [...new Set(names.filter(isEnvironmentName))];
}

/**
 * The deploy roles scope an environment by `<namePrefix>-*`: a prefix that starts another
 * environment's (`tm` and `tm-prod`) would hand one environment the other's resources.
 */
function checkSeparateNames(environments: readonly { name: string; namePrefix: string }[], check: Checker): void {
  for (const a of environments) {
    for (const b of environments) {
      if (a !== b && `${b.namePrefix}-`.startsWith(`${a.namePrefix}-`)) {
        check.fail(`environments.${b.name}.namePrefix`, `"${b.namePrefix}" starts with ${a.name}'s prefix "${a.namePrefix}-": the deploy roles of ${a.name} would reach ${b.name}'s resources`);
      }
    }
  }
}
