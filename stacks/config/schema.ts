/** The shape of the typed configuration (SPEC T3): what every stack and construct receives. */

export const ENVIRONMENT_NAMES = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface StateConfig {
  /** S3 bucket that holds the Terraform state of every application stack (created by `bootstrap`). */
  readonly bucket: string;
  /** Region of that bucket. */
  readonly region: string;
  /** Key prefix: a stack's state lives at `<keyPrefix>/<stack>.tfstate`. */
  readonly keyPrefix: string;
  /**
   * The state key (`state_key_arn` of bootstrap, or its alias ARN): the backend encrypts every state
   * object with it, and the state bucket refuses objects encrypted otherwise.
   * @default a placeholder alias ARN; set it after bootstrap (TM_STATE_KMS_KEY_ARN)
   */
  readonly kmsKeyArn: string;
}

/** The state settings of the whole project: where state lives, and who besides the deploy roles may use it. */
export interface ProjectStateConfig extends StateConfig {
  /**
   * IAM role or user ARNs that may decrypt and write state besides the deploy roles and the account
   * root (e.g. an operator role for `cdktf deploy` from a laptop); the state key refuses everyone else.
   * @default none
   */
  readonly operatorArns: readonly string[];
}

export interface NetworkConfig {
  readonly vpcCidr: string;
  /** Exactly two AZs; taken from config so that no data source has to ask AWS at plan time. */
  readonly availabilityZones: readonly string[];
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  /**
   * 0: no NAT, the API instances sit in the public subnets with public addresses (egress only: their
   * group admits the load balancer alone); 1 (shared) or 2 (one per AZ): the instances are private.
   */
  readonly natGateways: number;
  /** VPC flow logs to CloudWatch Logs. */
  readonly flowLogs: boolean;
}

/** Where the API runs: instances of an Auto Scaling group, or Fargate tasks of an ECS service. */
export const COMPUTE_KINDS = ['ec2', 'fargate'] as const;
export type ComputeKind = (typeof COMPUTE_KINDS)[number];

/** CPU units a Fargate task may have, each with the memory sizes (MiB) Fargate pairs with it. */
export const FARGATE_TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: Array.from({ length: 13 }, (_, i) => (4 + i) * 1024),
  4096: Array.from({ length: 23 }, (_, i) => (8 + i) * 1024),
};

export interface ComputeConfig {
  /**
   * `ec2`: the API under systemd on an Auto Scaling group; `fargate`: the API's container image on
   * ECS Fargate. Both sit behind the same internal load balancer; switching is an ordinary plan.
   * @default ec2
   */
  readonly kind: ComputeKind;
  /** EC2 type of the API instances (kind ec2); a Graviton type (t4g, m7g, ...) selects the arm64 AMI. */
  readonly instanceType: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredCapacity: number;
  /** Port the API listens on, behind the load balancer. */
  readonly appPort: number;
  /** Root volume size of each instance (gp3, encrypted). */
  readonly rootVolumeGb: number;
  /**
   * API worker processes per instance (API_WORKERS).
   * @default the instance type's vCPUs
   */
  readonly apiWorkers: number;
  /**
   * MySQL connections per worker (DB_POOL_MAX); the check refuses more than the database can take.
   * @default 10, or less so that maxSize × apiWorkers pools stay under database.maxConnections
   */
  readonly dbPoolMax: number;
  /** Requests per second one instance (or task) should serve: the scaling target on the load balancer's request count. */
  readonly targetRequestsPerSecond: number;
  /** CPU units of one Fargate task (kind fargate): 256, 512, 1024, 2048 or 4096; API_WORKERS follows (one per 1024). */
  readonly taskCpu: number;
  /** Memory of one Fargate task in MiB, a size Fargate pairs with `taskCpu`. */
  readonly taskMemoryMb: number;
  /**
   * The API image's digest (`sha256:` and 64 hex digits) in the environment's ECR repository: what the
   * Fargate tasks run. Pinned by digest, so a new image is a planned, reviewed change. Required with
   * kind fargate; the image workflow prints it for every push to main.
   * @default "" (none)
   */
  readonly image: string;
  /** Images the environment's ECR repository keeps (older ones expire). */
  readonly keepImages: number;
}

export interface LoadBalancerConfig {
  /** Refuse to delete the (internal) load balancer. */
  readonly deletionProtection: boolean;
  /**
   * Access logs of the load balancer into a bucket of their own (CKV_AWS_91), kept `logRetentionDays`.
   * @default true (dev and prod)
   */
  readonly accessLogs: boolean;
}

export const PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;

/** The edge: CloudFront with AWS WAF in front of the site and the API. */
export interface EdgeConfig {
  /** Host names of your own (CNAMEs) besides the distribution's `*.cloudfront.net` name; empty for none. */
  readonly domainNames: readonly string[];
  /** ACM certificate in us-east-1 that covers `domainNames`; "" when there are none (CloudFront's own certificate). */
  readonly certificateArn: string;
  /** Which edge locations serve (PriceClass_100: North America and Europe, the cheapest). */
  readonly priceClass: (typeof PRICE_CLASSES)[number];
  /** Requests one client IP may make in 5 minutes before WAF blocks it. */
  readonly rateLimitPerIp: number;
  /** Image-generation requests (`POST /api/tasks/:id/image`, a Bedrock call each) one client IP may make in 5 minutes. */
  readonly imageRateLimitPerIp: number;
}

export const THREAT_PROTECTION_MODES = ['OFF', 'AUDIT', 'ENFORCED'] as const;

/** Sign-in (Amazon Cognito). */
export interface AuthConfig {
  /** Anyone may create an account (with a verified e-mail address); otherwise operators create users. */
  readonly selfSignUp: boolean;
  /** Cognito threat protection (compromised credentials, adaptive authentication); not OFF takes the Plus plan. */
  readonly threatProtection: (typeof THREAT_PROTECTION_MODES)[number];
  /** The hosted UI's domain prefix (globally unique per region); "" for `<namePrefix>-signin-<account id>`. */
  readonly domainPrefix: string;
  /** Local addresses (`http://localhost:<port>`) that may sign in against this pool too, e.g. `npm run api`; none in prod. */
  readonly localAppUrls: readonly string[];
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

/** The intervals (seconds) RDS enhanced monitoring takes; 0 turns it off. */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

export interface DatabaseConfig {
  readonly instanceClass: string;
  /**
   * A synchronous standby in the second AZ that RDS fails over to (CKV_AWS_157); doubles the instance and storage price.
   * @default true in prod, false in dev
   */
  readonly multiAz: boolean;
  /**
   * Enhanced monitoring: the instance's OS metrics every this many seconds (CKV_AWS_118), through a
   * monitoring role; one of 0 (off), 1, 5, 10, 15, 30, 60. Billed as CloudWatch Logs ingestion.
   * @default 60 in prod, 0 in dev
   */
  readonly monitoringIntervalSeconds: number;
  /** Deletion protection on the instance, and a final snapshot when it is destroyed. */
  readonly deletionProtection: boolean;
  readonly backupRetentionDays: number;
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGb: number;
  /**
   * MySQL's `max_connections`.
   * @default RDS's default for the class
   */
  readonly maxConnections: number;
}

/** What the policy check (`npm run policy`) expects of one environment. */
export interface EnvironmentPolicyConfig {
  /**
   * The environment holds production data: databases and load balancers need deletion protection,
   * buckets may not be force-destroyed, user pools must be deletion-protected.
   */
  readonly production: boolean;
  /** EC2 instance types the environment may run (launch templates, instances). */
  readonly instanceTypes: readonly string[];
  /** RDS instance classes the environment may run. */
  readonly databaseClasses: readonly string[];
  /** The environment asks for VPC interface endpoints (billed per AZ-hour); without it, any is a policy failure. */
  readonly interfaceEndpoints: boolean;
  /**
   * Accepted failures of this environment's stack, besides the project's `policy.waivers`.
   * @default dev: its instances' public addresses (CKV_AWS_88), which the design without NAT needs; prod: none
   */
  readonly waivers: readonly PolicyWaiver[];
}

/** One accepted policy failure: which rule, on which resource, why, and until when. */
export interface PolicyWaiver {
  /** The rule's id, e.g. `CKV_AWS_158`. */
  readonly rule: string;
  /** The resource: its construct path (`dev/api/logs`) or its Terraform address (`aws_cloudwatch_log_group.api_logs_F993657F`). */
  readonly resource: string;
  /** Why the failure is accepted. */
  readonly reason: string;
  /** The last day (YYYY-MM-DD, UTC) the waiver holds; after it, the failure and the waiver itself fail. */
  readonly expires: string;
}

/** The policy settings of the whole project. */
export interface ProjectPolicyConfig {
  /** Tag keys every resource must carry (through the provider's `default_tags`). */
  readonly requiredTags: readonly string[];
  /** Accepted failures. @default the deliberate design choices listed in defaults.ts */
  readonly waivers: readonly PolicyWaiver[];
}

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  readonly region: string;
  /**
   * The AWS account of this environment when each environment has its own (the layout AWS
   * recommends): its OIDC provider, plan role, apply role and workload boundary live there, while
   * the state stays in the bootstrap account. "" keeps the environment in the bootstrap account.
   * @default ""
   */
  readonly accountId: string;
  /**
   * The database's DbiResourceId (`db-...`, output `database_resource_id` after the first apply):
   * pins `rds-db:connect` in the workload boundary to this environment's database. "" scopes it to
   * the environment's account and region (bootstrap cannot know the id before the database exists).
   * @default ""
   */
  readonly databaseResourceId: string;
  /** Prefix of every resource name, e.g. `taskmanager-dev`. */
  readonly namePrefix: string;
  /** Tags on every resource (through the provider's `default_tags`), on top of project/environment/managed-by. */
  readonly tags: Readonly<Record<string, string>>;
  readonly network: NetworkConfig;
  readonly compute: ComputeConfig;
  readonly database: DatabaseConfig;
  readonly loadBalancer: LoadBalancerConfig;
  readonly edge: EdgeConfig;
  readonly auth: AuthConfig;
  readonly worker: WorkerConfig;
  readonly observability: ObservabilityConfig;
  /** Where alarms are e-mailed (SNS subscription). */
  readonly alarmEmail: string;
  /** Retention of the environment's CloudWatch log groups. */
  readonly logRetentionDays: number;
  readonly state: StateConfig;
  /** What the policy check expects of this environment. */
  readonly policy: EnvironmentPolicyConfig;
}

export interface ProjectConfig {
  /** Project name: the `project` tag and the default name prefix. */
  readonly project: string;
  /** `owner/name` of the GitHub repository whose workflows may assume the deploy roles. */
  readonly githubRepository: string;
  readonly state: ProjectStateConfig;
  /** The environments to synthesize, in order. */
  readonly environments: readonly EnvironmentConfig[];
  /** Required tags and accepted failures of the policy check. */
  readonly policy: ProjectPolicyConfig;
}

export function isEnvironmentName(name: string): name is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(name);
}
