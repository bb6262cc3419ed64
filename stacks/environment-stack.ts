import { Construct } from 'constructs';
import { IMAGE_KEY_PREFIX } from '../api/contract/image-message';
import { API_BASE_PATH } from '../api/contract/web';
import { Aspects, IAspect, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IConstruct } from 'constructs';
import type { EnvironmentConfig } from './config';
import { Alerts } from './constructs/alerts';
import { ApiContainers } from './constructs/api-containers';
import { ApiBuild, ApiService } from './constructs/api-service';
import { ContainerRegistry } from './constructs/container-registry';
import { Database } from './constructs/database';
import { DatabaseAccounts } from './constructs/database-accounts';
import { DatabaseMigrations } from './constructs/database-migrations';
import { Network } from './constructs/network';
import { Observability } from './constructs/observability';
import { QueueWorker } from './constructs/queue-worker';
import type { LambdaPackage } from './build/lambda-package';
import type { SiteFile } from './build/bundle-site';
import { SecurityGroups } from './constructs/security-groups';
import { SITE_KEY_PREFIX, StaticAssets } from './constructs/static-assets';
import { Edge } from './constructs/edge';
import { SIGN_IN_SCOPES, SignIn } from './constructs/sign-in';
import { StaticSite } from './constructs/static-site';
import { EdgeFirewall } from './constructs/edge-firewall';
import { containerBoundaryArn } from './deploy/container-boundary';
import { imagePushRoleArn } from './deploy/image-push';
import { workloadBoundaryArn } from './deploy/workload-boundary';
import { accountIdOf, partitionOf } from './lib/arn';
import { defaultTags, Naming } from './lib/naming';
import { awsProvider, globalProvider } from './lib/provider';

/** What the environment deploys, built once per synth and shared by every environment. */
export interface Builds {
  readonly api: ApiBuild;
  readonly worker: LambdaPackage;
  /** The function that keeps the database's application accounts in place. */
  readonly databaseSetup: LambdaPackage;
  /** The function that migrates the database's schema before the API starts. */
  readonly databaseMigrations: LambdaPackage;
  /** The web page's files. */
  readonly site: readonly SiteFile[];
}

export interface EnvironmentStackProps {
  /** The project's name: the `Project` tag. */
  readonly project: string;
  /** Everything this environment is made of. */
  readonly env: EnvironmentConfig;
  /** The deployables, built once per synth. */
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
    const globalAws = globalProvider(this, { project: props.project, environment: env.name, tags: env.tags });
    new S3Backend(this, {
      bucket: env.state.bucket,
      key: stateKey(env.state.keyPrefix, id),
      region: env.state.region,
      encrypt: true,
      // With no key named, Terraform's backend sends AES256 on every put, which overrides the
      // bucket's SSE-KMS default; the bucket refuses state not encrypted with the state key.
      kmsKeyId: env.state.kmsKeyArn,
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
      vpcCidr: env.network.vpcCidr,
    });
    this.database = new Database(this, 'database', {
      naming,
      config: env.database,
      subnetIds: this.network.privateSubnetIds,
      securityGroupId: groups.database.id,
    });
    const databaseAccounts = new DatabaseAccounts(this, 'database-accounts', {
      naming,
      region: env.region,
      database: this.database,
      network: this.network,
      securityGroups: groups,
      build: props.builds.databaseSetup,
      logRetentionDays: env.logRetentionDays,
    });
    const migrations = new DatabaseMigrations(this, 'database-migrations', {
      naming,
      database: this.database,
      accounts: databaseAccounts,
      network: this.network,
      securityGroups: groups,
      build: props.builds.databaseMigrations,
      logRetentionDays: env.logRetentionDays,
    });
    const assets = new StaticAssets(this, 'assets', { naming, forceDestroy: !env.database.deletionProtection });
    const partition = partitionOf(this.network.vpcArn);
    // One repository per environment, in every environment: free while empty, so the image workflow can push before kind fargate is chosen.
    const images = new ContainerRegistry(this, 'images', {
      naming,
      keepImages: env.compute.keepImages,
      pushRoleArn: imagePushRoleArn(partition, accountIdOf(this.network.vpcArn), props.project, env.name),
      forceDelete: !env.database.deletionProtection,
    });
    // The apply role may only create roles inside the environment's boundary that bootstrap made: every role carries it.
    Aspects.of(this).add(new PermissionsBoundary(workloadBoundaryArn(partition, accountIdOf(this.network.vpcArn), env.namePrefix)));
    const alerts = new Alerts(this, 'alerts', { naming, email: env.alarmEmail, accountId: accountIdOf(this.network.vpcArn), partition, region: env.region, globalProvider: globalAws });
    const worker = new QueueWorker(this, 'worker', {
      naming,
      region: env.region,
      config: env.worker,
      imagesBucket: assets.staticBucket,
      build: props.builds.worker,
      alerts,
      logRetentionDays: env.logRetentionDays,
      partition,
    });

    this.api = new ApiService(this, 'api', {
      naming,
      region: env.region,
      network: this.network,
      securityGroups: groups,
      compute: env.compute,
      loadBalancer: env.loadBalancer,
      build: props.builds.api,
      artifactsBucket: assets.artifactsBucket,
      registry: images,
      database: this.database,
      logs: { groupName: env.observability.logGroupName, retentionDays: env.logRetentionDays },
      instanceTags: tags,
      environment: { QUEUE_URL: worker.queue.url, IMAGES_BUCKET: assets.staticBucket.bucketName },
      // The schema has this build's migrations before any instance starts with it.
      startsAfter: [migrations.migrated],
    });
    // ECS task credentials carry no context the workload boundary could test (deploy/container-boundary.ts): the task and execution roles carry the container boundary.
    if (this.api.compute instanceof ApiContainers) {
      for (const role of [this.api.compute.role, this.api.compute.executionRole]) role.role.permissionsBoundary = containerBoundaryArn(partition, accountIdOf(this.network.vpcArn), env.namePrefix);
    }
    // The API queues image jobs and hands out presigned links to the finished images (SPEC Q4).
    worker.grantSendMessages(this.api.role);
    assets.staticBucket.grantRead(this.api.role, IMAGE_KEY_PREFIX, 'ReadImages');

    const firewall = new EdgeFirewall(this, 'firewall', {
      naming,
      globalProvider: globalAws,
      rateLimitPerIp: env.edge.rateLimitPerIp,
      imageRateLimitPerIp: env.edge.imageRateLimitPerIp,
    });
    const edge = new Edge(this, 'edge', {
      naming,
      config: env.edge,
      globalProvider: globalAws,
      siteBucket: assets.staticBucket,
      sitePrefix: SITE_KEY_PREFIX,
      loadBalancer: this.api.loadBalancer,
      firewall,
      logRetentionDays: env.logRetentionDays,
      forceDestroy: !env.database.deletionProtection,
    });
    groups.admitEdgeOrigin(edge.originSecurityGroupId);
    const signIn = new SignIn(this, 'sign-in', {
      naming,
      region: env.region,
      config: env.auth,
      accountId: accountIdOf(this.network.vpcArn),
      appUrls: edge.urls,
      localUrls: env.auth.localAppUrls,
      deletionProtection: env.database.deletionProtection,
    });
    edge.allowSignInFrom(signIn.hostedUiUrl);
    this.api.addEnvironment({ AUTH_ISSUER: signIn.issuer, AUTH_CLIENT_ID: signIn.client.id });
    new StaticSite(this, 'site', {
      bucket: assets.staticBucket,
      prefix: SITE_KEY_PREFIX,
      files: props.builds.site,
      runtimeConfig: {
        apiBase: API_BASE_PATH,
        auth: { issuer: signIn.issuer, clientId: signIn.client.id, domain: signIn.hostedUiUrl, scopes: SIGN_IN_SCOPES },
      },
    });

    const observability = new Observability(this, 'observability', {
      region: env.region,
      dashboardName: env.observability.dashboardName,
      alerts,
      api: this.api,
      database: this.database,
      edge: { distribution: edge, firewall },
      extraWidgets: worker.dashboardWidgets,
    });

    new TerraformOutput(this, 'url', { value: edge.url, description: 'The HTTPS address users open: the web page, and the API under /api' });
    new TerraformOutput(this, 'alb_dns_name', { value: this.api.loadBalancer.dnsName, description: 'The internal load balancer, reachable from the CloudFront VPC origin only (operators read /metrics and /instance on an instance, through Session Manager)' });
    new TerraformOutput(this, 'user_pool_id', { value: signIn.userPool.id, description: 'The Cognito user pool (operators create users here when self sign-up is off)' });
    new TerraformOutput(this, 'dashboard_url', { value: observability.dashboardUrl, description: 'The CloudWatch dashboard of this environment' });
    new TerraformOutput(this, 'log_group', { value: this.api.logGroup.name, description: 'Log group of the API (one stream per instance or task)' });
    new TerraformOutput(this, 'image_repository_url', { value: images.repository.repositoryUrl, description: 'ECR repository of the API image (the image workflow pushes here; compute.image pins a digest of it)' });
    new TerraformOutput(this, 'static_bucket', { value: assets.staticBucket.bucketName, description: 'Bucket of the static files and the generated images (images/)' });
    new TerraformOutput(this, 'image_queue_url', { value: worker.queue.url, description: 'QUEUE_URL for `npm run enqueue`' });
    new TerraformOutput(this, 'database_resource_id', { value: this.database.instance.resourceId, description: 'The database\'s DbiResourceId: environments.<env>.databaseResourceId pins the workload boundary\'s rds-db:connect to it' });
    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId, description: 'The environment\'s VPC' });
    new TerraformOutput(this, 'public_subnet_ids', { value: this.network.publicSubnetIds, description: 'Public subnets (NAT gateways; the API instances when there is no NAT)' });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnetIds, description: 'Private subnets (database, internal load balancer, CloudFront VPC origin; the API instances with NAT)' });
  }
}

/** Where a stack's state lives in the state bucket. */
export function stateKey(keyPrefix: string, stackId: string): string {
  return `${keyPrefix}/${stackId}.tfstate`;
}

/** Sets one permissions boundary on every IAM role of a scope that has none yet, including roles added later. */
class PermissionsBoundary implements IAspect {
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole && node.permissionsBoundaryInput === undefined) node.permissionsBoundary = this.boundaryArn;
  }
}
