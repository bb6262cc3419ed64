import { environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements } from './synth';

const dev = environmentStack('dev');
const prod = environmentStack('prod');
const ref = (stack: Json, type: string, part: string, attribute: string) => refTo(stack, type, resourceNamed(stack, type, part), attribute);
/** The agent configuration as the instance reads it: Terraform turns `$${` back into `${`. */
const agentConfig = JSON.parse(resourceNamed(dev, 'aws_ssm_parameter', 'agent-config').value.replaceAll('$${', '${'));
const dashboard = (stack: Json) => JSON.parse(onlyResource(stack, 'aws_cloudwatch_dashboard').dashboard_body);

describe('Buckets', () => {
  const buckets = resourcesOf(dev, 'aws_s3_bucket');

  test('has a static, an artifacts, an edge-logs and an ALB access-logs bucket with unique, environment-prefixed names', () => {
    expect(buckets.map((b) => b.bucket_prefix).sort()).toEqual(['taskmanager-dev-alb-logs-', 'taskmanager-dev-artifacts-', 'taskmanager-dev-edge-logs-', 'taskmanager-dev-static-']);
    expect(dev.output.static_bucket.value).toBe(ref(dev, 'aws_s3_bucket', 'static', 'bucket'));
  });

  test('blocks public access, encrypts, versions and requires TLS on each', () => {
    for (const bucket of buckets) {
      const id = refTo(dev, 'aws_s3_bucket', bucket, 'id');
      const arn = refTo(dev, 'aws_s3_bucket', bucket, 'arn');
      const of = (type: string) => resourcesOf(dev, type).find((r) => r.bucket === id)!;
      expect(of('aws_s3_bucket_public_access_block')).toMatchObject({
        block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
      });
      expect(of('aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
      expect(of('aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
      expect(statements(of('aws_s3_bucket_policy').policy)[0]).toMatchObject({
        Effect: 'Deny', Resource: [arn, `${arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    }
  });

  test('can be emptied by destroy in dev only', () => {
    expect(buckets.every((b) => b.force_destroy === true)).toBe(true);
    expect(resourcesOf(prod, 'aws_s3_bucket').every((b) => b.force_destroy === false)).toBe(true);
  });
});

describe('Logs and the CloudWatch agent', () => {
  test('keep the API log in taskmanager-logs (prod) with retention', () => {
    expect(resourceNamed(prod, 'aws_cloudwatch_log_group', 'api_logs')).toEqual(expect.objectContaining({ name: 'taskmanager-logs', retention_in_days: 365 }));
    expect(resourceNamed(dev, 'aws_cloudwatch_log_group', 'api_logs')).toEqual(expect.objectContaining({ name: 'taskmanager-dev-logs', retention_in_days: 14 }));
    expect(prod.output.log_group.value).toBe(ref(prod, 'aws_cloudwatch_log_group', 'api_logs', 'name'));
  });

  test('collect CPU idle/user/system, memory and root-disk usage into TaskManagerMetrics', () => {
    expect(agentConfig.metrics.namespace).toBe('TaskManagerMetrics');
    expect(agentConfig.metrics.metrics_collected).toEqual({
      cpu: { measurement: ['cpu_usage_idle', 'cpu_usage_user', 'cpu_usage_system'], totalcpu: true },
      mem: { measurement: ['mem_used_percent'] },
      disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
    });
    expect(agentConfig.metrics.append_dimensions.AutoScalingGroupName).toBe('${aws:AutoScalingGroupName}');
  });

  test('ship the API log file to the log group', () => {
    expect(agentConfig.logs.logs_collected.files.collect_list).toEqual([
      expect.objectContaining({ file_path: '/var/log/taskmanager.log', log_group_name: ref(dev, 'aws_cloudwatch_log_group', 'api_logs', 'name') }),
    ]);
  });
});

describe('Dashboard', () => {
  const widgets: Json[] = dashboard(prod).widgets;
  const metricsOf = (title: string) => widgets.find((w) => w.properties.title.startsWith(title))!.properties.metrics;
  const asgName = ref(prod, 'aws_autoscaling_group', 'asg', 'name');

  test('is named TaskManager-Dashboard in prod and per environment elsewhere', () => {
    expect(onlyResource(prod, 'aws_cloudwatch_dashboard').dashboard_name).toBe('TaskManager-Dashboard');
    expect(onlyResource(dev, 'aws_cloudwatch_dashboard').dashboard_name).toBe('TaskManager-Dashboard-dev');
    expect(prod.output.dashboard_url.value).toContain('#dashboards:name=${aws_cloudwatch_dashboard.');
  });

  test('shows instance CPU, memory and disk of the Auto Scaling group', () => {
    expect(metricsOf('Instance CPU').map((m: Json[]) => m[1])).toEqual(['cpu_usage_user', 'cpu_usage_system', 'cpu_usage_idle']);
    expect(metricsOf('Instance memory')).toEqual([['TaskManagerMetrics', 'mem_used_percent', 'AutoScalingGroupName', asgName]]);
    expect(metricsOf('Root disk')).toEqual([['TaskManagerMetrics', 'disk_used_percent', 'AutoScalingGroupName', asgName]]);
  });

  test('shows TasksCreated, load balancer requests/5xx/latency, healthy hosts and the database', () => {
    expect(metricsOf('Tasks created')).toEqual([['TaskManagerMetrics', 'TasksCreated', { stat: 'Sum' }]]);
    expect(metricsOf('Load balancer').map((m: Json[]) => m[1])).toEqual(['RequestCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count']);
    expect(metricsOf('Target response time').map((m: Json[]) => m[1])).toEqual(['TargetResponseTime', 'TargetResponseTime']);
    expect(metricsOf('Healthy').map((m: Json[]) => m[1])).toEqual(['HealthyHostCount', 'UnHealthyHostCount']);
    expect(metricsOf('Database CPU').map((m: Json[]) => m[1])).toEqual(['CPUUtilization', 'DatabaseConnections']);
    expect(metricsOf('Database free storage')[0][1]).toBe('FreeStorageSpace');
  });

  test('shows the edge\'s error rates, requests and WAF blocks, from us-east-1 where those metrics live', () => {
    const distribution = ['DistributionId', ref(prod, 'aws_cloudfront_distribution', 'distribution', 'id'), 'Region', 'Global'];
    expect(metricsOf('Edge error rates')).toEqual([['AWS/CloudFront', '4xxErrorRate', ...distribution], ['AWS/CloudFront', '5xxErrorRate', ...distribution]]);
    expect(metricsOf('Edge requests')).toEqual([
      ['AWS/CloudFront', 'Requests', ...distribution, { stat: 'Sum' }],
      ['AWS/WAFV2', 'BlockedRequests', 'WebACL', 'taskmanager-prod-edge', 'Rule', 'ALL', { stat: 'Sum' }],
    ]);
    expect(widgets.filter((w) => w.properties.title?.startsWith('Edge')).map((w) => w.properties.region)).toEqual(['us-east-1', 'us-east-1']);
  });

  test('shows the latest lines of the API log', () => {
    const log = widgets.find((w) => w.type === 'log')!;
    expect(log.properties.query).toMatch(/^SOURCE '\$\{aws_cloudwatch_log_group\.[^}]+\.name\}' \| fields @timestamp/);
  });
});

describe('Alarms and the alerts topic', () => {
  const topicArn = ref(dev, 'aws_sns_topic', 'topic', 'arn');
  const alarms = resourcesOf(dev, 'aws_cloudwatch_metric_alarm');
  const alarm = (name: string) => alarms.find((a) => a.alarm_name === `taskmanager-dev-${name}`)!;

  test('fire on edge 5xx rate, load balancer 5xx, API 5xx, unhealthy hosts, database CPU and free storage', () => {
    // The queue worker adds its own three (queue-worker.test.ts).
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(
      ['alb-5xx', 'api-5xx', 'db-cpu', 'db-free-storage', 'edge-5xx-rate', 'image-dead-letters', 'image-queue-age', 'image-worker-errors', 'unhealthy-hosts']
        .map((n) => `taskmanager-dev-${n}`),
    );
    expect(alarm('unhealthy-hosts')).toMatchObject({ metric_name: 'UnHealthyHostCount', comparison_operator: 'GreaterThanThreshold', threshold: 0 });
    expect(alarm('db-cpu')).toMatchObject({ namespace: 'AWS/RDS', metric_name: 'CPUUtilization', threshold: 80 });
    expect(alarm('db-free-storage')).toMatchObject({ metric_name: 'FreeStorageSpace', comparison_operator: 'LessThanThreshold', threshold: 2 * 1024 ** 3 });
    expect(alarm('alb-5xx')).toMatchObject({ metric_name: 'HTTPCode_ELB_5XX_Count', dimensions: { LoadBalancer: ref(dev, 'aws_lb', 'alb', 'arn_suffix') } });
    expect(alarm('edge-5xx-rate')).toMatchObject({
      provider: 'aws.global',
      namespace: 'AWS/CloudFront',
      metric_name: '5xxErrorRate',
      dimensions: { DistributionId: ref(dev, 'aws_cloudfront_distribution', 'distribution', 'id'), Region: 'Global' },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 5,
    });
  });

  test('in another region than us-east-1, alarms on CloudFront metrics notify a second topic of their own in us-east-1', () => {
    const ireland = environmentStack('dev', { environments: { dev: { region: 'eu-west-1' } } });
    const topics = resourcesOf(ireland, 'aws_sns_topic');
    expect(topics.map((t) => [t.name, t.provider]).sort()).toEqual([['taskmanager-dev-alerts', undefined], ['taskmanager-dev-global-alerts', 'aws.global']]);
    const globalTopic = ref(ireland, 'aws_sns_topic', 'global-topic', 'arn');
    const edgeAlarm = resourcesOf(ireland, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === 'taskmanager-dev-edge-5xx-rate')!;
    expect(edgeAlarm).toMatchObject({ provider: 'aws.global', alarm_actions: [globalTopic], ok_actions: [globalTopic] });
    expect(resourcesOf(ireland, 'aws_sns_topic_subscription').map((s) => s.provider ?? 'default').sort()).toEqual(['aws.global', 'default']);
  });

  test('all notify the topic when they fire and when they recover', () => {
    for (const a of alarms) {
      expect(a.alarm_actions).toEqual([topicArn]);
      expect(a.ok_actions).toEqual([topicArn]);
    }
  });

  test('the topic is encrypted with a rotating key that CloudWatch may use, and e-mails the configured address', () => {
    const key = onlyResource(dev, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(onlyResource(dev, 'aws_sns_topic').kms_master_key_id).toBe(refTo(dev, 'aws_kms_key', key, 'arn'));
    const cloudwatch = statements(key.policy).find((s) => s.Sid === 'CloudWatchAlarmsPublish')!;
    expect(cloudwatch).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] });
    const custom = environmentStack('dev', { environments: { dev: { alarmEmail: 'oncall@acme.test' } } });
    expect(onlyResource(custom, 'aws_sns_topic_subscription')).toMatchObject({ protocol: 'email', endpoint: 'oncall@acme.test' });
  });

  test('takes the account for the key policy from a resource ARN, not from a data source', () => {
    const root = statements(onlyResource(dev, 'aws_kms_key').policy).find((s) => s.Sid === 'AccountAdministersKey')!;
    expect(root.Principal.AWS).toMatch(/^arn:\$\{element\(split\(":", aws_vpc\.[^)]+\.arn\), 1\)\}:iam::\$\{element\(split\(":", aws_vpc\.[^)]+\.arn\), 4\)\}:root$/);
    expect(Object.keys(dev.data ?? {}).filter((type) => /caller_identity|partition|region/.test(type))).toEqual([]);
  });
});
