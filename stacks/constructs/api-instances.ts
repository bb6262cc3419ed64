import { Construct } from 'constructs';
import { AssetType, Fn, ITerraformDependable, Lazy, TerraformAsset } from 'cdktf';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { ApiEnvironment } from '../../api/contract/api-settings';
import { METRICS_NAMESPACE } from '../../api/contract/telemetry';
import type { ComputeConfig } from '../config';
import { SESSION_MANAGER_AGENT_ACTIONS } from '../lib/iam';
import { Naming } from '../lib/naming';
import { GrantableRole } from '../lib/role';
import { cloudwatchAgentConfig, renderUserData } from './api-instance-setup';
import { CPU_TARGET_PERCENT, type ApiCompute, type ApiTarget } from './api-compute';
import { metricWidget, type DashboardWidget } from './observability';
import type { Network } from './network';
import type { SecureBucket } from './secure-bucket';
import type { SecurityGroups } from './security-groups';

/** Where API builds live in the artifacts bucket. */
const API_ARTIFACT_PREFIX = 'api/';

/** A build of the API: the bundled file and its SHA-256. */
export interface ApiBuild {
  /** The bundle (one JavaScript file) on this machine. */
  readonly file: string;
  /** Its hex SHA-256: the instance refuses a download that does not match. */
  readonly sha256: string;
}

export interface ApiInstancesProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Region of the instances (user data, the AWS SDK). */
  readonly region: string;
  /** The instances go in the private subnets with NAT, else in the public ones with a public address for their own egress. */
  readonly network: Network;
  /** The instances' security group. */
  readonly securityGroups: SecurityGroups;
  /** Instance type, group size, port and volume. */
  readonly compute: ComputeConfig;
  /** What the instances run. */
  readonly build: ApiBuild;
  /** Where the build is uploaded (`api/<sha256>/index.js`); the instances may read `api/*` only. */
  readonly artifactsBucket: SecureBucket;
  /** The load balancer's target group the group registers with, and its scaling label. */
  readonly target: ApiTarget;
  /** The API's log group, where the CloudWatch agent ships the API's log file. */
  readonly logGroup: { readonly name: string; readonly arn: string };
  /** The API process's environment; read when synth renders the user data, so later additions count. */
  readonly environment: ApiEnvironment;
  /** Tags for the instances and volumes the Auto Scaling group launches (provider default tags do not reach them). */
  readonly instanceTags: Readonly<Record<string, string>>;
  /**
   * What must exist before instances start (the database accounts they sign in as).
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
 * The EC2 part of the API service (`compute.kind` ec2): the build shipped to S3 by hash, a launch
 * template that installs and runs it under systemd, an Auto Scaling group that rolls out every new
 * build, target tracking on CPU and requests, and an instance role that can do only what the
 * instance needs. Its resources live in the ApiService's scope, where they always were, so that
 * splitting the service into parts moved no address.
 */
export class ApiInstances implements ApiCompute {
  readonly role: GrantableRole;
  readonly autoScalingGroup: AutoscalingGroup;
  readonly launchTemplate: LaunchTemplate;

  constructor(scope: Construct, props: ApiInstancesProps) {
    const { naming, compute } = props;
    const agentConfig = new SsmParameter(scope, 'agent-config', {
      name: `/${naming.name('cloudwatch-agent')}/config`,
      description: 'CloudWatch agent configuration of the API instances',
      type: 'String',
      value: JSON.stringify(cloudwatchAgentConfig({ logGroupName: props.logGroup.name })),
    });

    // The key holds the build's hash: a new build is a new object and a new launch template version.
    const asset = new TerraformAsset(scope, 'build', { path: props.build.file, type: AssetType.FILE });
    const artifact = new S3Object(scope, 'artifact', {
      bucket: props.artifactsBucket.bucketName,
      key: `${API_ARTIFACT_PREFIX}${props.build.sha256}/index.js`,
      source: asset.path,
      sourceHash: props.build.sha256,
      contentType: 'application/javascript',
    });

    this.role = new GrantableRole(scope, {
      ids: { role: 'instance-role', policy: 'instance-policy' },
      name: naming.name('api-instance'),
      description: 'Task manager API instances',
      assumedBy: 'ec2.amazonaws.com',
      policyName: 'taskmanager-api',
    });
    props.artifactsBucket.grantRead(this.role, API_ARTIFACT_PREFIX, 'ReadApiBuild');
    this.role.addToPolicy(
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
        Resource: [props.logGroup.arn, `${props.logGroup.arn}:*`],
      },
      { Sid: 'ReadAgentConfig', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: agentConfig.arn },
      // The agent reads the instance's tags for the AutoScalingGroupName dimension; the API has no resource-level form.
      { Sid: 'AgentDescribeTags', Effect: 'Allow', Action: 'ec2:DescribeTags', Resource: '*' },
      // Session Manager (operators' shell, no SSH) and nothing else of SSM: no parameters, no Run Command.
      { Sid: 'SessionManagerAgent', Effect: 'Allow', Action: SESSION_MANAGER_AGENT_ACTIONS, Resource: '*' },
    );
    const profile = new IamInstanceProfile(scope, 'instance-profile', { name: naming.name('api-instance'), role: this.role.role.name });

    // Rendered at synth, after every addEnvironment() call (sign-in settings come from constructs made later).
    const userData = Lazy.stringValue({
      produce: () => Fn.base64encode(renderUserData({
        region: props.region,
        artifactBucket: props.artifactsBucket.bucketName,
        artifactKey: artifact.key,
        artifactSha256: props.build.sha256,
        agentConfigParameter: agentConfig.name,
        environment: props.environment,
      })),
    });

    this.launchTemplate = new LaunchTemplate(scope, 'launch-template', {
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

    this.autoScalingGroup = new AutoscalingGroup(scope, 'asg', {
      name: naming.name('api'),
      minSize: compute.minSize,
      maxSize: compute.maxSize,
      desiredCapacity: compute.desiredCapacity,
      vpcZoneIdentifier: props.network.hasNat ? props.network.privateSubnetIds : props.network.publicSubnetIds,
      targetGroupArns: [props.target.targetGroup.arn],
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
      // Target tracking owns the capacity after the first apply: an apply must not undo a scale-out.
      lifecycle: { ignoreChanges: ['desired_capacity'] },
    });
    // Two targets; the group scales out when either is passed and in only when both allow it. With one
    // API worker per vCPU the API can drive CPU to 100 %, so 70 % is reachable; requests per instance
    // take over when a burstable instance runs out of CPU credits and its CPU is capped (docs/api.md).
    new AutoscalingPolicy(scope, 'cpu-target', {
      name: naming.name('api-cpu-70'),
      autoscalingGroupName: this.autoScalingGroup.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: CPU_TARGET_PERCENT,
      },
    });
    new AutoscalingPolicy(scope, 'requests-target', {
      name: naming.name('api-requests'),
      autoscalingGroupName: this.autoScalingGroup.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ALBRequestCountPerTarget', resourceLabel: props.target.resourceLabel },
        // The metric counts requests per target per minute.
        targetValue: compute.targetRequestsPerSecond * 60,
      },
    });
  }

  /** The instances' CPU, memory and disk, as the CloudWatch agent reports them per group. */
  dashboardWidgets(region: string): DashboardWidget[] {
    const asg = ['AutoScalingGroupName', this.autoScalingGroup.name];
    const percent = { yAxis: { left: { min: 0, max: 100 } } };
    return [
      metricWidget(region, 'Instance CPU (%)', [
        [METRICS_NAMESPACE, 'cpu_usage_user', ...asg],
        [METRICS_NAMESPACE, 'cpu_usage_system', ...asg],
        [METRICS_NAMESPACE, 'cpu_usage_idle', ...asg],
      ], percent),
      metricWidget(region, 'Instance memory used (%)', [[METRICS_NAMESPACE, 'mem_used_percent', ...asg]], percent),
      metricWidget(region, 'Root disk used (%)', [[METRICS_NAMESPACE, 'disk_used_percent', ...asg]], percent),
    ];
  }
}
