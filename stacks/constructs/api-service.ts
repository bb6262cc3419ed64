import { Construct } from 'constructs';
import { AssetType, Fn, ITerraformDependable, Lazy, TerraformAsset } from 'cdktf';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { ApiEnvironment } from '../../api/contract/api-settings';
import { HEALTH_PATH, OPS_PATHS } from '../../api/contract/http';
import { API_BASE_PATH } from '../../api/contract/web';
import { METRICS_NAMESPACE } from '../../api/contract/telemetry';
import type { ComputeConfig, LoadBalancerConfig } from '../config';
import { Naming } from '../lib/naming';
import { GrantableRole } from '../lib/role';
import { API_LOG_FILE, API_SHUTDOWN_TIMEOUT_SECONDS, cloudwatchAgentConfig, renderUserData } from './api-instance-setup';
import { DATABASE_ACCOUNTS, DATABASE_NAME, MYSQL_PORT } from '../../api/contract/database';
import type { Database } from './database';
import { SESSION_MANAGER_AGENT_ACTIONS } from '../lib/iam';
import type { Network } from './network';
import type { SecureBucket } from './secure-bucket';
import { LOAD_BALANCER_PORT, type SecurityGroups } from './security-groups';
import { LoadBalancerLogs } from './load-balancer-logs';
import { accountIdOf } from '../lib/arn';

/** The average CPU the group aims for (SPEC C2). */
export const CPU_TARGET_PERCENT = 70;

/** Where API builds live in the artifacts bucket. */
const API_ARTIFACT_PREFIX = 'api/';

/** A build of the API: the bundled file and its SHA-256. */
export interface ApiBuild {
  /** The bundle (one JavaScript file) on this machine. */
  readonly file: string;
  /** Its hex SHA-256: the instance refuses a download that does not match. */
  readonly sha256: string;
}

export interface ApiServiceProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Region of the instances (user data, the AWS SDK). */
  readonly region: string;
  /**
   * The internal load balancer goes in the private subnets (CloudFront reaches it through a VPC
   * origin); the instances in the private subnets when the network has NAT, else in the public ones
   * with a public address for their own egress, reachable only through the load balancer's group.
   */
  readonly network: Network;
  /** The load balancer's and the instances' security groups. */
  readonly securityGroups: SecurityGroups;
  /** Instance type, group size, port and volume. */
  readonly compute: ComputeConfig;
  /** Deletion protection and access logs of the load balancer. */
  readonly loadBalancer: LoadBalancerConfig;
  /** What the instances run. */
  readonly build: ApiBuild;
  /** Where the build is uploaded (`api/<sha256>/index.js`); the instances may read `api/*` only. */
  readonly artifactsBucket: SecureBucket;
  /** The database the API connects to over TLS; the instances may read its secret. */
  readonly database: Database;
  /** The API's log group (SPEC O1) and how long it keeps logs. */
  readonly logs: { readonly groupName: string; readonly retentionDays: number };
  /** Tags for the instances and volumes the Auto Scaling group launches (provider default tags do not reach them). */
  readonly instanceTags: Readonly<Record<string, string>>;
  /**
   * Further environment of the API process (e.g. the image queue's URL).
   * @default none
   */
  readonly environment?: ApiEnvironment;
  /**
   * What must have run before instances start or a new launch template version exists (the
   * database's migrations, after the accounts they sign in as).
   * @default nothing
   */
  readonly startsAfter?: readonly ITerraformDependable[];
}

/** Amazon Linux 2023 AMI ids, published by AWS as public SSM parameters (resolved at launch, no data source). */
function amazonLinuxAmi(instanceType: string): string {
  // Graviton families carry a `g` after the generation digit: t4g, m7g, c7gn, r8g, ...
  const arch = /^[a-z]+\d+g/.test(instanceType) ? 'arm64' : 'x86_64';
  return `resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/**
 * The API on EC2 behind an internal Application Load Balancer (SPEC C1-C3, O1-O2): the build shipped
 * to S3 by hash, a launch template that installs and runs it under systemd, an Auto Scaling group
 * that rolls out every new build, target tracking on CPU, the log group the agent ships to, and
 * an instance role that can do only what the instance needs. Viewers reach it through the edge.
 */
export class ApiService extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly autoScalingGroup: AutoscalingGroup;
  readonly launchTemplate: LaunchTemplate;
  /** The instances' role: other constructs grant it access to what they own. */
  readonly instanceRole: GrantableRole;
  readonly logGroup: CloudwatchLogGroup;
  private readonly environment: ApiEnvironment;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const { naming, compute } = props;

    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: props.logs.groupName, retentionInDays: props.logs.retentionDays });
    const agentConfig = new SsmParameter(this, 'agent-config', {
      name: `/${naming.name('cloudwatch-agent')}/config`,
      description: 'CloudWatch agent configuration of the API instances',
      type: 'String',
      value: JSON.stringify(cloudwatchAgentConfig({ logGroupName: this.logGroup.name })),
    });

    // The key holds the build's hash: a new build is a new object and a new launch template version.
    const asset = new TerraformAsset(this, 'build', { path: props.build.file, type: AssetType.FILE });
    const artifact = new S3Object(this, 'artifact', {
      bucket: props.artifactsBucket.bucketName,
      key: `${API_ARTIFACT_PREFIX}${props.build.sha256}/index.js`,
      source: asset.path,
      sourceHash: props.build.sha256,
      contentType: 'application/javascript',
    });

    this.instanceRole = new GrantableRole(this, {
      ids: { role: 'instance-role', policy: 'instance-policy' },
      name: naming.name('api-instance'),
      description: 'Task manager API instances',
      assumedBy: 'ec2.amazonaws.com',
      policyName: 'taskmanager-api',
    });
    props.artifactsBucket.grantRead(this.instanceRole, API_ARTIFACT_PREFIX, 'ReadApiBuild');
    // Signs in with IAM tokens as the api account (rows only): no password on the instance, and no
    // way to change the schema (the migration function alone signs in as the migrator).
    props.database.grantConnect(this.instanceRole, DATABASE_ACCOUNTS.api.user, 'ConnectAsApi');
    this.instanceRole.addToPolicy(
      {
        Sid: 'PutOwnMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
      },
      {
        Sid: 'WriteApiLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`],
      },
      { Sid: 'ReadAgentConfig', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: agentConfig.arn },
      // The agent reads the instance's tags for the AutoScalingGroupName dimension; the API has no resource-level form.
      { Sid: 'AgentDescribeTags', Effect: 'Allow', Action: 'ec2:DescribeTags', Resource: '*' },
      // Session Manager (operators' shell, no SSH) and nothing else of SSM: no parameters, no Run Command.
      { Sid: 'SessionManagerAgent', Effect: 'Allow', Action: SESSION_MANAGER_AGENT_ACTIONS, Resource: '*' },
    );
    const profile = new IamInstanceProfile(this, 'instance-profile', { name: naming.name('api-instance'), role: this.instanceRole.role.name });

    this.environment = {
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: compute.appPort,
      AWS_REGION: props.region,
      DB_HOST: props.database.address,
      DB_PORT: MYSQL_PORT,
      DB_NAME: DATABASE_NAME,
      DB_USER: DATABASE_ACCOUNTS.api.user,
      // The migration function has migrated before instances start; the API only checks the schema.
      DB_MIGRATE_AT_START: 'false',
      DB_IAM_AUTH: 'true',
      DB_SSL: 'true',
      API_WORKERS: compute.apiWorkers,
      DB_POOL_MAX: compute.dbPoolMax,
      LOG_FILE: API_LOG_FILE,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: API_SHUTDOWN_TIMEOUT_SECONDS * 1000,
      ...props.environment,
    };
    // Rendered at synth, after every addEnvironment() call (sign-in settings come from constructs made later).
    const userData = Lazy.stringValue({
      produce: () => Fn.base64encode(renderUserData({
        region: props.region,
        artifactBucket: props.artifactsBucket.bucketName,
        artifactKey: artifact.key,
        artifactSha256: props.build.sha256,
        agentConfigParameter: agentConfig.name,
        environment: this.environment,
      })),
    });

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: naming.name('api'),
      description: 'Task manager API on Amazon Linux 2023',
      imageId: amazonLinuxAmi(compute.instanceType),
      instanceType: compute.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      blockDeviceMappings: [
        { deviceName: '/dev/xvda', ebs: { volumeSize: compute.rootVolumeGb, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } },
      ],
      networkInterfaces: [
        {
          associatePublicIpAddress: String(!props.network.hasNat),
          securityGroups: [props.securityGroups.app.id],
          deleteOnTermination: 'true',
        },
      ],
      monitoring: { enabled: false },
      userData,
      updateDefaultVersion: true,
      // A scale-out between a new version and the migrations would start code the schema lacks.
      dependsOn: props.startsAfter ? [...props.startsAfter] : undefined,
      tagSpecifications: ['instance', 'volume'].map((resourceType) => ({
        resourceType,
        tags: { ...props.instanceTags, Name: naming.name('api') },
      })),
    });

    const accessLogs = props.loadBalancer.accessLogs
      ? new LoadBalancerLogs(this, 'alb-logs', { naming, accountId: accountIdOf(props.network.vpcArn), retentionDays: props.logs.retentionDays, forceDestroy: !props.loadBalancer.deletionProtection })
      : undefined;
    this.loadBalancer = new Lb(this, 'alb', {
      name: naming.name('alb'),
      internal: true,
      loadBalancerType: 'application',
      securityGroups: [props.securityGroups.loadBalancer.id],
      subnets: props.network.privateSubnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.loadBalancer.deletionProtection,
      idleTimeout: 60,
      accessLogs: accessLogs?.accessLogs,
      dependsOn: accessLogs ? [accessLogs.bucket.policy] : undefined,
    });
    this.targetGroup = new LbTargetGroup(this, 'targets', {
      name: naming.name('api'),
      port: compute.appPort,
      protocol: 'HTTP',
      targetType: 'instance',
      vpcId: props.network.vpcId,
      // Below the API's own drain bound, so that in-flight requests finish before SIGTERM's deadline.
      deregistrationDelay: String(API_SHUTDOWN_TIMEOUT_SECONDS - 10),
      healthCheck: {
        enabled: true,
        path: HEALTH_PATH,
        protocol: 'HTTP',
        matcher: '200',
        healthyThreshold: 2,
        unhealthyThreshold: 5,
        timeout: 5,
        interval: 30,
      },
    });
    this.addListener();

    this.autoScalingGroup = new AutoscalingGroup(this, 'asg', {
      name: naming.name('api'),
      minSize: compute.minSize,
      maxSize: compute.maxSize,
      desiredCapacity: compute.desiredCapacity,
      vpcZoneIdentifier: props.network.hasNat ? props.network.privateSubnetIds : props.network.publicSubnetIds,
      targetGroupArns: [this.targetGroup.arn],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 300,
      launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
      instanceRefresh: {
        strategy: 'Rolling',
        // Launch the new instance before the old one goes: capacity never drops during a roll-out.
        preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: '120', autoRollback: true },
      },
      enabledMetrics: ['GroupInServiceInstances', 'GroupDesiredCapacity', 'GroupTotalInstances'],
      tag: [{ key: 'Name', value: naming.name('api'), propagateAtLaunch: true }],
      dependsOn: props.startsAfter ? [...props.startsAfter] : undefined,
    });
    // Two targets; the group scales out when either is passed and in only when both allow it. With one
    // API worker per vCPU the API can drive CPU to 100 %, so 70 % is reachable; requests per instance
    // take over when a burstable instance runs out of CPU credits and its CPU is capped (docs/api.md).
    new AutoscalingPolicy(this, 'cpu-target', {
      name: naming.name('api-cpu-70'),
      autoscalingGroupName: this.autoScalingGroup.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: CPU_TARGET_PERCENT,
      },
    });
    new AutoscalingPolicy(this, 'requests-target', {
      name: naming.name('api-requests'),
      autoscalingGroupName: this.autoScalingGroup.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        predefinedMetricSpecification: {
          predefinedMetricType: 'ALBRequestCountPerTarget',
          resourceLabel: `${this.loadBalancer.arnSuffix}/${this.targetGroup.arnSuffix}`,
        },
        // The metric counts requests per target per minute.
        targetValue: compute.targetRequestsPerSecond * 60,
      },
    });

  }

  /** Adds settings to the API process's environment (names the API reads; a typo fails the type-check). */
  addEnvironment(variables: ApiEnvironment): void {
    Object.assign(this.environment, variables);
  }

  private addListener(): void {
    const listener = new LbListener(this, 'http', {
      loadBalancerArn: this.loadBalancer.arn,
      port: LOAD_BALANCER_PORT,
      protocol: 'HTTP',
      defaultAction: [{ type: 'forward', targetGroupArn: this.targetGroup.arn }],
    });
    // The operators' endpoints answer only inside the VPC: what comes from the edge (/api/...) never reaches them.
    new LbListenerRule(this, 'ops-not-at-edge', {
      listenerArn: listener.arn,
      priority: 10,
      condition: [{ pathPattern: { values: OPS_PATHS.flatMap((p) => [`${API_BASE_PATH}${p}`, `${API_BASE_PATH}${p}/*`]) } }],
      action: [{ type: 'fixed-response', fixedResponse: { statusCode: '404', contentType: 'application/json', messageBody: JSON.stringify({ error: { code: 'not_found', message: 'No such resource.' } }) } }],
    });
  }
}
