import * as crypto from 'crypto';
import * as fs from 'fs';
import {
  environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements, testBuilds, userDataScript,
} from './synth';

const dev = environmentStack('dev');
const build = testBuilds().api;
const launchTemplate = onlyResource(dev, 'aws_launch_template');
const script = userDataScript(launchTemplate);
const role = resourcesOf(dev, 'aws_iam_role').find((r) => r.name === 'taskmanager-dev-api-instance')!;
const instancePolicy = statements(resourceNamed(dev, 'aws_iam_role_policy', 'instance-policy').policy);
const statement = (sid: string) => instancePolicy.find((s) => s.Sid === sid)!;
const ref = (type: string, part: string, attribute: string) => refTo(dev, type, resourceNamed(dev, type, part), attribute);

describe('API build artifact', () => {
  test('uploads the bundled API to the artifacts bucket under a key holding its hash', () => {
    const object = resourceNamed(dev, 'aws_s3_object', 'api_artifact');
    expect(object.key).toBe(`api/${build.sha256}/index.js`);
    expect(object.bucket).toBe(ref('aws_s3_bucket', 'artifacts', 'bucket'));
    expect(object.source).toMatch(/^assets\/api_build_[A-Z0-9_]+\/[A-F0-9]+\/index\.js$/);
  });

  test('the recorded hash is the hash of the bundle that ships', () => {
    expect(crypto.createHash('sha256').update(fs.readFileSync(build.file)).digest('hex')).toBe(build.sha256);
  });
});

describe('User data', () => {
  test('installs Node.js 22 and the CloudWatch agent from the Amazon Linux repositories', () => {
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('dnf install -y nodejs22 amazon-cloudwatch-agent');
  });

  test('fetches the artifact of this build and refuses it unless its hash matches', () => {
    expect(script).toContain(`aws s3 cp --region us-east-1 's3://${ref('aws_s3_bucket', 'artifacts', 'bucket')}/${ref('aws_s3_object', 'artifact', 'key')}' /opt/taskmanager/index.js`);
    expect(script).toContain(`echo '${build.sha256}  /opt/taskmanager/index.js' | sha256sum --check --strict -`);
  });

  test('writes the environment file the unit reads: RDS over TLS with IAM sign-in, workers and pools sized for the database', () => {
    const env = Object.fromEntries(
      /<<'ENV'\n([\s\S]*?)\nENV/.exec(script)![1].split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    expect(env).toEqual({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '3000',
      AWS_REGION: 'us-east-1',
      DB_HOST: ref('aws_db_instance', 'database', 'address'),
      DB_PORT: '3306',
      DB_NAME: 'taskmanager',
      DB_USER: 'taskmanager_api',
      // The migration function migrated before the instances start; they only check the schema.
      DB_MIGRATE_AT_START: 'false',
      DB_IAM_AUTH: 'true',
      DB_SSL: 'true',
      API_WORKERS: '2',
      // (66 connections of a db.t4g.micro − 10 reserved) / (3 instances × 2 workers)
      DB_POOL_MAX: '9',
      LOG_FILE: '/var/log/taskmanager.log',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '30000',
      QUEUE_URL: ref('aws_sqs_queue', 'worker_queue', 'url'),
      IMAGES_BUCKET: ref('aws_s3_bucket', 'static', 'bucket'),
      AUTH_ISSUER: `https://cognito-idp.us-east-1.amazonaws.com/${ref('aws_cognito_user_pool', 'users', 'id')}`,
      AUTH_CLIENT_ID: ref('aws_cognito_user_pool_client', 'web', 'id'),
    });
  });

  test('installs a systemd unit that restarts on failure and reads that file', () => {
    const unit = /<<'UNIT'\n([\s\S]*?)\nUNIT/.exec(script)![1];
    expect(unit).toContain('EnvironmentFile=/etc/taskmanager.env');
    expect(unit).toContain('ExecStart=/usr/bin/node-22 /opt/taskmanager/index.js');
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toContain('User=taskmanager');
    expect(unit).toContain('TimeoutStopSec=40');
    expect(script).toContain('systemctl enable --now taskmanager.service');
  });

  test('starts the CloudWatch agent with the configuration from Parameter Store', () => {
    expect(script).toContain(
      `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c 'ssm:${ref('aws_ssm_parameter', 'agent-config', 'name')}'`,
    );
  });

  test('uses no ${...} of its own, which Terraform would take for an interpolation', () => {
    const interpolations = script.match(/\$\{[^}]*\}/g) ?? [];
    expect(interpolations.filter((i) => !/^\$\{aws_[a-z0-9_]+\.[A-Za-z0-9_-]+\./.test(i))).toEqual([]);
  });
});

describe('Launch template', () => {
  test('runs Amazon Linux 2023 from the public SSM parameter, with IMDSv2 required', () => {
    expect(launchTemplate).toMatchObject({
      image_id: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      instance_type: 't3.micro',
      metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 },
      update_default_version: true,
    });
  });

  test('picks the arm64 image for a Graviton instance type', () => {
    const graviton = onlyResource(environmentStack('dev', { environments: { dev: { compute: { instanceType: 't4g.micro' } } } }), 'aws_launch_template');
    expect(graviton.image_id).toBe('resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
  });

  test('has an encrypted gp3 root volume, the instance profile and the app security group', () => {
    expect(launchTemplate.block_device_mappings).toEqual([
      { device_name: '/dev/xvda', ebs: { volume_size: 8, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } },
    ]);
    expect(launchTemplate.iam_instance_profile).toEqual({ arn: ref('aws_iam_instance_profile', 'instance-profile', 'arn') });
    expect(launchTemplate.network_interfaces[0].security_groups).toEqual([ref('aws_security_group', 'app', 'id')]);
  });

  test('asks for a public address only when there is no NAT', () => {
    expect(launchTemplate.network_interfaces[0].associate_public_ip_address).toBe('true');
    const withNat = onlyResource(environmentStack('dev', { environments: { dev: { network: { natGateways: 1 } } } }), 'aws_launch_template');
    expect(withNat.network_interfaces[0].associate_public_ip_address).toBe('false');
  });

  test('tags the instances and volumes it launches', () => {
    for (const spec of launchTemplate.tag_specifications) {
      expect(spec.tags).toEqual({ Project: 'taskmanager', Environment: 'dev', ManagedBy: 'cdktf', Name: 'taskmanager-dev-api' });
    }
    expect(launchTemplate.tag_specifications.map((s: Json) => s.resource_type)).toEqual(['instance', 'volume']);
  });
});

describe('Auto Scaling group', () => {
  const asg = onlyResource(dev, 'aws_autoscaling_group');

  test('runs 1 to 3 instances, 1 desired, checked by the load balancer', () => {
    expect(asg).toMatchObject({ min_size: 1, max_size: 3, desired_capacity: 1, health_check_type: 'ELB', health_check_grace_period: 300 });
    expect(asg.target_group_arns).toEqual([ref('aws_lb_target_group', 'targets', 'arn')]);
  });

  test('follows the latest launch template version and rolls it out keeping full capacity', () => {
    expect(asg.launch_template).toEqual({ id: ref('aws_launch_template', 'launch-template', 'id'), version: ref('aws_launch_template', 'launch-template', 'latest_version') });
    expect(asg.instance_refresh).toEqual({
      strategy: 'Rolling',
      preferences: { min_healthy_percentage: 100, max_healthy_percentage: 200, instance_warmup: '120', auto_rollback: true },
    });
  });

  test('sits in the public subnets without NAT and in the private ones with NAT', () => {
    expect(asg.vpc_zone_identifier).toEqual([ref('aws_subnet', 'public-0', 'id'), ref('aws_subnet', 'public-1', 'id')]);
    const withNat = environmentStack('prod', { environments: { prod: { network: { natGateways: 2 } } } });
    expect(onlyResource(withNat, 'aws_autoscaling_group').vpc_zone_identifier).toEqual([
      refTo(withNat, 'aws_subnet', resourceNamed(withNat, 'aws_subnet', 'private-0'), 'id'),
      refTo(withNat, 'aws_subnet', resourceNamed(withNat, 'aws_subnet', 'private-1'), 'id'),
    ]);
  });

  test('scales on average CPU with a 70% target', () => {
    expect(resourceNamed(dev, 'aws_autoscaling_policy', 'cpu-target')).toMatchObject({
      policy_type: 'TargetTrackingScaling',
      autoscaling_group_name: ref('aws_autoscaling_group', 'asg', 'name'),
      target_tracking_configuration: { predefined_metric_specification: { predefined_metric_type: 'ASGAverageCPUUtilization' }, target_value: 70 },
    });
  });

  test('runs one API worker per vCPU, so the API alone can drive CPU past the 70% target', () => {
    // One worker uses at most one vCPU: with 2 workers on 2 vCPUs the API's load reaches 100 %.
    expect(script).toContain('API_WORKERS=2');
    const large = userDataScript(onlyResource(environmentStack('prod', { environments: { prod: { compute: { instanceType: 't3.xlarge' }, policy: { instanceTypes: ['t3.xlarge'] } } } }), 'aws_launch_template'));
    expect(large).toContain('API_WORKERS=4');
  });

  test('also scales on requests per instance, which stays a signal when a burstable instance runs out of CPU credits', () => {
    expect(resourceNamed(dev, 'aws_autoscaling_policy', 'requests-target').target_tracking_configuration).toEqual({
      predefined_metric_specification: {
        predefined_metric_type: 'ALBRequestCountPerTarget',
        resource_label: `${ref('aws_lb', 'alb', 'arn_suffix')}/${ref('aws_lb_target_group', 'targets', 'arn_suffix')}`,
      },
      target_value: 500 * 60,
    });
  });

  test('takes its sizes from the config', () => {
    const sized = environmentStack('prod', { environments: { prod: { compute: { minSize: 2, maxSize: 6, desiredCapacity: 2 } } } });
    expect(onlyResource(sized, 'aws_autoscaling_group')).toMatchObject({ min_size: 2, max_size: 6, desired_capacity: 2 });
  });
});

describe('Load balancer', () => {
  const prod = environmentStack('prod');

  test('is internal, in both private subnets, and drops invalid headers', () => {
    expect(onlyResource(dev, 'aws_lb')).toMatchObject({
      internal: true,
      load_balancer_type: 'application',
      drop_invalid_header_fields: true,
      subnets: [ref('aws_subnet', 'private-0', 'id'), ref('aws_subnet', 'private-1', 'id')],
      security_groups: [ref('aws_security_group', 'alb', 'id')],
    });
  });

  test('is protected from deletion in prod only', () => {
    expect(onlyResource(dev, 'aws_lb').enable_deletion_protection).toBe(false);
    expect(onlyResource(prod, 'aws_lb').enable_deletion_protection).toBe(true);
  });

  test('checks the API health path: healthy 2, unhealthy 5, timeout 5 s, interval 30 s', () => {
    const targets = onlyResource(dev, 'aws_lb_target_group');
    expect(targets).toMatchObject({ port: 3000, protocol: 'HTTP', target_type: 'instance' });
    expect(targets.health_check).toEqual({
      enabled: true, path: '/health', protocol: 'HTTP', matcher: '200', healthy_threshold: 2, unhealthy_threshold: 5, timeout: 5, interval: 30,
    });
  });

  test('drains targets for less time than the API takes to shut down, and systemd waits longer than every worker may', () => {
    expect(Number(onlyResource(dev, 'aws_lb_target_group').deregistration_delay)).toBeLessThan(30);
    expect(script).toContain('SHUTDOWN_TIMEOUT_MS=30000');
    // The cluster primary ends a worker still draining 5 s after SHUTDOWN_TIMEOUT_MS (docs/api.md).
    const stop = Number(/TimeoutStopSec=(\d+)/.exec(script)![1]);
    expect(stop).toBeGreaterThan(30 + 5);
  });

  test('forwards HTTP on 80 to the API (viewers get HTTPS from CloudFront)', () => {
    expect(resourcesOf(dev, 'aws_lb_listener')).toEqual([
      expect.objectContaining({ port: 80, protocol: 'HTTP', default_action: [{ type: 'forward', target_group_arn: ref('aws_lb_target_group', 'targets', 'arn') }] }),
    ]);
  });

  test('answers 404 itself for the operators\' paths under /api, so the edge never reaches /metrics or /instance', () => {
    const rule = onlyResource(dev, 'aws_lb_listener_rule');
    expect(rule.listener_arn).toBe(ref('aws_lb_listener', 'http', 'arn'));
    expect(rule.condition).toEqual([{ path_pattern: { values: ['/api/metrics', '/api/metrics/*', '/api/instance', '/api/instance/*'] } }]);
    expect(rule.action).toEqual([{ type: 'fixed-response', fixed_response: { status_code: '404', content_type: 'application/json', message_body: expect.stringContaining('not_found') } }]);
  });

  test('outputs its internal DNS name for operators', () => {
    expect(dev.output.alb_dns_name.value).toBe(ref('aws_lb', 'alb', 'dns_name'));
  });
});

describe('Instance role', () => {
  test('is assumable by EC2 only and has no managed policy attached', () => {
    expect(statements(role.assume_role_policy)).toEqual([{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(resourcesOf(dev, 'aws_iam_role_policy_attachment')).toEqual([]);
  });

  test('has the Session Manager agent\'s actions instead of SSH, and no parameter but its agent configuration', () => {
    expect(statement('SessionManagerAgent').Action).toEqual([
      'ssm:UpdateInstanceInformation', 'ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel',
    ]);
    const ssmReads = instancePolicy.flatMap((s) => [s.Action].flat().filter((a: string) => a.startsWith('ssm:Get')).map((a: string) => [a, s.Resource]));
    expect(ssmReads).toEqual([['ssm:GetParameter', ref('aws_ssm_parameter', 'agent-config', 'arn')]]);
  });

  test('reads only the API builds in the artifacts bucket', () => {
    expect(statement('ReadApiBuild')).toEqual({ Sid: 'ReadApiBuild', Effect: 'Allow', Action: 's3:GetObject', Resource: `${ref('aws_s3_bucket', 'artifacts', 'arn')}/api/*` });
  });

  test('signs in to the database as the api account only, with IAM tokens, never with a secret', () => {
    const dbuser = (user: string) => `arn:\${element(split(":", ${ref('aws_db_instance', 'database', 'arn').slice(2, -1)}), 1)}:rds-db:\${element(split(":", ${ref('aws_db_instance', 'database', 'arn').slice(2, -1)}), 3)}:\${element(split(":", ${ref('aws_db_instance', 'database', 'arn').slice(2, -1)}), 4)}:dbuser:${ref('aws_db_instance', 'database', 'resource_id')}/${user}`;
    expect(statement('ConnectAsApi')).toEqual({ Sid: 'ConnectAsApi', Effect: 'Allow', Action: 'rds-db:connect', Resource: dbuser('taskmanager_api') });
    expect(instancePolicy.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('rds-db:')))).toEqual([statement('ConnectAsApi')]);
    expect(instancePolicy.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('secretsmanager:'))).toEqual([]);
  });


  test('puts metrics only in the TaskManagerMetrics namespace', () => {
    expect(statement('PutOwnMetrics')).toMatchObject({
      Action: 'cloudwatch:PutMetricData',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'TaskManagerMetrics' } },
    });
  });

  test('writes only to its own log group and reads only its agent configuration', () => {
    const logGroupArn = ref('aws_cloudwatch_log_group', 'api_logs', 'arn');
    expect(statement('WriteApiLogs')).toMatchObject({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: [logGroupArn, `${logGroupArn}:*`],
    });
    expect(statement('ReadAgentConfig')).toMatchObject({ Action: 'ssm:GetParameter', Resource: ref('aws_ssm_parameter', 'agent-config', 'arn') });
  });

  test('allows nothing beyond those statements, and no wildcard action', () => {
    expect(instancePolicy.map((s) => s.Sid)).toEqual([
      'ReadApiBuild', 'PutOwnMetrics', 'WriteApiLogs', 'ReadAgentConfig', 'AgentDescribeTags', 'SessionManagerAgent', 'ConnectAsApi', 'SendImageJobs', 'ReadImages',
    ]);
    expect(instancePolicy.flatMap((s) => [s.Action].flat()).filter((a: string) => a.includes('*'))).toEqual([]);
    expect(instancePolicy.filter((s) => s.Resource === '*').map((s) => s.Sid)).toEqual(['PutOwnMetrics', 'AgentDescribeTags', 'SessionManagerAgent']);
  });
});
