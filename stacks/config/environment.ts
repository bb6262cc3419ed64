/** One environment's settings: the defaults, overridden by the file, each field checked. */
import { parseCidr } from '../../api/contract/validators';
import { Checker, objectAt } from './checker';
import { cidrContains, cidrsOverlap } from './cidr';
import { checkCapacity } from './capacity';
import { imageModelProblem, imageModelsIn } from './bedrock-models';
import { didYouMean } from './suggest';
import { ENVIRONMENT_DEFAULTS, LOG_RETENTION_DAYS } from './defaults';
import { checkWaivers } from './waivers';
import { COMPUTE_KINDS, FARGATE_TASK_SIZES, MONITORING_INTERVALS, PRICE_CLASSES, THREAT_PROTECTION_MODES, type AuthConfig, type ComputeConfig, type ComputeKind, type DatabaseConfig, type EdgeConfig, type EnvironmentConfig, type EnvironmentName, type EnvironmentPolicyConfig, type LoadBalancerConfig, type NetworkConfig, type ObservabilityConfig, type StateConfig, type WorkerConfig } from './schema';

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const DATABASE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

const ENVIRONMENT_KEYS = [
  'region', 'accountId', 'databaseResourceId', 'namePrefix', 'tags', 'network', 'compute', 'database', 'loadBalancer', 'edge', 'auth', 'worker', 'observability', 'alarmEmail', 'logRetentionDays', 'policy',
];

export function environmentConfig(
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
  check.onlyKeys(`${at}.compute`, compute, [...Object.keys(defaults.compute), 'apiWorkers', 'dbPoolMax']);
  check.onlyKeys(`${at}.database`, database, [...Object.keys(defaults.database), 'maxConnections']);
  const loadBalancer = { ...defaults.loadBalancer, ...objectAt(check, `${at}.loadBalancer`, raw.loadBalancer) } as Mutable<LoadBalancerConfig> & { certificateArn?: unknown };
  if (loadBalancer.certificateArn !== undefined) {
    check.fail(`${at}.loadBalancer.certificateArn`, 'has moved: the load balancer is internal behind CloudFront now; set edge.certificateArn (an ACM certificate in us-east-1) and edge.domainNames');
    delete loadBalancer.certificateArn;
  }
  const edge = { ...defaults.edge, ...objectAt(check, `${at}.edge`, raw.edge) } as Mutable<EdgeConfig>;
  check.onlyKeys(`${at}.edge`, edge, Object.keys(defaults.edge));
  const auth = { ...defaults.auth, ...objectAt(check, `${at}.auth`, raw.auth) } as Mutable<AuthConfig>;
  check.onlyKeys(`${at}.auth`, auth, Object.keys(defaults.auth));
  const observability = { ...defaults.observability, ...objectAt(check, `${at}.observability`, raw.observability) } as Mutable<ObservabilityConfig>;
  check.onlyKeys(`${at}.loadBalancer`, loadBalancer, Object.keys(defaults.loadBalancer));
  check.onlyKeys(`${at}.observability`, observability, Object.keys(defaults.observability));
  // The default model is one the region offers (Titan where it can, else Nova Canvas).
  const worker = { ...defaults.worker, modelId: imageModelsIn(region)[0] ?? defaults.worker.modelId, ...objectAt(check, `${at}.worker`, raw.worker) } as Mutable<WorkerConfig>;
  check.onlyKeys(`${at}.worker`, worker, Object.keys(defaults.worker));
  const policy = { ...defaults.policy, ...objectAt(check, `${at}.policy`, raw.policy) } as Mutable<EnvironmentPolicyConfig>;
  check.onlyKeys(`${at}.policy`, policy, Object.keys(defaults.policy));

  const config: EnvironmentConfig = {
    name,
    region,
    accountId: raw.accountId === undefined || raw.accountId === '' ? '' : check.pattern(`${at}.accountId`, raw.accountId, /^\d{12}$/, 'a 12-digit AWS account id'),
    databaseResourceId: raw.databaseResourceId === undefined || raw.databaseResourceId === '' ? '' : check.pattern(`${at}.databaseResourceId`, raw.databaseResourceId, /^db-[A-Z0-9]{10,40}$/, 'a DbiResourceId like db-ABCDEFGHIJKLMNOPQRSTUVWXY0 (output database_resource_id)'),
    namePrefix: check.name(`${at}.namePrefix`, raw.namePrefix ?? `${shared.project}-${name}`),
    tags: check.tags(`${at}.tags`, { ...defaults.tags, ...objectAt(check, `${at}.tags`, raw.tags) }),
    network: checkNetwork(check, `${at}.network`, network, region),
    ...checkCapacity(check, at, checkCompute(check, `${at}.compute`, compute), {
      instanceClass: check.pattern(`${at}.database.instanceClass`, database.instanceClass, DATABASE_CLASS, 'an RDS class like db.t4g.micro'),
      multiAz: check.boolean(`${at}.database.multiAz`, database.multiAz),
      monitoringIntervalSeconds: check.oneOf(`${at}.database.monitoringIntervalSeconds`, database.monitoringIntervalSeconds, MONITORING_INTERVALS),
      deletionProtection: check.boolean(`${at}.database.deletionProtection`, database.deletionProtection),
      backupRetentionDays: check.integer(`${at}.database.backupRetentionDays`, database.backupRetentionDays, 1, 35),
      allocatedStorageGb: check.integer(`${at}.database.allocatedStorageGb`, database.allocatedStorageGb, 20, 6144),
      maxAllocatedStorageGb: check.integer(`${at}.database.maxAllocatedStorageGb`, database.maxAllocatedStorageGb, database.allocatedStorageGb, 6144),
    }, { apiWorkers: compute.apiWorkers, dbPoolMax: compute.dbPoolMax, maxConnections: database.maxConnections }),
    loadBalancer: {
      deletionProtection: check.boolean(`${at}.loadBalancer.deletionProtection`, loadBalancer.deletionProtection),
      accessLogs: check.boolean(`${at}.loadBalancer.accessLogs`, loadBalancer.accessLogs),
    },
    edge: checkEdge(check, `${at}.edge`, edge),
    auth: {
      selfSignUp: check.boolean(`${at}.auth.selfSignUp`, auth.selfSignUp),
      threatProtection: check.satisfies(`${at}.auth.threatProtection`, auth.threatProtection, (s) => (THREAT_PROTECTION_MODES as readonly string[]).includes(s), `one of ${THREAT_PROTECTION_MODES.join(', ')}`) as AuthConfig['threatProtection'],
      // Cognito refuses prefixes with aws, amazon or cognito in them.
      domainPrefix: auth.domainPrefix === ''
        ? ''
        : check.pattern(`${at}.auth.domainPrefix`, auth.domainPrefix, /^(?!.*(aws|amazon|cognito))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a domain prefix of lower-case letters, digits and hyphens without aws, amazon or cognito'),
      // Cognito takes plain http for localhost only.
      localAppUrls: Array.isArray(auth.localAppUrls)
        ? auth.localAppUrls.map((u, i) => check.pattern(`${at}.auth.localAppUrls[${i}]`, u, /^http:\/\/localhost:\d{2,5}$/, 'an address like http://localhost:3000'))
        : (check.fail(`${at}.auth.localAppUrls`, `must be a list of addresses like http://localhost:3000, got ${JSON.stringify(auth.localAppUrls)}`), []),
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
    policy: {
      production: check.boolean(`${at}.policy.production`, policy.production),
      instanceTypes: check.stringList(`${at}.policy.instanceTypes`, policy.instanceTypes, INSTANCE_TYPE, 'an EC2 instance type like t3.micro'),
      databaseClasses: check.stringList(`${at}.policy.databaseClasses`, policy.databaseClasses, DATABASE_CLASS, 'an RDS class like db.t4g.micro'),
      interfaceEndpoints: check.boolean(`${at}.policy.interfaceEndpoints`, policy.interfaceEndpoints),
      waivers: checkWaivers(check, `${at}.policy.waivers`, policy.waivers),
    },
  };
  checkAllowed(check, `${at}.compute.instanceType`, config.compute.instanceType, `${at}.policy.instanceTypes`, config.policy.instanceTypes);
  checkAllowed(check, `${at}.database.instanceClass`, config.database.instanceClass, `${at}.policy.databaseClasses`, config.policy.databaseClasses);
  const modelProblem = config.worker.modelId && imageModelProblem(config.worker.modelId, region);
  if (modelProblem) check.fail(`${at}.worker.modelId`, modelProblem);
  return config;
}

/** An instance type or class must be on the environment's allow-list; a near miss is a typo. */
function checkAllowed(check: Checker, field: string, value: string, listField: string, allowed: readonly string[]): void {
  if (!value || allowed.length === 0 || allowed.includes(value)) return;
  const typo = didYouMean(value, allowed);
  check.fail(field, `"${value}" is not in ${listField} (${allowed.join(', ')})${typo || `: to run it, add it to ${listField}`}`);
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
  // Each subnet by the exact field that sets it, e.g. environments.dev.network.publicSubnetCidrs[1].
  const all = [
    ...publicSubnetCidrs.map((cidr, i) => ({ cidr, field: `${at}.publicSubnetCidrs[${i}]` })),
    ...privateSubnetCidrs.map((cidr, i) => ({ cidr, field: `${at}.privateSubnetCidrs[${i}]` })),
  ].filter((s) => parseCidr(s.cidr));
  if (parseCidr(vpcCidr)) {
    all.forEach(({ cidr, field }) => {
      if (!cidrContains(vpcCidr, cidr)) check.fail(field, `${cidr} is not inside the VPC's ${vpcCidr} (${at}.vpcCidr)`);
    });
  }
  all.forEach((a, i) =>
    all.slice(i + 1).forEach((b) => {
      if (cidrsOverlap(a.cidr, b.cidr)) check.fail(b.field, `${b.cidr} overlaps ${a.field} (${a.cidr})`);
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

function checkCompute(check: Checker, at: string, raw: Mutable<ComputeConfig>): Omit<ComputeConfig, 'apiWorkers' | 'dbPoolMax'> {
  const compute = {
    instanceType: check.pattern(`${at}.instanceType`, raw.instanceType, INSTANCE_TYPE, 'an EC2 instance type like t3.micro'),
    minSize: check.integer(`${at}.minSize`, raw.minSize, 0, 100),
    maxSize: check.integer(`${at}.maxSize`, raw.maxSize, 1, 100),
    desiredCapacity: check.integer(`${at}.desiredCapacity`, raw.desiredCapacity, 0, 100),
    appPort: check.integer(`${at}.appPort`, raw.appPort, 1024, 65535),
    rootVolumeGb: check.integer(`${at}.rootVolumeGb`, raw.rootVolumeGb, 8, 1024),
    targetRequestsPerSecond: check.integer(`${at}.targetRequestsPerSecond`, raw.targetRequestsPerSecond, 1, 1_000_000),
    ...checkContainer(check, at, raw),
  };
  if (compute.minSize > compute.maxSize) check.fail(`${at}.minSize`, `must not exceed maxSize (${compute.maxSize})`);
  if (compute.desiredCapacity < compute.minSize || compute.desiredCapacity > compute.maxSize) {
    check.fail(`${at}.desiredCapacity`, `must be between minSize (${compute.minSize}) and maxSize (${compute.maxSize})`);
  }
  return compute;
}

/** The Fargate settings: kind, a task size Fargate offers, the image pinned by digest when it runs. */
function checkContainer(check: Checker, at: string, raw: Mutable<ComputeConfig>): Pick<ComputeConfig, 'kind' | 'taskCpu' | 'taskMemoryMb' | 'image' | 'keepImages'> {
  const kind = check.satisfies(`${at}.kind`, raw.kind, (s) => (COMPUTE_KINDS as readonly string[]).includes(s), `one of ${COMPUTE_KINDS.join(', ')}`) as ComputeKind;
  const cpus = Object.keys(FARGATE_TASK_SIZES).map(Number);
  const taskCpu = check.oneOf(`${at}.taskCpu`, raw.taskCpu, cpus);
  const memories = FARGATE_TASK_SIZES[taskCpu] ?? [];
  const taskMemoryMb = check.integer(`${at}.taskMemoryMb`, raw.taskMemoryMb, 512, 30720);
  if (memories.length > 0 && !memories.includes(taskMemoryMb)) {
    check.fail(`${at}.taskMemoryMb`, `${taskMemoryMb} MiB is not a size Fargate offers with taskCpu ${taskCpu}: one of ${memories.join(', ')}`);
  }
  const image = raw.image === '' ? '' : check.pattern(`${at}.image`, raw.image, /^sha256:[0-9a-f]{64}$/, 'an image digest like sha256:<64 hex digits> (the image workflow prints it)');
  if (kind === 'fargate' && image === '') {
    check.fail(`${at}.image`, 'is required with kind fargate: the digest of the API image in this environment\'s ECR repository (push to main builds it; the image workflow prints the digest)');
  }
  return { kind, taskCpu, taskMemoryMb, image, keepImages: check.integer(`${at}.keepImages`, raw.keepImages, 1, 1000) };
}

function checkEdge(check: Checker, at: string, raw: Mutable<EdgeConfig>): EdgeConfig {
  const domainNames = Array.isArray(raw.domainNames)
    ? raw.domainNames.map((d, i) => check.pattern(`${at}.domainNames[${i}]`, d, /^(?!-)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'a lower-case DNS name like tasks.example.com'))
    : (check.fail(`${at}.domainNames`, `must be a list of DNS names, got ${JSON.stringify(raw.domainNames)}`), []);
  const certificateArn = raw.certificateArn === ''
    ? ''
    // CloudFront takes certificates from us-east-1 only.
    : check.pattern(`${at}.certificateArn`, raw.certificateArn, /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/, 'an ACM certificate ARN in us-east-1 (or "" for CloudFront\'s own)');
  if (domainNames.length > 0 && certificateArn === '') check.fail(`${at}.certificateArn`, 'is required with domainNames (a us-east-1 ACM certificate that covers them)');
  if (domainNames.length === 0 && certificateArn !== '') check.fail(`${at}.domainNames`, 'must name the host names the certificate is for');
  const priceClass = check.satisfies(`${at}.priceClass`, raw.priceClass, (s) => (PRICE_CLASSES as readonly string[]).includes(s), `one of ${PRICE_CLASSES.join(', ')}`);
  return {
    domainNames,
    certificateArn,
    priceClass: priceClass as EdgeConfig['priceClass'],
    // WAF rate-based rules take 10 to 2,000,000,000 requests per evaluation window.
    rateLimitPerIp: check.integer(`${at}.rateLimitPerIp`, raw.rateLimitPerIp, 10, 2_000_000_000),
    imageRateLimitPerIp: check.integer(`${at}.imageRateLimitPerIp`, raw.imageRateLimitPerIp, 10, 2_000_000_000),
  };
}
