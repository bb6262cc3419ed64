import { Construct } from 'constructs';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import type { ComputeConfig, LoadBalancerConfig } from '../config';
import { policyDocument, PolicyStatement, serviceTrustPolicy } from '../lib/iam';
import { Naming } from '../lib/naming';
import {
  API_HEALTH_PATH,
  API_LOG_FILE,
  API_SHUTDOWN_TIMEOUT_SECONDS,
  cloudwatchAgentConfig,
  METRICS_NAMESPACE,
  renderUserData,
} from './api-instance-setup';

/** A build of the API: the bundled file and its SHA-256. */
export interface ApiBuild {
  readonly file: string;
  readonly sha256: string;
}

export interface ApiServiceProps {
  readonly naming: Naming;
  readonly region: string;
  readonly vpcId: string;
  /** Subnets of the load balancer (public). */
  readonly publicSubnetIds: string[];
  /** Subnets of the instances: private with NAT, else public (reachable only through the ALB's group). */
  readonly instanceSubnetIds: string[];
  /** Instances in public subnets need a public address to reach AWS APIs and package repositories. */
  readonly instancesNeedPublicIp: boolean;
  readonly loadBalancerSecurityGroupId: string;
  readonly appSecurityGroupId: string;
  readonly compute: ComputeConfig;
  readonly loadBalancer: LoadBalancerConfig;
  readonly build: ApiBuild;
  readonly artifactsBucket: { readonly name: string; readonly arn: string };
  readonly database: { readonly address: string; readonly port: number; readonly name: string; readonly secretArn: string };
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  /** Tags for the instances and volumes the Auto Scaling group launches (provider default tags do not reach them). */
  readonly instanceTags: Readonly<Record<string, string>>;
  /** Further permissions of the instance role (e.g. sending to the image queue). */
  readonly extraPolicyStatements?: PolicyStatement[];
  /** Further environment of the API process. */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
}

/** Amazon Linux 2023 AMI ids, published by AWS as public SSM parameters (resolved at launch, no data source). */
function amazonLinuxAmi(instanceType: string): string {
  // Graviton families carry a `g` after the generation digit: t4g, m7g, c7gn, r8g, ...
  const arch = /^[a-z]+\d+g/.test(instanceType) ? 'arm64' : 'x86_64';
  return `resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

/**
 * The API on EC2 behind an Application Load Balancer (SPEC C1-C3, O1-O2): the build shipped to
 * S3 by hash, a launch template that installs and runs it under systemd, an Auto Scaling group
 * that rolls out every new build, target tracking on CPU, the log group the agent ships to, and
 * an instance role that can do only what the instance needs.
 */
export class ApiService extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly autoScalingGroup: AutoscalingGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly instanceRole: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly artifactKey: string;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const { naming, compute } = props;

    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: props.logGroupName, retentionInDays: props.logRetentionDays });
    const agentConfig = new SsmParameter(this, 'agent-config', {
      name: `/${naming.name('cloudwatch-agent')}/config`,
      description: 'CloudWatch agent configuration of the API instances',
      type: 'String',
      value: JSON.stringify(cloudwatchAgentConfig({ logGroupName: this.logGroup.name })),
    });

    // The key holds the build's hash: a new build is a new object and a new launch template version.
    const asset = new TerraformAsset(this, 'build', { path: props.build.file, type: AssetType.FILE });
    this.artifactKey = `api/${props.build.sha256}/index.js`;
    const artifact = new S3Object(this, 'artifact', {
      bucket: props.artifactsBucket.name,
      key: this.artifactKey,
      source: asset.path,
      sourceHash: props.build.sha256,
      contentType: 'application/javascript',
    });

    this.instanceRole = new IamRole(this, 'instance-role', {
      name: naming.name('api-instance'),
      description: 'Task manager API instances',
      assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
    });
    new IamRolePolicyAttachment(this, 'ssm-session-manager', {
      role: this.instanceRole.name,
      policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    });
    new IamRolePolicy(this, 'instance-policy', {
      role: this.instanceRole.id,
      name: 'taskmanager-api',
      policy: policyDocument(
        { Sid: 'ReadApiBuild', Effect: 'Allow', Action: 's3:GetObject', Resource: `${props.artifactsBucket.arn}/api/*` },
        { Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: props.database.secretArn },
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
        ...(props.extraPolicyStatements ?? []),
      ),
    });
    const profile = new IamInstanceProfile(this, 'instance-profile', { name: naming.name('api-instance'), role: this.instanceRole.name });

    const userData = renderUserData({
      region: props.region,
      artifactBucket: props.artifactsBucket.name,
      artifactKey: artifact.key,
      artifactSha256: props.build.sha256,
      agentConfigParameter: agentConfig.name,
      environment: {
        NODE_ENV: 'production',
        HOST: '0.0.0.0',
        PORT: compute.appPort,
        AWS_REGION: props.region,
        DB_HOST: props.database.address,
        DB_PORT: props.database.port,
        DB_NAME: props.database.name,
        DB_SECRET_ARN: props.database.secretArn,
        DB_SSL: 'true',
        LOG_FILE: API_LOG_FILE,
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: API_SHUTDOWN_TIMEOUT_SECONDS * 1000,
        ...props.extraEnvironment,
      },
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
          associatePublicIpAddress: String(props.instancesNeedPublicIp),
          securityGroups: [props.appSecurityGroupId],
          deleteOnTermination: 'true',
        },
      ],
      monitoring: { enabled: false },
      userData: Fn.base64encode(userData),
      updateDefaultVersion: true,
      tagSpecifications: ['instance', 'volume'].map((resourceType) => ({
        resourceType,
        tags: { ...props.instanceTags, Name: naming.name('api') },
      })),
    });

    this.loadBalancer = new Lb(this, 'alb', {
      name: naming.name('alb'),
      internal: false,
      loadBalancerType: 'application',
      securityGroups: [props.loadBalancerSecurityGroupId],
      subnets: props.publicSubnetIds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.loadBalancer.deletionProtection,
      idleTimeout: 60,
    });
    this.targetGroup = new LbTargetGroup(this, 'targets', {
      name: naming.name('api'),
      port: compute.appPort,
      protocol: 'HTTP',
      targetType: 'instance',
      vpcId: props.vpcId,
      // Below the API's own drain bound, so that in-flight requests finish before SIGTERM's deadline.
      deregistrationDelay: String(API_SHUTDOWN_TIMEOUT_SECONDS - 10),
      healthCheck: {
        enabled: true,
        path: API_HEALTH_PATH,
        protocol: 'HTTP',
        matcher: '200',
        healthyThreshold: 2,
        unhealthyThreshold: 5,
        timeout: 5,
        interval: 30,
      },
    });
    this.addListeners(props.loadBalancer.certificateArn);

    this.autoScalingGroup = new AutoscalingGroup(this, 'asg', {
      name: naming.name('api'),
      minSize: compute.minSize,
      maxSize: compute.maxSize,
      desiredCapacity: compute.desiredCapacity,
      vpcZoneIdentifier: props.instanceSubnetIds,
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
    });
    new AutoscalingPolicy(this, 'cpu-target', {
      name: naming.name('api-cpu-70'),
      autoscalingGroupName: this.autoScalingGroup.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: 70,
      },
    });

    const scheme = props.loadBalancer.certificateArn ? 'https' : 'http';
    this.url = `${scheme}://${this.loadBalancer.dnsName}`;
  }

  private addListeners(certificateArn: string): void {
    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    if (!certificateArn) {
      new LbListener(this, 'http', { loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: 'HTTP', defaultAction: forward });
      return;
    }
    new LbListener(this, 'http', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
    });
    new LbListener(this, 'https', {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: 'HTTPS',
      certificateArn,
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      defaultAction: forward,
    });
  }
}
