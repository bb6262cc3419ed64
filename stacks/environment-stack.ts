import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from './config';
import { Alerts } from './constructs/alerts';
import { ApiBuild, ApiService } from './constructs/api-service';
import { Database, DATABASE_NAME, MYSQL_PORT } from './constructs/database';
import { Network } from './constructs/network';
import { Observability } from './constructs/observability';
import { IMAGES_PREFIX, QueueWorker, WorkerBuild } from './constructs/queue-worker';
import { SecurityGroups } from './constructs/security-groups';
import { StaticAssets } from './constructs/static-assets';
import { accountIdOf, partitionOf } from './lib/arn';
import { defaultTags, Naming } from './lib/naming';
import { awsProvider } from './lib/provider';

/** What the environment deploys, built once per synth and shared by every environment. */
export interface Builds {
  readonly api: ApiBuild;
  readonly worker: WorkerBuild;
}

export interface EnvironmentStackProps {
  readonly project: string;
  readonly env: EnvironmentConfig;
  readonly builds: Builds;
}

/** One environment of the application (SPEC T3): provider, remote state, and the constructs wired together. */
export class EnvironmentStack extends TerraformStack {
  readonly network: Network;
  readonly database: Database;
  readonly api: ApiService;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const { env } = props;
    const naming = Naming.of(env);
    const tags = defaultTags(props.project, env.name, env.tags);

    awsProvider(this, { region: env.region, project: props.project, environment: env.name, tags: env.tags });
    new S3Backend(this, {
      bucket: env.state.bucket,
      key: stateKey(env.state.keyPrefix, id),
      region: env.state.region,
      encrypt: true,
    });
    // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend type has no field for it yet.
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    this.network = new Network(this, 'network', {
      naming,
      region: env.region,
      config: env.network,
      logRetentionDays: env.logRetentionDays,
    });
    const groups = new SecurityGroups(this, 'security-groups', {
      naming,
      vpcId: this.network.vpcId,
      appPort: env.compute.appPort,
      https: env.loadBalancer.certificateArn !== '',
    });
    this.database = new Database(this, 'database', {
      naming,
      config: env.database,
      subnetIds: this.network.privateSubnetIds,
      securityGroupId: groups.database.id,
    });
    const assets = new StaticAssets(this, 'assets', { naming, forceDestroy: !env.database.deletionProtection });
    const partition = partitionOf(this.network.vpcArn);
    const alerts = new Alerts(this, 'alerts', { naming, email: env.alarmEmail, accountId: accountIdOf(this.network.vpcArn), partition });
    const worker = new QueueWorker(this, 'worker', {
      naming,
      region: env.region,
      config: env.worker,
      imagesBucket: { name: assets.staticBucket.bucketName, arn: assets.staticBucket.bucketArn },
      build: props.builds.worker,
      alerts,
      logRetentionDays: env.logRetentionDays,
      partition,
    });

    this.api = new ApiService(this, 'api', {
      naming,
      region: env.region,
      vpcId: this.network.vpcId,
      publicSubnetIds: this.network.publicSubnetIds,
      // Without NAT the instances sit in the public subnets, reachable only through the ALB's group (SPEC N4).
      instanceSubnetIds: this.network.hasNat ? this.network.privateSubnetIds : this.network.publicSubnetIds,
      instancesNeedPublicIp: !this.network.hasNat,
      loadBalancerSecurityGroupId: groups.loadBalancer.id,
      appSecurityGroupId: groups.app.id,
      compute: env.compute,
      loadBalancer: env.loadBalancer,
      build: props.builds.api,
      artifactsBucket: { name: assets.artifactsBucket.bucketName, arn: assets.artifactsBucket.bucketArn },
      database: { address: this.database.address, port: MYSQL_PORT, name: DATABASE_NAME, secretArn: this.database.secretArn },
      logGroupName: env.observability.logGroupName,
      logRetentionDays: env.logRetentionDays,
      instanceTags: tags,
      // The API queues image jobs and hands out presigned links to the finished images (SPEC Q4).
      extraPolicyStatements: [
        worker.sendPolicyStatement,
        { Sid: 'ReadImages', Effect: 'Allow', Action: 's3:GetObject', Resource: `${assets.staticBucket.bucketArn}/${IMAGES_PREFIX}*` },
      ],
      extraEnvironment: { QUEUE_URL: worker.queue.url, IMAGES_BUCKET: assets.staticBucket.bucketName },
    });

    const observability = new Observability(this, 'observability', {
      region: env.region,
      dashboardName: env.observability.dashboardName,
      alerts,
      logGroupName: this.api.logGroup.name,
      autoScalingGroupName: this.api.autoScalingGroup.name,
      loadBalancerArnSuffix: this.api.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.api.targetGroup.arnSuffix,
      databaseIdentifier: this.database.identifier,
      extraWidgets: worker.dashboardWidgets,
    });

    new TerraformOutput(this, 'alb_url', { value: this.api.url, description: 'Where the API answers' });
    new TerraformOutput(this, 'dashboard_url', { value: observability.dashboardUrl });
    new TerraformOutput(this, 'log_group', { value: this.api.logGroup.name });
    new TerraformOutput(this, 'static_bucket', { value: assets.staticBucket.bucketName });
    new TerraformOutput(this, 'image_queue_url', { value: worker.queue.url, description: 'QUEUE_URL for `npm run enqueue`' });
    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId });
    new TerraformOutput(this, 'public_subnet_ids', { value: this.network.publicSubnetIds });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnetIds });
  }
}

/** Where a stack's state lives in the state bucket. */
export function stateKey(keyPrefix: string, stackId: string): string {
  return `${keyPrefix}/${stackId}.tfstate`;
}
