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

export const ENVIRONMENT_NAMES = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface StateConfig {
  /** S3 bucket that holds the Terraform state of every application stack (created by `bootstrap`). */
  readonly bucket: string;
  /** Region of that bucket. */
  readonly region: string;
  /** Key prefix: a stack's state lives at `<keyPrefix>/<stack>.tfstate`. */
  readonly keyPrefix: string;
}

export interface NetworkConfig {
  readonly vpcCidr: string;
  /** Exactly two AZs; taken from config so that no data source has to ask AWS at plan time. */
  readonly availabilityZones: readonly string[];
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  /** 0 (no NAT: app instances sit in the public subnets), 1 (shared) or 2 (one per AZ). */
  readonly natGateways: number;
  /** VPC flow logs to CloudWatch Logs. */
  readonly flowLogs: boolean;
}

export interface ComputeConfig {
  /** EC2 type of the API instances; a Graviton type (t4g, m7g, ...) selects the arm64 AMI. */
  readonly instanceType: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  /** Port the API listens on, behind the load balancer. */
  readonly appPort: number;
  /** Root volume size of each instance (gp3, encrypted). */
  readonly rootVolumeGb: number;
}

export interface LoadBalancerConfig {
  /** ACM certificate ARN: when set, HTTPS on 443 and HTTP redirects to it; empty for HTTP only. */
  readonly certificateArn: string;
  readonly deletionProtection: boolean;
}

export interface WorkerConfig {
  /** Bedrock image model (Titan Image Generator v2 or Nova Canvas); enable access to it in the Bedrock console. */
  readonly modelId: string;
  readonly memoryMb: number;
  /** Function timeout; the queue's visibility timeout is six times this (SPEC Q1). */
  readonly timeoutSeconds: number;
  /** Messages per invocation. */
  readonly batchSize: number;
  /** Most concurrent invocations the queue may drive (event source mapping, at least 2). */
  readonly maximumConcurrency: number;
  /** Receives before a message goes to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export interface ObservabilityConfig {
  /** The API's log group (SPEC O1: `taskmanager-logs`). */
  readonly logGroupName: string;
  /** The CloudWatch dashboard (SPEC O3: `TaskManager-Dashboard`). */
  readonly dashboardName: string;
}

export interface DatabaseConfig {
  readonly instanceClass: string;
  readonly multiAz: boolean;
  /** Deletion protection on the instance, and a final snapshot when it is destroyed. */
  readonly deletionProtection: boolean;
  readonly backupRetentionDays: number;
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGb: number;
}

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  readonly region: string;
  /** Prefix of every resource name, e.g. `taskmanager-dev`. */
  readonly namePrefix: string;
  /** Tags on every resource (through the provider's `default_tags`), on top of project/environment/managed-by. */
  readonly tags: Readonly<Record<string, string>>;
  readonly network: NetworkConfig;
  readonly compute: ComputeConfig;
  readonly database: DatabaseConfig;
  readonly loadBalancer: LoadBalancerConfig;
  readonly worker: WorkerConfig;
  readonly observability: ObservabilityConfig;
  /** Where alarms are e-mailed (SNS subscription). */
  readonly alarmEmail: string;
  /** Retention of the environment's CloudWatch log groups. */
  readonly logRetentionDays: number;
  readonly state: StateConfig;
}

export interface ProjectConfig {
  /** Project name: the `project` tag and the default name prefix. */
  readonly project: string;
  /** `owner/name` of the GitHub repository whose workflows may assume the deploy roles. */
  readonly githubRepository: string;
  readonly state: StateConfig;
  /** The environments to synthesize, in order. */
  readonly environments: readonly EnvironmentConfig[];
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_PROJECT = 'taskmanager';
const DEFAULT_REGION = 'us-east-1';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type EnvironmentDefaults = Omit<EnvironmentConfig, 'name' | 'region' | 'namePrefix' | 'state' | 'alarmEmail' | 'network'> & {
  network: Omit<NetworkConfig, 'availabilityZones'>;
};

const SHARED_NETWORK = {
  vpcCidr: '10.0.0.0/16',
  publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
  privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
  natGateways: 0,
};

const SHARED_COMPUTE = { instanceType: 't3.micro', minSize: 1, maxSize: 3, desiredCapacity: 1, appPort: 3000, rootVolumeGb: 8 };
const SHARED_WORKER = {
  modelId: 'amazon.titan-image-generator-v2:0',
  memoryMb: 512,
  timeoutSeconds: 90,
  batchSize: 5,
  maximumConcurrency: 2,
  maxReceiveCount: 4,
};
const SHARED_DATABASE = { instanceClass: 'db.t4g.micro', multiAz: false, allocatedStorageGb: 20, maxAllocatedStorageGb: 100 };

/** What differs between environments by default: dev is cheap and disposable, prod is protected. */
const ENVIRONMENT_DEFAULTS: Record<EnvironmentName, EnvironmentDefaults> = {
  dev: {
    tags: {},
    network: { ...SHARED_NETWORK, flowLogs: false },
    compute: { ...SHARED_COMPUTE },
    database: { ...SHARED_DATABASE, deletionProtection: false, backupRetentionDays: 1 },
    loadBalancer: { certificateArn: '', deletionProtection: false },
    worker: { ...SHARED_WORKER },
    observability: { logGroupName: 'taskmanager-dev-logs', dashboardName: 'TaskManager-Dashboard-dev' },
    logRetentionDays: 14,
  },
  prod: {
    tags: {},
    network: { ...SHARED_NETWORK, flowLogs: true },
    compute: { ...SHARED_COMPUTE },
    database: { ...SHARED_DATABASE, deletionProtection: true, backupRetentionDays: 7 },
    loadBalancer: { certificateArn: '', deletionProtection: true },
    worker: { ...SHARED_WORKER, maximumConcurrency: 5 },
    // The names the SPEC keeps; other environments get their own so that they can share an account.
    observability: { logGroupName: 'taskmanager-logs', dashboardName: 'TaskManager-Dashboard' },
    logRetentionDays: 90,
  },
};

/** Placeholders that keep synth working offline; replace them through the file or the variables. */
const PLACEHOLDERS = {
  stateBucket: 'taskmanager-terraform-state-example',
  githubRepository: 'example-org/taskmanager',
  alarmEmail: 'alerts@example.com',
};

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
  const problems: string[] = [];
  const file = options.file ?? readConfigFile(env, options.cwd ?? process.cwd(), problems);
  const raw = mergeSources(file, env, problems);
  const config = validate(raw, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function readConfigFile(env: NodeJS.ProcessEnv, cwd: string, problems: string[]): unknown {
  const explicit = env.TASKMANAGER_CONFIG;
  const file = path.resolve(cwd, explicit ?? 'taskmanager.config.json');
  if (!fs.existsSync(file)) {
    if (explicit) problems.push(`TASKMANAGER_CONFIG: file ${file} does not exist`);
    return {};
  }
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    problems.push(`${path.basename(file)}: not valid JSON (${(error as Error).message})`);
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
  synthesize?: unknown;
}

const FILE_KEYS = ['project', 'githubRepository', 'region', 'alarmEmail', 'state', 'environments'];

function mergeSources(file: unknown, env: NodeJS.ProcessEnv, problems: string[]): RawConfig {
  if (!isRecord(file)) {
    problems.push('config file: must be a JSON object');
    file = {};
  }
  const fromFile = file as Record<string, unknown>;
  for (const key of Object.keys(fromFile)) {
    if (!FILE_KEYS.includes(key)) problems.push(`${key}: unknown setting (known: ${FILE_KEYS.join(', ')})`);
  }
  const raw: RawConfig = {
    project: fromFile.project,
    githubRepository: env.TM_GITHUB_REPOSITORY ?? fromFile.githubRepository ?? env.GITHUB_REPOSITORY,
    region: env.TM_REGION ?? fromFile.region,
    alarmEmail: env.TM_ALARM_EMAIL ?? fromFile.alarmEmail,
    state: { ...(isRecord(fromFile.state) ? fromFile.state : {}) },
    environments: {},
    synthesize: env.TM_ENVIRONMENTS,
  };
  if (fromFile.state !== undefined && !isRecord(fromFile.state)) problems.push('state: must be an object');
  if (env.TM_STATE_BUCKET !== undefined) raw.state!.bucket = env.TM_STATE_BUCKET;
  if (env.TM_STATE_REGION !== undefined) raw.state!.region = env.TM_STATE_REGION;
  if (env.TM_STATE_KEY_PREFIX !== undefined) raw.state!.keyPrefix = env.TM_STATE_KEY_PREFIX;

  const environments = fromFile.environments ?? {};
  if (!isRecord(environments)) {
    problems.push('environments: must be an object keyed by environment name');
  } else {
    for (const [name, value] of Object.entries(environments)) {
      if (!isEnvironmentName(name)) {
        problems.push(`environments.${name}: unknown environment (known: ${ENVIRONMENT_NAMES.join(', ')})`);
      } else if (!isRecord(value)) {
        problems.push(`environments.${name}: must be an object`);
      } else {
        raw.environments![name] = value;
      }
    }
  }
  return raw;
}

function validate(raw: RawConfig, problems: string[]): ProjectConfig {
  const check = new Checker(problems);
  const project = check.name('project', raw.project ?? DEFAULT_PROJECT);
  const defaultRegion = check.region('region', raw.region ?? DEFAULT_REGION);
  const githubRepository = check.githubRepository('githubRepository', raw.githubRepository ?? PLACEHOLDERS.githubRepository);
  const stateRaw = raw.state ?? {};
  check.onlyKeys('state', stateRaw, ['bucket', 'region', 'keyPrefix']);
  const state: StateConfig = {
    bucket: check.bucketName('state.bucket', stateRaw.bucket ?? PLACEHOLDERS.stateBucket),
    region: check.region('state.region', stateRaw.region ?? defaultRegion),
    keyPrefix: check.keyPrefix('state.keyPrefix', stateRaw.keyPrefix ?? project),
  };
  const alarmEmail = raw.alarmEmail ?? PLACEHOLDERS.alarmEmail;

  const selected = selectEnvironments(raw.synthesize, problems);
  const environments = selected.map((name) =>
    environmentConfig(check, name, raw.environments?.[name] ?? {}, { project, region: defaultRegion, alarmEmail, state }),
  );
  return { project, githubRepository, state, environments };
}

function selectEnvironments(value: unknown, problems: string[]): EnvironmentName[] {
  if (value === undefined || value === '') return [...ENVIRONMENT_NAMES];
  const names = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !isEnvironmentName(n));
  if (unknown.length > 0) {
    problems.push(`TM_ENVIRONMENTS: unknown environment ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${ENVIRONMENT_NAMES.join(', ')})`);
  }
  return names.filter(isEnvironmentName);
}

const ENVIRONMENT_KEYS = [
  'region', 'namePrefix', 'tags', 'network', 'compute', 'database', 'loadBalancer', 'worker', 'observability', 'alarmEmail', 'logRetentionDays',
];

function environmentConfig(
  check: Checker,
  name: EnvironmentName,
  raw: Record<string, unknown>,
  shared: { project: string; region: string; alarmEmail: unknown; state: StateConfig },
): EnvironmentConfig {
  const at = `environments.${name}`;
  const defaults = ENVIRONMENT_DEFAULTS[name];
  check.onlyKeys(at, raw, ENVIRONMENT_KEYS);
  const region = check.region(`${at}.region`, raw.region ?? shared.region);
  const network = { ...defaults.network, ...objectAt(check, `${at}.network`, raw.network) } as Mutable<NetworkConfig>;
  const compute = { ...defaults.compute, ...objectAt(check, `${at}.compute`, raw.compute) } as Mutable<ComputeConfig>;
  const database = { ...defaults.database, ...objectAt(check, `${at}.database`, raw.database) } as Mutable<DatabaseConfig>;
  check.onlyKeys(`${at}.network`, network, ['vpcCidr', 'availabilityZones', 'publicSubnetCidrs', 'privateSubnetCidrs', 'natGateways', 'flowLogs']);
  check.onlyKeys(`${at}.compute`, compute, Object.keys(defaults.compute));
  check.onlyKeys(`${at}.database`, database, Object.keys(defaults.database));
  const loadBalancer = { ...defaults.loadBalancer, ...objectAt(check, `${at}.loadBalancer`, raw.loadBalancer) } as Mutable<LoadBalancerConfig>;
  const observability = { ...defaults.observability, ...objectAt(check, `${at}.observability`, raw.observability) } as Mutable<ObservabilityConfig>;
  check.onlyKeys(`${at}.loadBalancer`, loadBalancer, Object.keys(defaults.loadBalancer));
  check.onlyKeys(`${at}.observability`, observability, Object.keys(defaults.observability));
  const worker = { ...defaults.worker, ...objectAt(check, `${at}.worker`, raw.worker) } as Mutable<WorkerConfig>;
  check.onlyKeys(`${at}.worker`, worker, Object.keys(defaults.worker));

  return {
    name,
    region,
    namePrefix: check.name(`${at}.namePrefix`, raw.namePrefix ?? `${shared.project}-${name}`),
    tags: check.tags(`${at}.tags`, { ...defaults.tags, ...objectAt(check, `${at}.tags`, raw.tags) }),
    network: checkNetwork(check, `${at}.network`, network, region),
    compute: checkCompute(check, `${at}.compute`, compute),
    database: {
      instanceClass: check.pattern(`${at}.database.instanceClass`, database.instanceClass, /^db\.[a-z0-9]+\.[a-z0-9]+$/, 'an RDS class like db.t4g.micro'),
      multiAz: check.boolean(`${at}.database.multiAz`, database.multiAz),
      deletionProtection: check.boolean(`${at}.database.deletionProtection`, database.deletionProtection),
      backupRetentionDays: check.integer(`${at}.database.backupRetentionDays`, database.backupRetentionDays, 1, 35),
      allocatedStorageGb: check.integer(`${at}.database.allocatedStorageGb`, database.allocatedStorageGb, 20, 6144),
      maxAllocatedStorageGb: check.integer(`${at}.database.maxAllocatedStorageGb`, database.maxAllocatedStorageGb, database.allocatedStorageGb, 6144),
    },
    loadBalancer: {
      certificateArn: loadBalancer.certificateArn === ''
        ? ''
        : check.pattern(`${at}.loadBalancer.certificateArn`, loadBalancer.certificateArn, /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, 'an ACM certificate ARN (or "" for HTTP only)'),
      deletionProtection: check.boolean(`${at}.loadBalancer.deletionProtection`, loadBalancer.deletionProtection),
    },
    worker: {
      modelId: check.pattern(`${at}.worker.modelId`, worker.modelId, /^amazon\.(titan-image-generator-v\d|nova-canvas-v\d)(:\d+)?$/, 'a Titan Image Generator or Nova Canvas model id'),
      memoryMb: check.integer(`${at}.worker.memoryMb`, worker.memoryMb, 128, 10240),
      // The model takes several seconds per image; the function must outlive one call (SPEC Q2: >= 10 s).
      timeoutSeconds: check.integer(`${at}.worker.timeoutSeconds`, worker.timeoutSeconds, 10, 900),
      batchSize: check.integer(`${at}.worker.batchSize`, worker.batchSize, 1, 10),
      maximumConcurrency: check.integer(`${at}.worker.maximumConcurrency`, worker.maximumConcurrency, 2, 1000),
      maxReceiveCount: check.integer(`${at}.worker.maxReceiveCount`, worker.maxReceiveCount, 3, 5),
    },
    observability: {
      logGroupName: check.pattern(`${at}.observability.logGroupName`, observability.logGroupName, /^[A-Za-z0-9_\-/.#]{1,512}$/, 'a CloudWatch log group name'),
      dashboardName: check.pattern(`${at}.observability.dashboardName`, observability.dashboardName, /^[A-Za-z0-9_-]{1,255}$/, 'a dashboard name (letters, digits, - and _)'),
    },
    alarmEmail: check.email(`${at}.alarmEmail`, raw.alarmEmail ?? shared.alarmEmail),
    logRetentionDays: check.oneOf(`${at}.logRetentionDays`, raw.logRetentionDays ?? defaults.logRetentionDays, LOG_RETENTION_DAYS),
    state: shared.state,
  };
}

function checkNetwork(check: Checker, at: string, raw: Mutable<NetworkConfig>, region: string): NetworkConfig {
  const vpcCidr = check.cidr(`${at}.vpcCidr`, raw.vpcCidr);
  const availabilityZones = check.list(`${at}.availabilityZones`, raw.availabilityZones ?? [`${region}a`, `${region}b`], 2);
  availabilityZones.forEach((az, i) => {
    if (!String(az).startsWith(region)) check.fail(`${at}.availabilityZones[${i}]`, `"${az}" is not in region ${region}`);
  });
  if (new Set(availabilityZones).size !== availabilityZones.length) check.fail(`${at}.availabilityZones`, 'must be two different AZs');
  const subnets = (key: 'publicSubnetCidrs' | 'privateSubnetCidrs') =>
    check.list(`${at}.${key}`, raw[key], 2).map((cidr, i) => check.cidr(`${at}.${key}[${i}]`, cidr));
  const publicSubnetCidrs = subnets('publicSubnetCidrs');
  const privateSubnetCidrs = subnets('privateSubnetCidrs');
  const all = [...publicSubnetCidrs, ...privateSubnetCidrs];
  if (parseCidr(vpcCidr)) {
    all.forEach((cidr) => {
      if (parseCidr(cidr) && !cidrContains(vpcCidr, cidr)) check.fail(`${at}`, `subnet ${cidr} is not inside the VPC ${vpcCidr}`);
    });
  }
  all.forEach((a, i) =>
    all.slice(i + 1).forEach((b) => {
      if (parseCidr(a) && parseCidr(b) && cidrsOverlap(a, b)) check.fail(`${at}`, `subnets ${a} and ${b} overlap`);
    }),
  );
  return {
    vpcCidr,
    availabilityZones,
    publicSubnetCidrs,
    privateSubnetCidrs,
    natGateways: check.integer(`${at}.natGateways`, raw.natGateways, 0, 2),
    flowLogs: check.boolean(`${at}.flowLogs`, raw.flowLogs),
  };
}

function checkCompute(check: Checker, at: string, raw: Mutable<ComputeConfig>): ComputeConfig {
  const compute = {
    instanceType: check.pattern(`${at}.instanceType`, raw.instanceType, /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type like t3.micro'),
    minSize: check.integer(`${at}.minSize`, raw.minSize, 0, 100),
    maxSize: check.integer(`${at}.maxSize`, raw.maxSize, 1, 100),
    desiredCapacity: check.integer(`${at}.desiredCapacity`, raw.desiredCapacity, 0, 100),
    appPort: check.integer(`${at}.appPort`, raw.appPort, 1024, 65535),
    rootVolumeGb: check.integer(`${at}.rootVolumeGb`, raw.rootVolumeGb, 8, 1024),
  };
  if (compute.minSize > compute.maxSize) check.fail(`${at}.minSize`, `must not exceed maxSize (${compute.maxSize})`);
  if (compute.desiredCapacity < compute.minSize || compute.desiredCapacity > compute.maxSize) {
    check.fail(`${at}.desiredCapacity`, `must be between minSize (${compute.minSize}) and maxSize (${compute.maxSize})`);
  }
  return compute;
}

/** Values CloudWatch Logs accepts for retention. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function objectAt(check: Checker, at: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    check.fail(at, 'must be an object');
    return {};
  }
  return value;
}

/** Field checks that record a problem naming the field and return the value typed (or a harmless stand-in). */
class Checker {
  constructor(private readonly problems: string[]) {}

  fail(field: string, message: string): void {
    this.problems.push(`${field}: ${message}`);
  }

  string(field: string, value: unknown): string {
    if (typeof value === 'string' && value.length > 0) return value;
    this.fail(field, value === undefined || value === '' ? 'is required' : `must be a string, got ${JSON.stringify(value)}`);
    return '';
  }

  pattern(field: string, value: unknown, re: RegExp, what: string): string {
    const s = this.string(field, value);
    if (s && !re.test(s)) this.fail(field, `"${s}" is not ${what}`);
    return s;
  }

  name(field: string, value: unknown): string {
    return this.pattern(field, value, /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'a lower-case name of 3-32 letters, digits and hyphens');
  }

  region(field: string, value: unknown): string {
    return this.pattern(field, value, /^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region like us-east-1');
  }

  bucketName(field: string, value: unknown): string {
    return this.pattern(field, value, /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'a valid S3 bucket name');
  }

  keyPrefix(field: string, value: unknown): string {
    return this.pattern(field, value, /^[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]$/, 'an S3 key prefix without leading or trailing slash');
  }

  githubRepository(field: string, value: unknown): string {
    return this.pattern(field, value, /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'a GitHub repository as owner/name');
  }

  email(field: string, value: unknown): string {
    return this.pattern(field, value, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address');
  }

  cidr(field: string, value: unknown): string {
    const s = this.string(field, value);
    if (s && !parseCidr(s)) this.fail(field, `"${s}" is not an IPv4 CIDR block like 10.0.0.0/16 (network address, prefix 16-28)`);
    return s;
  }

  boolean(field: string, value: unknown): boolean {
    if (typeof value === 'boolean') return value;
    this.fail(field, `must be true or false, got ${JSON.stringify(value)}`);
    return false;
  }

  integer(field: string, value: unknown, min: number, max: number): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.fail(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return min;
  }

  oneOf(field: string, value: unknown, allowed: readonly number[]): number {
    if (typeof value === 'number' && allowed.includes(value)) return value;
    this.fail(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return allowed[0];
  }

  list(field: string, value: unknown, length: number): string[] {
    if (Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string')) return value;
    this.fail(field, `must be a list of ${length} strings, got ${JSON.stringify(value)}`);
    return Array.isArray(value) ? value.map(String) : [];
  }

  tags(field: string, value: Record<string, unknown>): Record<string, string> {
    for (const [key, tag] of Object.entries(value)) {
      if (typeof tag !== 'string') this.fail(`${field}.${key}`, 'must be a string');
    }
    return value as Record<string, string>;
  }

  onlyKeys(field: string, value: object, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(`${field}.${key}`, `unknown setting (known: ${known.join(', ')})`);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}

/** [network address as a 32-bit number, prefix length], or undefined when not a network CIDR with prefix 16-28. */
export function parseCidr(cidr: string): [number, number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 28) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return [address, prefix];
}

function range(cidr: string): [number, number] {
  const [address, prefix] = parseCidr(cidr)!;
  return [address, address + 2 ** (32 - prefix) - 1];
}

function cidrContains(outer: string, inner: string): boolean {
  const [a, b] = range(outer);
  const [c, d] = range(inner);
  return a <= c && d <= b;
}

function cidrsOverlap(x: string, y: string): boolean {
  const [a, b] = range(x);
  const [c, d] = range(y);
  return a <= d && c <= b;
}
