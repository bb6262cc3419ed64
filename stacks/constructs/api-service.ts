import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import type { ApiEnvironment } from '../../api/contract/api-settings';
import { HEALTH_PATH, OPS_PATHS } from '../../api/contract/http';
import { API_BASE_PATH } from '../../api/contract/web';
import type { ComputeConfig, LoadBalancerConfig } from '../config';
import { Naming } from '../lib/naming';
import type { GrantableRole } from '../lib/role';
import type { ApiTarget } from './api-compute';
import { ApiContainers } from './api-containers';
import { API_LOG_FILE, API_SHUTDOWN_TIMEOUT_SECONDS } from './api-instance-setup';
import { ApiBuild, ApiInstances } from './api-instances';
import type { ContainerRegistry } from './container-registry';
import { DATABASE_ACCOUNTS, DATABASE_NAME, MYSQL_PORT } from '../../api/contract/database';
import type { Database } from './database';
import type { Network } from './network';
import type { DashboardWidget } from './observability';
import type { SecureBucket } from './secure-bucket';
import { LOAD_BALANCER_PORT, type SecurityGroups } from './security-groups';
import { LoadBalancerLogs } from './load-balancer-logs';
import { accountIdOf } from '../lib/arn';

export type { ApiBuild } from './api-instances';

export interface ApiServiceProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Region of the API (the AWS SDK, logs). */
  readonly region: string;
  /**
   * The internal load balancer goes in the private subnets (CloudFront reaches it through a VPC
   * origin); instances or tasks in the private subnets when the network has NAT, else in the
   * public ones with a public address for their own egress, reachable only through the load balancer's group.
   */
  readonly network: Network;
  /** The load balancer's and the API's security groups. */
  readonly securityGroups: SecurityGroups;
  /** Where the API runs (`kind`), its size, port and scaling targets. */
  readonly compute: ComputeConfig;
  /** Deletion protection and access logs of the load balancer. */
  readonly loadBalancer: LoadBalancerConfig;
  /** What the instances run (kind ec2). */
  readonly build: ApiBuild;
  /** Where the build is uploaded (kind ec2). */
  readonly artifactsBucket: SecureBucket;
  /** Where the tasks' image comes from (kind fargate). */
  readonly registry: ContainerRegistry;
  /** The database the API connects to over TLS, as the api account with IAM tokens. */
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
   * What must have run before the API starts or changes (the database's migrations, after the
   * accounts it signs in as): instances, a new launch template version and the ECS service wait for it.
   * @default nothing
   */
  readonly startsAfter?: readonly ITerraformDependable[];
}

/**
 * The API behind an internal Application Load Balancer (SPEC C1-C3, O1-O2): the load balancer part
 * (the balancer, its listener and the rule that keeps the operators' paths inside the VPC, the
 * target group, the log group) is shared by two compute parts, chosen by `compute.kind`: EC2
 * instances of an Auto Scaling group (ApiInstances) or Fargate tasks of an ECS service
 * (ApiContainers). Viewers reach it through the edge. Switching kinds keeps the load balancer, so
 * the edge and the database never notice.
 */
export class ApiService extends Construct {
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly logGroup: CloudwatchLogGroup;
  /** The instances or the tasks. */
  readonly compute: ApiInstances | ApiContainers;
  private readonly environment: ApiEnvironment;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const { naming, compute } = props;

    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: props.logs.groupName, retentionInDays: props.logs.retentionDays });
    this.environment = {
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: compute.appPort,
      AWS_REGION: props.region,
      DB_HOST: props.database.address,
      DB_PORT: MYSQL_PORT,
      DB_NAME: DATABASE_NAME,
      DB_USER: DATABASE_ACCOUNTS.api.user,
      // The migration function has migrated before the API starts; the API only checks the schema.
      DB_MIGRATE_AT_START: 'false',
      DB_IAM_AUTH: 'true',
      DB_SSL: 'true',
      API_WORKERS: compute.apiWorkers,
      DB_POOL_MAX: compute.dbPoolMax,
      // On EC2 the agent ships the log file; a container logs to stdout, which the awslogs driver ships.
      ...(compute.kind === 'ec2' ? { LOG_FILE: API_LOG_FILE } : {}),
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: API_SHUTDOWN_TIMEOUT_SECONDS * 1000,
      ...props.environment,
    };

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
    // Instances register by id; Fargate tasks (awsvpc) by address. Each kind keeps its own group, so a switch is a new one.
    this.targetGroup = new LbTargetGroup(this, compute.kind === 'ec2' ? 'targets' : 'ip-targets', {
      name: naming.name(compute.kind === 'ec2' ? 'api' : 'api-ip'),
      port: compute.appPort,
      protocol: 'HTTP',
      targetType: compute.kind === 'ec2' ? 'instance' : 'ip',
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
    const target: ApiTarget = {
      targetGroup: this.targetGroup,
      listener: this.addListener(),
      resourceLabel: `${this.loadBalancer.arnSuffix}/${this.targetGroup.arnSuffix}`,
    };

    const shared = { naming, region: props.region, network: props.network, securityGroups: props.securityGroups, compute, target, logGroup: this.logGroup, environment: this.environment, startsAfter: props.startsAfter };
    this.compute = compute.kind === 'ec2'
      ? new ApiInstances(this, { ...shared, build: props.build, artifactsBucket: props.artifactsBucket, instanceTags: props.instanceTags })
      : new ApiContainers(this, { ...shared, registry: props.registry });
    // Signs in with IAM tokens as the api account (rows only): no password on the instance or task, and
    // no way to change the schema (the migration function alone signs in as the migrator).
    props.database.grantConnect(this.role, DATABASE_ACCOUNTS.api.user, 'ConnectAsApi');
  }

  /** What the API runs as (the instance role or the task role): other constructs grant it access to what they own. */
  get role(): GrantableRole {
    return this.compute.role;
  }

  /** Adds settings to the API process's environment (names the API reads; a typo fails the type-check). */
  addEnvironment(variables: ApiEnvironment): void {
    Object.assign(this.environment, variables);
  }

  /** The compute's graphs for the dashboard. */
  dashboardWidgets(region: string): DashboardWidget[] {
    return this.compute.dashboardWidgets(region);
  }

  private addListener(): LbListener {
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
    return listener;
  }
}
