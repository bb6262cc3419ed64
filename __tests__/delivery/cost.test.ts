/**
 * The cost estimate on small plans in the shape `terraform show -json` writes (before: prior_state,
 * after: planned_values, links: the configuration's references). Our real stacks' offline plans
 * are priced in plan-comment-real-plans.test.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { estimateStack } from '../../delivery/cost/estimate';
import { UsageError } from '../../delivery/plan/comment';
import { run as costCli } from '../../scripts/cost';
import { PRICE_TABLES } from '../../delivery/cost/prices';
import { costMarkdown, costText, money, pricesAge, signed, STALE_AFTER_DAYS, updateReadme, README_BEGIN, README_END } from '../../delivery/cost/report';
import { testConfig } from '../stacks/synth';
import type { CostPlan } from '../../delivery/cost/snapshot';

type Json = Record<string, unknown>;
const us = PRICE_TABLES['us-east-1'];
const HOURS = us.hoursPerMonth;

interface Res { address: string; values: Json; expressions?: Json; provider?: string }

/** A plan with these resources before and after it, in the given region. */
function plan(before: Res[], after: Res[], region = 'us-east-1'): CostPlan {
  const type = (address: string) => address.split('.')[0];
  const module = (rs: Res[]) => ({ resources: rs.map((r) => ({ address: r.address, mode: 'managed', type: type(r.address), values: r.values })) });
  return {
    prior_state: { values: { root_module: module(before) } },
    planned_values: { root_module: module(after) },
    configuration: {
      provider_config: { aws: { expressions: { region: { constant_value: region } } }, 'aws.edge': { expressions: { region: { constant_value: 'us-east-1' } } } },
      root_module: { resources: after.map((r) => ({ address: r.address, provider_config_key: r.provider ?? 'aws', expressions: r.expressions ?? {} })) },
    },
  };
}

const template = (instanceType: string, extra: Json = {}): Res => ({
  address: 'aws_launch_template.api',
  values: { id: 'lt-1', instance_type: instanceType, block_device_mappings: [{ ebs: [{ volume_size: 8, volume_type: 'gp3' }] }], network_interfaces: [{ associate_public_ip_address: 'true' }], ...extra },
});
/** An Auto Scaling group whose launch template id is unknown at plan time: linked by the configuration's reference. */
const group = (desired: number): Res => ({
  address: 'aws_autoscaling_group.api',
  values: { desired_capacity: desired, min_size: 1 },
  expressions: { launch_template: [{ id: { references: ['aws_launch_template.api.id', 'aws_launch_template.api'] } }] },
});
const nat: Res = { address: 'aws_nat_gateway.nat', values: { connectivity_type: 'public' } };
const eip: Res = { address: 'aws_eip.nat', values: { domain: 'vpc' } };

describe('cost estimate', () => {
  it('prices an Auto Scaling group as desired capacity × the launch template\'s type, root volume and public address', () => {
    const cost = estimateStack('dev', plan([], [template('t3.micro'), group(2)]));
    const asg = cost.after.resources.find((r) => r.address === 'aws_autoscaling_group.api')!;
    expect(asg.lines).toEqual([
      { what: '2 × t3.micro (desired capacity × launch template type)', monthly: 2 * 0.0104 * HOURS },
      { what: '2 × 8 GB gp3 volume', monthly: 2 * 8 * 0.08 },
      { what: '2 × public IPv4 address', monthly: 2 * 0.005 * HOURS },
    ]);
    expect(cost.after.resources.map((r) => r.address)).not.toContain('aws_launch_template.api'); // priced through the group only
  });

  it('prices a Fargate service as desired count × its task\'s vCPUs and memory, with a public address per task when it has one', () => {
    const task: Res = { address: 'aws_ecs_task_definition.api', values: { cpu: '512', memory: '1024', runtime_platform: [{ cpu_architecture: 'X86_64' }] } };
    const service: Res = {
      address: 'aws_ecs_service.api',
      values: { desired_count: 2, network_configuration: [{ assign_public_ip: true }] },
      expressions: { task_definition: { references: ['aws_ecs_task_definition.api.arn', 'aws_ecs_task_definition.api'] } },
    };
    const repository: Res = { address: 'aws_ecr_repository.api', values: { name: 'tm-api' } };
    const cost = estimateStack('prod', plan([], [task, service, repository]));
    expect(cost.after.resources.find((r) => r.address === 'aws_ecs_service.api')!.lines).toEqual([
      { what: '2 × Fargate task, 0.5 vCPU and 1 GB (X86_64, desired count)', monthly: 2 * (0.5 * 0.04048 + 1 * 0.004445) * HOURS },
      { what: '2 × public IPv4 address (one per task)', monthly: 2 * 0.005 * HOURS },
    ]);
    expect(cost.after.resources.flatMap((r) => r.usage)).toEqual(expect.arrayContaining(['ECR image storage ($0.1 per GB-month)', 'scale-out tasks']));
    expect(cost.after.resources.map((r) => r.address)).not.toContain('aws_ecs_task_definition.api');
  });

  it('shows what a NAT gateway adds against the state before the plan', () => {
    const before = [template('t3.micro'), group(1)];
    const cost = estimateStack('dev', plan(before, [...before, nat, eip]));
    expect(cost.before.monthly).toBeCloseTo((0.0104 + 0.005) * HOURS + 8 * 0.08, 10);
    expect(cost.delta).toBeCloseTo((0.045 + 0.005) * HOURS, 10);
    expect(cost.changes.map((c) => [c.address, c.before?.monthly, c.after?.monthly])).toEqual([
      ['aws_eip.nat', undefined, 0.005 * HOURS],
      ['aws_nat_gateway.nat', undefined, 0.045 * HOURS],
    ]);
    expect(cost.after.resources.find((r) => r.address === 'aws_nat_gateway.nat')!.usage).toEqual(['NAT data processed']);
    expect(costText([cost], new Date(`${us.read}T18:00:00Z`))).toContain(`dev (us-east-1, prices read ${us.read}, today): ${money(cost.after.monthly)}/month after this plan, +$36.50 against now`);
  });

  it('links the group to its launch template by id in the state before the plan', () => {
    const before = [template('t3.small'), { address: 'aws_autoscaling_group.api', values: { desired_capacity: 1, launch_template: [{ id: 'lt-1' }] } }];
    const cost = estimateStack('dev', plan(before, []));
    expect(cost.before.resources[0].lines[0]).toEqual({ what: '1 × t3.small (desired capacity × launch template type)', monthly: 0.0208 * HOURS });
    expect(cost.delta).toBeCloseTo(-cost.before.monthly, 10);
    expect(cost.changes[0]).toMatchObject({ address: 'aws_autoscaling_group.api', after: undefined });
  });

  it('an unknown instance type is "not priced", never 0, and the total says how many lines are not priced', () => {
    const cost = estimateStack('dev', plan([], [template('x9.mega'), group(1)]));
    const [instances, volume] = cost.after.resources[0].lines;
    expect(instances).toEqual({ what: '1 × x9.mega (desired capacity × launch template type)', notPriced: 'no price for x9.mega in us-east-1' });
    expect(volume.monthly).toBeCloseTo(0.64, 10);
    expect(cost.after.notPriced).toBe(1);
    expect(costText([cost])).toMatch(/x9\.mega \(desired capacity × launch template type\)\s+not priced: no price for x9\.mega in us-east-1/);
    expect(costMarkdown([cost])).toContain('| `dev` | us-east-1 | $4.29 | +$4.29 | 1 |');
  });

  it('an unknown resource type is "not priced"; a free one and a usage-only one add nothing fixed', () => {
    const cost = estimateStack('dev', plan([], [
      { address: 'aws_opensearch_domain.search', values: {} },
      { address: 'aws_vpc.main', values: {} },
      { address: 'aws_s3_bucket.site', values: {} },
    ]));
    expect(cost.after.resources.map((r) => [r.address, r.lines, r.usage])).toEqual([
      ['aws_opensearch_domain.search', [{ what: 'aws_opensearch_domain', notPriced: 'no price for this resource type' }], []],
      ['aws_s3_bucket.site', [], ['S3 storage and requests']],
    ]);
    expect(cost.after.monthly).toBe(0);
  });

  it('a region without a price table prices nothing fixed, and says so', () => {
    const cost = estimateStack('dev', plan([], [nat, { address: 'aws_sqs_queue.q', values: {} }], 'ap-south-1'));
    expect(cost.after.resources.find((r) => r.address === 'aws_nat_gateway.nat')!.lines).toEqual([{ what: 'NAT gateway hours', notPriced: 'no price in ap-south-1' }]);
    expect(cost.pricesRead).toBeUndefined();
    expect(costText([cost])).toMatch(/^dev \(ap-south-1, no price table\): \$0\.00\/month/);
  });

  it('an RDS instance: class by engine and AZs, storage by type, and the secret RDS keeps for its master password', () => {
    const db = (multiAz: boolean): Res => ({ address: 'aws_db_instance.db', values: { instance_class: 'db.t4g.micro', engine: 'mysql', multi_az: multiAz, allocated_storage: 20, storage_type: 'gp3', manage_master_user_password: true } });
    const single = estimateStack('dev', plan([], [db(false)])).after.resources[0];
    expect(single.lines.map((l) => [l.what, l.monthly])).toEqual([
      ['db.t4g.micro mysql single-AZ', 0.016 * HOURS],
      ['20 GB gp3 storage, single-AZ', 20 * 0.115],
      ['master password secret (Secrets Manager, managed by RDS)', 0.4],
    ]);
    const multi = estimateStack('prod', plan([db(false)], [db(true)]));
    expect(multi.delta).toBeCloseTo(0.016 * HOURS + 20 * 0.115, 10);
  });

  it('an internet-facing ALB pays for one public address per subnet; an internal one does not; a network LB is not priced', () => {
    const subnets = { subnets: { references: ['aws_subnet.a.id', 'aws_subnet.a', 'aws_subnet.b.id', 'aws_subnet.b', 'aws_subnet.c.id', 'aws_subnet.c'] } };
    const cost = estimateStack('dev', plan([], [
      { address: 'aws_lb.public', values: { load_balancer_type: 'application', internal: false }, expressions: subnets },
      { address: 'aws_lb.internal', values: { load_balancer_type: 'application', internal: true } },
      { address: 'aws_lb.nlb', values: { load_balancer_type: 'network' } },
    ]));
    const by = (a: string) => cost.after.resources.find((r) => r.address === a)!;
    expect(by('aws_lb.public').lines.map((l) => l.what)).toEqual(['application load balancer hours', '3 × public IPv4 address (one per subnet)']);
    expect(by('aws_lb.internal').lines.map((l) => [l.what, l.monthly])).toEqual([['application load balancer hours', 0.0225 * HOURS]]);
    expect(by('aws_lb.nlb').lines[0].notPriced).toBe('only application load balancers are in the price table');
    expect(by('aws_lb.public').usage).toEqual(['ALB LCUs']);
  });

  it('interface endpoints per AZ-hour, gateway endpoints free; alarms by resolution; WAF by web ACL and rules; keys, secrets, dashboards', () => {
    const cost = estimateStack('dev', plan([], [
      { address: 'aws_vpc_endpoint.ssm', values: { vpc_endpoint_type: 'Interface', subnet_ids: ['s-1', 's-2'] } },
      { address: 'aws_vpc_endpoint.s3', values: { vpc_endpoint_type: 'Gateway' } },
      { address: 'aws_cloudwatch_metric_alarm.fast', values: { period: 10, metric_query: [] } },
      { address: 'aws_cloudwatch_metric_alarm.math', values: { period: 300, metric_query: [{ metric: [{}] }, { metric: [{}] }, { expression: 'm1+m2', metric: [] }] } },
      { address: 'aws_wafv2_web_acl.edge', values: { rule: [{}, {}, {}] }, provider: 'aws.edge' },
      { address: 'aws_kms_key.k', values: {} },
      { address: 'aws_secretsmanager_secret.s', values: {} },
      { address: 'aws_cloudwatch_dashboard.d', values: {} },
    ]));
    const monthly = Object.fromEntries(cost.after.resources.map((r) => [r.address, r.monthly]));
    expect(monthly).toEqual({
      'aws_cloudwatch_dashboard.d': 3,
      'aws_cloudwatch_metric_alarm.fast': 0.3,
      'aws_cloudwatch_metric_alarm.math': 0.2,
      'aws_kms_key.k': 1,
      'aws_secretsmanager_secret.s': 0.4,
      'aws_vpc_endpoint.ssm': 2 * 0.01 * HOURS,
      'aws_wafv2_web_acl.edge': 5 + 3,
    });
  });

  it('formats money and changes, and replaces only the README\'s marked block', () => {
    expect([money(54.785), signed(0.004), signed(-3.5), signed(36.5)]).toEqual(['$54.79', '±$0.00', '−$3.50', '+$36.50']);
    const cost = estimateStack('dev', plan([], [nat]));
    const readme = `intro\n${README_BEGIN}\nold\n${README_END}\noutro\n`;
    const updated = updateReadme(readme, [cost]);
    expect(updated).toMatch(/^intro\n<!-- cost:begin[^\n]*-->\n\| Stack \| Region \|[\s\S]*\| `dev` \| us-east-1 \| \$32\.85 \| \+\$32\.85 \| 0 \| NAT data processed \|\n<!-- cost:end -->\noutro\n$/);
    expect(() => updateReadme('no block', [cost])).toThrow('the README has no');
  });

  it('the command line: text, --markdown, --update-readme, and usage errors', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-'));
    const file = path.join(dir, 'dev.json');
    fs.writeFileSync(file, JSON.stringify({ format_version: '1.2', ...plan([], [nat]) }));
    expect(costCli([`dev=${file}`])).toMatch(/^dev \(us-east-1, prices read \d{4}-\d{2}-\d{2}, [^)]+\): \$32\.85\/month after this plan, \+\$32\.85 against now/);
    expect(costCli(['--markdown', `dev=${file}`])).toContain('| `dev` | us-east-1 | $32.85 | +$32.85 | 0 |\n\n<details><summary>Plus usage-priced parts (1), not estimated</summary>\n\n- NAT data processed\n');
    const readme = path.join(dir, 'README.md');
    fs.writeFileSync(readme, `# x\n${README_BEGIN}\n${README_END}\n`);
    expect(costCli(['--update-readme', readme, `dev=${file}`])).toBe(`${readme}: cost figures of dev updated\n`);
    expect(fs.readFileSync(readme, 'utf8')).toContain('| `dev` | us-east-1 | $32.85 |');
    expect(() => costCli([])).toThrow(UsageError);
    expect(() => costCli(['dev'])).toThrow('expected <stack>=<plan.json>');
    expect(() => costCli([`dev=${path.join(dir, 'missing.json')}`])).toThrow('was not found');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('custom metrics', () => {
    const agentConfig = (aggregations: unknown[]): Res => ({
      address: 'aws_ssm_parameter.agent',
      values: { type: 'String', value: JSON.stringify({ metrics: { namespace: 'TaskManagerMetrics', aggregation_dimensions: aggregations, metrics_collected: { cpu: { measurement: ['cpu_usage_idle', 'cpu_usage_user'] }, mem: { measurement: ['mem_used_percent'] }, disk: { measurement: ['used_percent'] } } } }) },
    });
    const dashboard: Res = {
      address: 'aws_cloudwatch_dashboard.main',
      values: {},
      expressions: { dashboard_body: { constant_value: JSON.stringify({ widgets: [
        { properties: { metrics: [['TaskManagerMetrics', 'cpu_usage_user', 'AutoScalingGroupName', '${aws_autoscaling_group.api.name}'], ['TaskManagerMetrics', 'disk_used_percent', 'AutoScalingGroupName', 'x']] } },
        { properties: { metrics: [['TaskManagerMetrics', 'TasksCreated', { stat: 'Sum' }], ['TaskManagerMetrics', 'ImagesGenerated', 'Service', 'image-worker'], ['AWS/SQS', 'NumberOfMessagesSent', 'QueueName', 'q']] } },
        { properties: { metrics: [['TaskManagerMetrics', 'TasksCreated', { stat: 'Sum', period: 3600 }], [{ expression: 'm1 * 2' }]] } },
      ] }) } },
    };

    it('prices what the CloudWatch agent publishes: each measurement per instance and per aggregation', () => {
      const cost = estimateStack('dev', plan([], [template('t3.micro'), group(2), agentConfig([['AutoScalingGroupName']])]));
      expect(cost.after.resources.find((r) => r.address === 'aws_ssm_parameter.agent')!.lines).toEqual([
        { what: '12 custom metrics (CloudWatch agent: 4 measurements × (2 instances + 1 aggregate))', monthly: 12 * 0.3 },
      ]);
    });

    it('prices the application\'s metrics its dashboard graphs, once each, leaving out AWS\'s and the agent\'s', () => {
      const cost = estimateStack('dev', plan([], [template('t3.micro'), group(1), agentConfig([]), dashboard]));
      expect(cost.after.resources.find((r) => r.address === 'aws_cloudwatch_dashboard.main')!.lines).toEqual([
        { what: 'dashboard', monthly: 3 },
        { what: '2 custom metrics (the application\'s (TasksCreated, ImagesGenerated), as its dashboard graphs them)', monthly: 2 * 0.3 },
      ]);
    });

    it('an SSM parameter that is no agent configuration costs nothing', () => {
      const cost = estimateStack('dev', plan([], [{ address: 'aws_ssm_parameter.other', values: { type: 'String', value: '{"a":1}' } }]));
      expect(cost.after.resources).toEqual([]);
    });
  });

  it('prices every instance type and database class on the default allow-lists, in the default region', () => {
    const table = PRICE_TABLES[testConfig().environments[0].region];
    for (const env of testConfig().environments) {
      for (const type of env.policy.instanceTypes) expect([type, table.ec2?.hourly[type]]).toEqual([type, expect.any(Number)]);
      for (const klass of env.policy.databaseClasses) expect([klass, table.rds?.hourly.mysql[klass]]).toEqual([klass, { singleAz: expect.any(Number), multiAz: expect.any(Number) }]);
    }
  });

  it('prices a Multi-AZ database as primary and standby, and names enhanced monitoring as usage', () => {
    const db = (multiAz: boolean, interval: number): Res => ({
      address: 'aws_db_instance.db',
      values: { instance_class: 'db.t3.small', engine: 'mysql', multi_az: multiAz, storage_type: 'gp3', allocated_storage: 20, monitoring_interval: interval },
    });
    const single = estimateStack('prod', plan([], [db(false, 0)])).after.resources[0];
    const multi = estimateStack('prod', plan([], [db(true, 60)])).after.resources[0];
    expect(multi.lines[0]).toEqual({ what: 'db.t3.small mysql Multi-AZ (primary and standby)', monthly: 0.068 * HOURS });
    expect(multi.monthly).toBeCloseTo(2 * single.monthly, 10);
    expect(multi.usage).toContain('RDS enhanced monitoring every 60 s (CloudWatch Logs ingestion)');
    expect(single.usage.some((u) => u.includes('enhanced monitoring'))).toBe(false);
  });

  it('says how old the prices are, and asks for a refresh once they are old: a note, never a failure', () => {
    const read = '2026-12-01';
    expect(pricesAge(read, new Date('2026-12-01T23:00:00Z'))).toBe('read 2026-12-01, today');
    expect(pricesAge(read, new Date('2026-12-02T01:00:00Z'))).toBe('read 2026-12-01, 1 day ago');
    const old = new Date(Date.parse('2026-12-01T00:00:00Z') + (STALE_AFTER_DAYS + 1) * 86_400_000);
    expect(pricesAge(read, old)).toMatch(new RegExp(`^read 2026-12-01, ${STALE_AFTER_DAYS + 1} days ago: older than ${STALE_AFTER_DAYS} days, list prices may have changed`));
    const cost = estimateStack('dev', plan([], [nat]));
    expect(costMarkdown([cost], { now: old })).toContain(`us-east-1 read ${us.read}, `);
    expect(costText([cost], old)).toContain('older than 180 days');
  });
});
