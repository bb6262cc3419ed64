/**
 * The API on ECS Fargate (`compute.kind: fargate`): the task, the service on the load balancer's
 * `ip` target group, the roles, the image repository, scaling, and what a switch from EC2 keeps.
 */
import { ConfigError } from '../../stacks/config';
import { environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements, testConfig } from './synth';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const fargate = (extra: Json = {}) => ({ compute: { kind: 'fargate', image: DIGEST, ...extra } });
const prod = environmentStack('prod', { environments: { prod: fargate() } });
const dev = environmentStack('dev', { environments: { dev: fargate() } });
const task = onlyResource(prod, 'aws_ecs_task_definition');
const [container] = JSON.parse(task.container_definitions) as Json[];
const service = onlyResource(prod, 'aws_ecs_service');
const ref = (stack: Json, type: string, part: string, attribute: string) => refTo(stack, type, resourceNamed(stack, type, part), attribute);
const policyOf = (stack: Json, part: string) => statements(resourceNamed(stack, 'aws_iam_role_policy', part).policy);
const env = Object.fromEntries((container.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));

function problems(file: Json): string[] {
  try {
    testConfig(file);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('compute.kind', () => {
  test('defaults to ec2 in every environment', () => {
    expect(testConfig().environments.map((e) => e.compute.kind)).toEqual(['ec2', 'ec2']);
  });

  test('refuses a kind it does not know, naming the setting', () => {
    expect(problems({ environments: { dev: { compute: { kind: 'lambda' } } } })).toEqual([expect.stringContaining('environments.dev.compute.kind')]);
  });

  test('fargate needs the image digest, and says where it comes from', () => {
    expect(problems({ environments: { prod: { compute: { kind: 'fargate' } } } })).toEqual([
      expect.stringMatching(/^environments\.prod\.compute\.image: is required with kind fargate: .*image workflow prints the digest/),
    ]);
  });

  test('refuses an image given by tag instead of digest', () => {
    expect(problems({ environments: { prod: fargate({ image: 'latest' }) } })).toEqual([expect.stringContaining('environments.prod.compute.image')]);
  });

  test('refuses a task size Fargate does not offer, listing the ones it does', () => {
    expect(problems({ environments: { prod: fargate({ taskCpu: 512, taskMemoryMb: 512 }) } })).toEqual([
      'environments.prod.compute.taskMemoryMb: 512 MiB is not a size Fargate offers with taskCpu 512: one of 1024, 2048, 3072, 4096',
    ]);
    expect(problems({ environments: { prod: fargate({ taskCpu: 300 }) } })).toEqual([expect.stringContaining('environments.prod.compute.taskCpu')]);
  });

  test('sizes API_WORKERS by the task\'s vCPUs: one per whole vCPU, one below a vCPU', () => {
    const workers = (taskCpu: number, taskMemoryMb: number) => testConfig({ environments: { prod: fargate({ taskCpu, taskMemoryMb }) } }).environments[1].compute.apiWorkers;
    expect([workers(256, 512), workers(512, 1024), workers(1024, 2048), workers(2048, 4096), workers(4096, 8192)]).toEqual([1, 1, 1, 2, 4]);
  });

  test('checks the database pool budget with the same rules as EC2, naming the setting', () => {
    expect(problems({ environments: { prod: fargate({ maxSize: 30 }) } })).toEqual([expect.stringMatching(/^environments\.prod\.compute\.maxSize: 30 tasks × 1 workers would leave each worker 1 of the database's 66 connections/)]);
    expect(problems({ environments: { prod: fargate({ dbPoolMax: 50 }) } })).toEqual([expect.stringMatching(/^environments\.prod\.compute\.dbPoolMax: 50 is too many: 3 tasks × 1 workers/)]);
  });
});

describe('Fargate task definition', () => {
  test('runs awsvpc on Fargate with the configured CPU and memory', () => {
    expect(task).toMatchObject({ requires_compatibilities: ['FARGATE'], network_mode: 'awsvpc', cpu: '512', memory: '1024' });
  });

  test('runs the image of its own repository pinned by digest, never by tag', () => {
    expect(container.image).toBe(`${ref(prod, 'aws_ecr_repository', 'images', 'repository_url')}@${DIGEST}`);
  });

  test('runs as a non-root user on a read-only root filesystem, unprivileged, with every capability dropped', () => {
    expect(container).toMatchObject({ user: '1000:1000', readonlyRootFilesystem: true, privileged: false, linuxParameters: { capabilities: { drop: ['ALL'] } } });
    expect(container.mountPoints).toEqual([{ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false }]);
  });

  test('logs to the environment\'s API log group through awslogs', () => {
    expect(container.logConfiguration).toMatchObject({ logDriver: 'awslogs', options: { 'awslogs-group': ref(prod, 'aws_cloudwatch_log_group', 'api_logs', 'name'), 'awslogs-region': 'us-east-1' } });
  });

  test('signs in to MySQL with IAM as taskmanager_api, one worker per vCPU, and carries no secret', () => {
    expect(env).toMatchObject({ DB_USER: 'taskmanager_api', DB_MIGRATE_AT_START: 'false', DB_IAM_AUTH: 'true', DB_SSL: 'true', API_WORKERS: '1', HOST: '0.0.0.0', PORT: '3000' });
    expect(container.secrets).toBeUndefined();
    expect(Object.keys(env).filter((name) => /PASSWORD|SECRET|TOKEN|KEY/.test(name))).toEqual([]);
    expect(env.LOG_FILE).toBeUndefined();
  });

  test('checks its health the way the image does, and drains longer than the load balancer waits', () => {
    expect(container.healthCheck).toMatchObject({ command: ['CMD', 'node', '/app/healthcheck.js'] });
    const targets = onlyResource(prod, 'aws_lb_target_group');
    expect(container.stopTimeout).toBeGreaterThan(Number(targets.deregistration_delay));
  });
});

describe('Fargate service', () => {
  test('registers the tasks with an ip target group that the listener forwards to', () => {
    const targets = onlyResource(prod, 'aws_lb_target_group');
    expect(targets).toMatchObject({ target_type: 'ip', name: 'taskmanager-prod-api-ip', health_check: { path: '/health' } });
    expect(service.load_balancer).toEqual([{ target_group_arn: ref(prod, 'aws_lb_target_group', 'ip-targets', 'arn'), container_name: 'api', container_port: 3000 }]);
    expect(onlyResource(prod, 'aws_lb_listener').default_action[0].target_group_arn).toBe(ref(prod, 'aws_lb_target_group', 'ip-targets', 'arn'));
    expect(service.depends_on).toContain('aws_lb_listener.api_http_E1D2E7D4');
    // New tasks start only once the migration function has migrated the schema they need.
    expect(service.depends_on.some((d: string) => d.startsWith('aws_lambda_invocation.'))).toBe(true);
  });

  test('rolls back a deployment that never gets healthy, keeps full capacity while deploying, and has ECS Exec off', () => {
    expect(service).toMatchObject({
      launch_type: 'FARGATE',
      deployment_circuit_breaker: { enable: true, rollback: true },
      deployment_minimum_healthy_percent: 100,
      enable_execute_command: false,
    });
  });

  test('puts the tasks in the private subnets with NAT, without a public address', () => {
    expect(service.network_configuration).toMatchObject({ assign_public_ip: false, security_groups: [ref(prod, 'aws_security_group', 'app', 'id')] });
    expect(service.network_configuration.subnets).toEqual(resourcesOf(prod, 'aws_subnet').filter((s) => s.tags?.Tier === 'private' || /private/.test(s.tags?.Name ?? '')).map((s) => refTo(prod, 'aws_subnet', s, 'id')));
  });

  test('without NAT (dev) puts them in the public subnets with a public address for their own egress, as the instances are', () => {
    expect(onlyResource(dev, 'aws_ecs_service').network_configuration.assign_public_ip).toBe(true);
  });

  test('scales on CPU at 70 % and on requests per target, between minSize and maxSize', () => {
    expect(onlyResource(prod, 'aws_appautoscaling_target')).toMatchObject({ min_capacity: 1, max_capacity: 3, scalable_dimension: 'ecs:service:DesiredCount', service_namespace: 'ecs' });
    const policies = resourcesOf(prod, 'aws_appautoscaling_policy').map((p) => p.target_tracking_scaling_policy_configuration);
    expect(policies).toEqual([
      expect.objectContaining({ target_value: 70, predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' } }),
      expect.objectContaining({ target_value: 30000, predefined_metric_specification: expect.objectContaining({ predefined_metric_type: 'ALBRequestCountPerTarget' }) }),
    ]);
  });

  test('creates no instances, launch template or Auto Scaling group', () => {
    for (const type of ['aws_launch_template', 'aws_autoscaling_group', 'aws_iam_instance_profile', 'aws_s3_object']) {
      expect(Object.keys(prod.resource[type] ?? {}).filter((name) => name.startsWith('api_'))).toEqual([]);
    }
  });
});

describe('Fargate roles', () => {
  test('the task role signs in to the database and sends image jobs, with no wildcard action', () => {
    const task = policyOf(prod, 'api_task-policy');
    expect(task.map((s) => s.Sid)).toEqual(expect.arrayContaining(['ConnectAsApi', 'SendImageJobs', 'ReadImages']));
    const connects = task.filter((s) => s.Action === 'rds-db:connect').map((s) => String(s.Resource).split('/').at(-1));
    expect(connects).toEqual(['taskmanager_api']);
    expect(task.flatMap((s) => [s.Action].flat()).filter((a: string) => a.includes('*'))).toEqual([]);
  });

  test('the execution role pulls from its own repository and writes its own logs, nothing else', () => {
    expect(policyOf(prod, 'api_execution-policy')).toEqual([
      { Sid: 'EcrSignIn', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      { Sid: 'PullApiImage', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'], Resource: ref(prod, 'aws_ecr_repository', 'images', 'arn') },
      { Sid: 'WriteApiLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${ref(prod, 'aws_cloudwatch_log_group', 'api_logs', 'arn')}:*` },
    ]);
  });

  test('both roles are assumed by ECS tasks only', () => {
    for (const part of ['api_task-role', 'api_execution-role']) {
      expect(JSON.parse(resourceNamed(prod, 'aws_iam_role', part).assume_role_policy).Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
  });
});

describe('switching an environment between ec2 and fargate', () => {
  const addresses = (stack: Json) => Object.entries(stack.resource as Record<string, object>).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`));
  const ec2 = new Set(addresses(environmentStack('prod')));
  const onFargate = new Set(addresses(prod));

  test('keeps the database, the buckets, the load balancer, its listener and the log group where they are', () => {
    const stateful = [...ec2].filter((a) => /^aws_(db_instance|s3_bucket|lb|lb_listener|cloudwatch_log_group|cognito_user_pool|ecr_repository|kms_key)\./.test(a));
    expect(stateful.length).toBeGreaterThan(8);
    for (const address of stateful) expect(onFargate.has(address)).toBe(true);
  });

  test('replaces only the compute: the instances\' resources go, the service\'s come', () => {
    const gone = [...ec2].filter((a) => !onFargate.has(a)).map((a) => a.split('.')[0]).sort();
    const added = [...onFargate].filter((a) => !ec2.has(a)).map((a) => a.split('.')[0]).sort();
    expect(gone).toEqual(['aws_autoscaling_group', 'aws_autoscaling_policy', 'aws_autoscaling_policy', 'aws_iam_instance_profile', 'aws_iam_role', 'aws_iam_role_policy', 'aws_launch_template', 'aws_lb_target_group', 'aws_s3_object', 'aws_ssm_parameter']);
    expect(added).toEqual(['aws_appautoscaling_policy', 'aws_appautoscaling_policy', 'aws_appautoscaling_target', 'aws_ecs_cluster', 'aws_ecs_service', 'aws_ecs_task_definition', 'aws_iam_role', 'aws_iam_role', 'aws_iam_role_policy', 'aws_iam_role_policy', 'aws_lb_target_group']);
  });
});

describe('ECR repository', () => {
  const repository = onlyResource(prod, 'aws_ecr_repository');
  const policy = statements(onlyResource(prod, 'aws_ecr_repository_policy').policy);
  const vpcArn = ref(prod, 'aws_vpc', 'network_vpc', 'arn').slice(2, -1);
  const pushRole = `arn:\${element(split(":", ${vpcArn}), 1)}:iam::\${element(split(":", ${vpcArn}), 4)}:role/taskmanager-github-image-push-prod`;

  test('one per environment, with immutable tags, a scan on every push and KMS encryption', () => {
    expect(repository).toMatchObject({ name: 'taskmanager-prod-api', image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true }, encryption_configuration: [{ encryption_type: 'KMS' }], force_delete: false });
    expect(onlyResource(environmentStack('dev'), 'aws_ecr_repository')).toMatchObject({ name: 'taskmanager-dev-api', force_delete: true });
  });

  test('keeps the last keepImages images', () => {
    const rules = JSON.parse(onlyResource(prod, 'aws_ecr_lifecycle_policy').policy).rules;
    expect(rules).toEqual([expect.objectContaining({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 10 }, action: { type: 'expire' } })]);
  });

  test('lets only the environment\'s push role push and only its execution role pull', () => {
    const execution = ref(prod, 'aws_iam_role', 'api_execution-role', 'arn');
    expect(policy.find((s) => s.Sid === 'NobodyElsePushes')).toMatchObject({ Effect: 'Deny', Principal: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': pushRole } } });
    expect(policy.find((s) => s.Sid === 'TasksPull')).toMatchObject({ Effect: 'Allow', Principal: { AWS: [execution] } });
    expect(policy.find((s) => s.Sid === 'NobodyElsePulls')).toMatchObject({ Effect: 'Deny', Condition: { ArnNotEquals: { 'aws:PrincipalArn': [execution, pushRole] } } });
  });

  test('lets nobody but the push role pull while the environment runs no tasks (kind ec2)', () => {
    const onEc2 = statements(onlyResource(environmentStack('dev'), 'aws_ecr_repository_policy').policy);
    expect(onEc2.map((s) => s.Sid)).toEqual(['PushRolePushes', 'NobodyElsePushes', 'NobodyElsePulls']);
    expect(onEc2[2].Condition.ArnNotEquals['aws:PrincipalArn']).toEqual([expect.stringMatching(/:role\/taskmanager-github-image-push-dev$/)]);
  });
});
