/**
 * The one typed, validated configuration of the project (SPEC T3).
 *
 * Sources, later ones winning:
 *   1. the defaults below, one block per environment;
 *   2. an optional JSON file (`TASKMANAGER_CONFIG`, else `taskmanager.config.json` in the working
 *      directory when it exists; `taskmanager.config.example.json` shows every key);
 *   3. environment variables for the settings that differ per user: TM_REGION, TM_STATE_BUCKET,
 *      TM_STATE_REGION, TM_STATE_KEY_PREFIX, TM_GITHUB_REPOSITORY (else GITHUB_REPOSITORY),
 *      TM_ALARM_EMAIL, and TM_ENVIRONMENTS (which environments to synthesize); the README has the table.
 *
 * The defaults are safe placeholders: synth works offline with no AWS credentials, and nothing
 * here names a real account. Every problem found is reported at once, each naming its field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, type ConfigProblem } from '../../api/contract/config-error';
import { Checker, isRecord, objectAt } from './checker';
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
  const env = options.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const check = new Checker(problems);
  const file = options.file ?? readConfigFile(env, options.cwd ?? process.cwd(), check);
  const raw = mergeSources(file, env, check);
  const config = validate(raw, check);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readConfigFile(env: NodeJS.ProcessEnv, cwd: string, check: Checker): unknown {
  const explicit = env.TASKMANAGER_CONFIG;
  const file = path.resolve(cwd, explicit ?? 'taskmanager.config.json');
  if (!fs.existsSync(file)) {
    if (explicit) check.fail('TASKMANAGER_CONFIG', `file ${file} does not exist`);
    return {};
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    check.fail(path.basename(file), `not valid JSON (${(error as Error).message})`);
    return {};
  }
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
  check.onlyKeys('state', stateRaw, ['bucket', 'region', 'keyPrefix', 'operatorArns']);
  const state: StateConfig = {
    bucket: check.bucketName('state.bucket', stateRaw.bucket ?? PLACEHOLDERS.stateBucket),
    region: check.region('state.region', stateRaw.region ?? defaultRegion),
    keyPrefix: check.keyPrefix('state.keyPrefix', stateRaw.keyPrefix ?? project),
  };
  const operatorArns = check.iamPrincipalArns('state.operatorArns', stateRaw.operatorArns ?? []);
  const alarmEmail = raw.alarmEmail ?? PLACEHOLDERS.alarmEmail;

  const selected = selectEnvironments(raw.synthesize, check);
  const environments = selected.map((name) =>
    environmentConfig(check, name, raw.environments?.[name] ?? {}, { project, region: defaultRegion, alarmEmail, state }),
  );
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
  if (unknown.length > 0) {
    check.fail('TM_ENVIRONMENTS', `unknown environment ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${ENVIRONMENT_NAMES.join(', ')})`);
  }
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) check.fail('TM_ENVIRONMENTS', `lists ${[...new Set(twice)].map((n) => `"${n}"`).join(', ')} more than once`);
  return [...new Set(names.filter(isEnvironmentName))];
}
