/**
 * The built-in defaults, one block per environment: dev is cheap and disposable, prod is
 * protected. Placeholders keep synth working offline with no account; nothing here names a real one.
 */
import { DEFAULT_IMAGE_MODEL_ID } from '../../api/contract/image-message';
import type { ComputeConfig, DatabaseConfig, EnvironmentConfig, EnvironmentName, NetworkConfig, PolicyWaiver, ProjectPolicyConfig } from './schema';

export const DEFAULT_PROJECT = 'taskmanager';
export const DEFAULT_REGION = 'us-east-1';

/** What is not derived: the AZs come from the region, the pools and workers from the types (capacity.ts). */
type EnvironmentDefaults = Omit<EnvironmentConfig, 'name' | 'region' | 'accountId' | 'databaseResourceId' | 'namePrefix' | 'state' | 'alarmEmail' | 'network' | 'compute' | 'database'> & {
  network: Omit<NetworkConfig, 'availabilityZones'>;
  compute: Omit<ComputeConfig, 'apiWorkers' | 'dbPoolMax'>;
  database: Omit<DatabaseConfig, 'maxConnections'>;
};

const SHARED_NETWORK = {
  vpcCidr: '10.0.0.0/16',
  publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
  privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
  natGateways: 0,
};

// 500 requests per second per instance: half of what a t3.micro sustains on its CPU baseline (docs/api.md).
// Fargate: half a vCPU and 1 GiB per task, the smallest size that runs one API worker without throttling.
const SHARED_COMPUTE = {
  kind: 'ec2' as const,
  instanceType: 't3.micro',
  minSize: 1,
  maxSize: 3,
  desiredCapacity: 1,
  appPort: 3000,
  rootVolumeGb: 8,
  targetRequestsPerSecond: 500,
  taskCpu: 512,
  taskMemoryMb: 1024,
  image: '',
  keepImages: 10,
};
const SHARED_WORKER = {
  modelId: DEFAULT_IMAGE_MODEL_ID,
  memoryMb: 512,
  timeoutSeconds: 90,
  batchSize: 5,
  maximumConcurrency: 2,
  maxReceiveCount: 4,
};
const SHARED_EDGE = { domainNames: [], certificateArn: '', priceClass: 'PriceClass_100' as const, imageRateLimitPerIp: 20 };
const SHARED_DATABASE = { instanceClass: 'db.t4g.micro', allocatedStorageGb: 20, maxAllocatedStorageGb: 100 };
/** Burstable sizes only: anything bigger is a deliberate change of this list, reviewed like any other. */
const SMALL_INSTANCE_TYPES = ['t3.micro', 't3.small', 't4g.micro', 't4g.small'];
const SMALL_DATABASE_CLASSES = ['db.t4g.micro', 'db.t4g.small', 'db.t3.micro', 'db.t3.small'];

/**
 * Dev has no NAT gateway (network.natGateways 0): its API instances sit in the public subnets with
 * public addresses for their egress, while their security group admits the load balancer alone.
 */
const DEV_PUBLIC_INSTANCES: PolicyWaiver = {
  rule: 'CKV_AWS_88',
  resource: 'dev/api/launch-template',
  reason: 'Dev runs without a NAT gateway (about 33 USD a month saved): its instances need public addresses for egress; their security group admits only the load balancer',
  expires: '2027-06-30',
};

/** What differs between environments by default: dev is cheap and disposable, prod is protected. */
export const ENVIRONMENT_DEFAULTS: Record<EnvironmentName, EnvironmentDefaults> = {
  dev: {
    tags: {},
    network: { ...SHARED_NETWORK, flowLogs: false },
    compute: { ...SHARED_COMPUTE },
    database: { ...SHARED_DATABASE, multiAz: false, monitoringIntervalSeconds: 0, deletionProtection: false, backupRetentionDays: 1 },
    loadBalancer: { deletionProtection: false, accessLogs: true },
    edge: { ...SHARED_EDGE, rateLimitPerIp: 1000 },
    auth: { selfSignUp: true, threatProtection: 'OFF', domainPrefix: '', localAppUrls: ['http://localhost:3000'] },
    worker: { ...SHARED_WORKER },
    observability: { logGroupName: 'taskmanager-dev-logs', dashboardName: 'TaskManager-Dashboard-dev' },
    logRetentionDays: 14,
    // Without NAT, the database set-up function reaches Secrets Manager through one interface endpoint.
    policy: { production: false, instanceTypes: SMALL_INSTANCE_TYPES, databaseClasses: SMALL_DATABASE_CLASSES, interfaceEndpoints: true, waivers: [DEV_PUBLIC_INSTANCES] },
  },
  prod: {
    tags: {},
    // One NAT gateway: the instances leave the public subnets (about 33 USD a month plus data).
    network: { ...SHARED_NETWORK, natGateways: 1, flowLogs: true },
    compute: { ...SHARED_COMPUTE },
    // A standby in the second AZ (about 14 USD a month more for db.t4g.micro and its storage) and OS metrics
    // every minute (CloudWatch Logs ingestion of a few MB); README: cost.
    database: { ...SHARED_DATABASE, multiAz: true, monitoringIntervalSeconds: 60, deletionProtection: true, backupRetentionDays: 7 },
    loadBalancer: { deletionProtection: true, accessLogs: true },
    edge: { ...SHARED_EDGE, rateLimitPerIp: 2000 },
    // Operators invite the users of prod; Plus costs about 0.02 USD per monthly active user.
    auth: { selfSignUp: false, threatProtection: 'ENFORCED', domainPrefix: '', localAppUrls: [] },
    worker: { ...SHARED_WORKER, maximumConcurrency: 5 },
    // The names the SPEC keeps; other environments get their own so that they can share an account.
    observability: { logGroupName: 'taskmanager-logs', dashboardName: 'TaskManager-Dashboard' },
    // A year of logs (CKV_AWS_338): what an incident review or an audit asks for.
    logRetentionDays: 365,
    policy: {
      production: true,
      instanceTypes: [...SMALL_INSTANCE_TYPES, 't3.medium', 't4g.medium'],
      databaseClasses: [...SMALL_DATABASE_CLASSES, 'db.t4g.medium', 'db.t3.medium'],
      interfaceEndpoints: false,
      waivers: [],
    },
  },
};

/** The policy check's project-wide settings: the tags `defaultTags` sets, and the accepted failures. */
export const DEFAULT_POLICY: ProjectPolicyConfig = {
  requiredTags: ['Project', 'Environment', 'ManagedBy'],
  waivers: [],
};

/** Placeholders that keep synth working offline; replace them through the file or the variables. */
export const PLACEHOLDERS = {
  stateBucket: 'taskmanager-terraform-state-example',
  githubRepository: 'example-org/taskmanager',
  alarmEmail: 'alerts@example.com',
  /** The alias bootstrap gives the state key, in an account that does not exist. */
  stateKmsKeyArn: (region: string, project: string) => `arn:aws:kms:${region}:000000000000:alias/${project}-terraform-state`,
};

/** Values CloudWatch Logs accepts for retention. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
