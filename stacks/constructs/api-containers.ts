import { Construct } from 'constructs';
import { ITerraformDependable, Lazy } from 'cdktf';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import type { ApiEnvironment } from '../../api/contract/api-settings';
import type { ComputeConfig } from '../config';
import { Naming } from '../lib/naming';
import { GrantableRole } from '../lib/role';
import { API_SHUTDOWN_TIMEOUT_SECONDS } from './api-instance-setup';
import { CPU_TARGET_PERCENT, type ApiCompute, type ApiTarget } from './api-compute';
import type { ContainerRegistry } from './container-registry';
import { metricWidget, type DashboardWidget } from './observability';
import type { Network } from './network';
import type { SecurityGroups } from './security-groups';

/** The API's container in the task definition (the load balancer and the health check name it). */
export const API_CONTAINER_NAME = 'api';
/** The image's unprivileged user (the Node.js images' `node`, uid 1000): the task never runs as root. */
export const API_CONTAINER_USER = '1000:1000';
/** The one writable path of the read-only root filesystem (the runtime's temporary files). */
const TMP_VOLUME = 'tmp';

export interface ApiContainersProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Region of the tasks' logs. */
  readonly region: string;
  /** The tasks go in the private subnets with NAT, else in the public ones with a public address for their own egress. */
  readonly network: Network;
  /** The tasks' security group (the same as the instances': the load balancer in, MySQL and HTTPS out). */
  readonly securityGroups: SecurityGroups;
  /** Task size, service size, port, image digest. */
  readonly compute: ComputeConfig;
  /** Where the image comes from (pinned by `compute.image`). */
  readonly registry: ContainerRegistry;
  /** The load balancer's `ip` target group the service registers with, its scaling label and its listener. */
  readonly target: ApiTarget;
  /** The API's log group: the awslogs driver writes the container's stdout there. */
  readonly logGroup: { readonly name: string; readonly arn: string };
  /** The API process's environment; read when synth renders the task definition, so later additions count. */
  readonly environment: ApiEnvironment;
  /**
   * What must exist before tasks start (the database accounts they sign in as, the migrations).
   * @default nothing
   */
  readonly startsAfter?: readonly ITerraformDependable[];
}

/**
 * The Fargate part of the API service (`compute.kind` fargate): an ECS cluster, a task definition
 * that runs the API image by digest as a non-root user on a read-only root filesystem, with logs
 * to the API's log group, and a service in the VPC on the load balancer's `ip` target group, with
 * a deployment circuit breaker that rolls back, full capacity during deploys, ECS Exec off, and
 * Application Auto Scaling on CPU and requests per target. The task role signs in to the database
 * as the api account only; the execution role pulls the image and writes logs, nothing else.
 */
export class ApiContainers implements ApiCompute {
  /** What the API runs as (the task role): other constructs grant it access to what they own. */
  readonly role: GrantableRole;
  readonly executionRole: GrantableRole;
  readonly cluster: EcsCluster;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;

  constructor(scope: Construct, props: ApiContainersProps) {
    const { naming, compute } = props;
    this.cluster = new EcsCluster(scope, 'cluster', { name: naming.name('api') });

    this.executionRole = new GrantableRole(scope, {
      ids: { role: 'execution-role', policy: 'execution-policy' },
      name: naming.name('api-task-execution'),
      description: 'ECS pulls the API image and writes its logs',
      assumedBy: 'ecs-tasks.amazonaws.com',
      policyName: 'taskmanager-api-execution',
    });
    props.registry.grantPull(this.executionRole);
    this.executionRole.addToPolicy({
      Sid: 'WriteApiLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${props.logGroup.arn}:*`,
    });
    this.role = new GrantableRole(scope, {
      ids: { role: 'task-role', policy: 'task-policy' },
      name: naming.name('api-task'),
      description: 'Task manager API tasks',
      assumedBy: 'ecs-tasks.amazonaws.com',
      policyName: 'taskmanager-api',
    });

    // Rendered at synth, after every addEnvironment() call (sign-in settings come from constructs made later).
    const containerDefinitions = Lazy.stringValue({
      produce: () => JSON.stringify([this.containerDefinition(props)]),
    });
    this.taskDefinition = new EcsTaskDefinition(scope, 'task', {
      family: naming.name('api'),
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(compute.taskCpu),
      memory: String(compute.taskMemoryMb),
      executionRoleArn: this.executionRole.role.arn,
      taskRoleArn: this.role.role.arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      volume: [{ name: TMP_VOLUME }],
      containerDefinitions,
    });

    this.service = new EcsService(scope, 'service', {
      name: naming.name('api'),
      cluster: this.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: compute.desiredCapacity,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        subnets: props.network.hasNat ? props.network.privateSubnetIds : props.network.publicSubnetIds,
        securityGroups: [props.securityGroups.app.id],
        assignPublicIp: !props.network.hasNat,
      },
      loadBalancer: [{ targetGroupArn: props.target.targetGroup.arn, containerName: API_CONTAINER_NAME, containerPort: compute.appPort }],
      // A deployment whose tasks never get healthy stops and goes back to the last one that did.
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: false,
      healthCheckGracePeriodSeconds: 60,
      propagateTags: 'SERVICE',
      enableEcsManagedTags: true,
      waitForSteadyState: true,
      // Application Auto Scaling owns the count after the first apply.
      lifecycle: { ignoreChanges: ['desired_count'] },
      // ECS refuses a target group that no listener uses yet.
      dependsOn: [props.target.listener, ...(props.startsAfter ?? [])],
    });

    this.scaleOnCpuAndRequests(scope, props);
  }

  /** The same two targets as the instances: CPU, and requests per target when CPU is not the limit. */
  private scaleOnCpuAndRequests(scope: Construct, { naming, compute, target }: ApiContainersProps): void {
    const scaling = new AppautoscalingTarget(scope, 'scaling-target', {
      serviceNamespace: 'ecs',
      resourceId: `service/${this.cluster.name}/${this.service.name}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: compute.minSize,
      maxCapacity: compute.maxSize,
    });
    const track = (id: string, name: string, predefinedMetricSpecification: { predefinedMetricType: string; resourceLabel?: string }, targetValue: number) =>
      new AppautoscalingPolicy(scope, id, {
        name: naming.name(name),
        policyType: 'TargetTrackingScaling',
        serviceNamespace: scaling.serviceNamespace,
        resourceId: scaling.resourceId,
        scalableDimension: scaling.scalableDimension,
        targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification, targetValue },
      });
    track('cpu-target', 'api-cpu-70', { predefinedMetricType: 'ECSServiceAverageCPUUtilization' }, CPU_TARGET_PERCENT);
    // The metric counts a minute's requests per target.
    track('requests-target', 'api-requests', { predefinedMetricType: 'ALBRequestCountPerTarget', resourceLabel: target.resourceLabel }, compute.targetRequestsPerSecond * 60);
  }

  /** The service's CPU and memory, as ECS reports them. */
  dashboardWidgets(region: string): DashboardWidget[] {
    const service = ['ClusterName', this.cluster.name, 'ServiceName', this.service.name];
    const percent = { yAxis: { left: { min: 0, max: 100 } } };
    return [
      metricWidget(region, 'Task CPU (%)', [['AWS/ECS', 'CPUUtilization', ...service, { stat: 'Average' }], ['AWS/ECS', 'CPUUtilization', ...service, { stat: 'Maximum' }]], percent),
      metricWidget(region, 'Task memory used (%)', [['AWS/ECS', 'MemoryUtilization', ...service, { stat: 'Average' }], ['AWS/ECS', 'MemoryUtilization', ...service, { stat: 'Maximum' }]], percent),
    ];
  }

  /** The API container: the image by digest, unprivileged, read-only, logging to the API's group, no secret in its environment. */
  private containerDefinition(props: ApiContainersProps): Record<string, unknown> {
    const { compute } = props;
    return {
      name: API_CONTAINER_NAME,
      image: props.registry.imageByDigest(compute.image),
      essential: true,
      user: API_CONTAINER_USER,
      readonlyRootFilesystem: true,
      privileged: false,
      portMappings: [{ containerPort: compute.appPort, protocol: 'tcp' }],
      environment: Object.entries(props.environment).map(([name, value]) => ({ name, value: String(value) })),
      mountPoints: [{ sourceVolume: TMP_VOLUME, containerPath: '/tmp', readOnly: false }],
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['ALL'] } },
      // The image's own HEALTHCHECK, repeated here because ECS ignores the image's.
      healthCheck: {
        command: ['CMD', 'node', '/app/healthcheck.js'],
        interval: 30,
        timeout: 5,
        retries: 3,
        startPeriod: 30,
      },
      // SIGTERM, then this long to drain (the load balancer's deregistration delay is shorter).
      stopTimeout: API_SHUTDOWN_TIMEOUT_SECONDS + 5,
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': props.logGroup.name, 'awslogs-region': props.region, 'awslogs-stream-prefix': 'api', mode: 'non-blocking', 'max-buffer-size': '4m' },
      },
    };
  }
}
