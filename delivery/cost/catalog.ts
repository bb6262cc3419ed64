/**
 * How each resource type is priced: fixed monthly lines from the region's price table, and the
 * usage-based parts named, not guessed. A type not listed here is "not priced" (never 0);
 * FREE lists the types that cost nothing of their own.
 */
import { agentMetricCount, applicationMetricCount, type MetricCount } from './metrics';
import type { PriceTable } from './prices';
import type { Instance, Snapshot } from './snapshot';

export interface Line {
  /** What is priced, e.g. `1 × t3.micro (desired capacity × launch template type)`. */
  readonly what: string;
  /** USD per month; undefined when it cannot be priced. */
  readonly monthly?: number;
  /** Why it is not priced. */
  readonly notPriced?: string;
}

export interface Priced {
  readonly lines: readonly Line[];
  /** Parts billed by use, listed as "plus usage". */
  readonly usage: readonly string[];
}

type Pricer = (r: Instance, prices: PriceTable, side: Snapshot) => Priced;

/** Types that cost nothing themselves (their traffic or storage is billed on another resource, or never). */
export const FREE: ReadonlySet<string> = new Set([
  'aws_vpc', 'aws_subnet', 'aws_route', 'aws_route_table', 'aws_route_table_association', 'aws_internet_gateway',
  'aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule',
  'aws_default_security_group', 'aws_network_acl', 'aws_eip_association', 'aws_launch_template', 'aws_autoscaling_policy',
  'aws_iam_role', 'aws_iam_role_policy_attachment', 'aws_iam_instance_profile', 'aws_iam_openid_connect_provider',
  'aws_kms_alias', 'aws_db_subnet_group', 'aws_db_parameter_group', 'aws_lb_listener', 'aws_lb_listener_rule', 'aws_lb_target_group',
  'aws_lb_target_group_attachment', 'aws_s3_bucket_versioning', 'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_public_access_block', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_policy', 'aws_s3_bucket_logging', 'aws_s3_object', 'aws_sqs_queue_policy', 'aws_sns_topic_subscription',
  'aws_sns_topic_policy', 'aws_lambda_event_source_mapping', 'aws_lambda_permission', 'aws_acm_certificate',
  'aws_acm_certificate_validation', 'aws_cloudfront_origin_access_control', 'aws_cloudfront_cache_policy',
  'aws_cloudfront_origin_request_policy', 'aws_cloudfront_response_headers_policy', 'aws_wafv2_web_acl_association',
  'aws_wafv2_web_acl_logging_configuration', 'aws_wafv2_ip_set', 'aws_wafv2_rule_group', 'aws_cognito_user_pool_client',
  'aws_cognito_user_pool_domain', 'aws_cognito_user_group', 'aws_cognito_identity_provider', 'aws_cloudwatch_log_resource_policy',
  // VPC origins cost nothing beyond CloudFront's own requests; delivery sources and destinations are names.
  'aws_cloudfront_vpc_origin', 'aws_cloudwatch_log_delivery_source', 'aws_cloudwatch_log_delivery_destination',
  'terraform_data',
  // ECS and Application Auto Scaling charge for the tasks only; a repository's policies are free.
  'aws_ecs_cluster', 'aws_ecs_task_definition', 'aws_appautoscaling_target', 'aws_appautoscaling_policy',
  'aws_ecr_lifecycle_policy', 'aws_ecr_repository_policy',
]);

const none: Priced = { lines: [], usage: [] };

function monthlyOf(prices: PriceTable, hourly: number | undefined, n = 1): number | undefined {
  return hourly === undefined ? undefined : hourly * prices.hoursPerMonth * n;
}

function line(what: string, monthly: number | undefined, missing: string): Line {
  return monthly === undefined ? { what, notPriced: missing } : { what, monthly };
}

/** An instance's own price, its root volume and its public address, times `n` (an Auto Scaling group's capacity). */
function computeLines(prices: PriceTable, template: Instance, n: number, why: string): Line[] {
  const type = String(template.values.instance_type);
  const lines = [line(`${n} × ${type} (${why})`, monthlyOf(prices, prices.ec2?.hourly[type], n), `no price for ${type} in ${prices.region}`)];
  const volumes = [
    ...((template.values.block_device_mappings as { ebs?: { volume_size?: number; volume_type?: string }[] }[] | undefined) ?? []).flatMap((m) => m.ebs ?? []),
    ...((template.values.root_block_device as { volume_size?: number; volume_type?: string }[] | undefined) ?? []),
  ];
  for (const v of volumes) {
    const kind = v.volume_type ?? 'gp2';
    const price = prices.ebs?.gbMonth[kind];
    const size = v.volume_size;
    lines.push(line(`${n} × ${size ?? '?'} GB ${kind} volume`, size === undefined || price === undefined ? undefined : size * price * n, size === undefined ? 'volume size comes from the AMI' : `no price for ${kind} in ${prices.region}`));
  }
  const interfaces = (template.values.network_interfaces as { associate_public_ip_address?: unknown }[] | undefined) ?? [];
  const publicIp = template.values.associate_public_ip_address === true || interfaces.some((i) => String(i.associate_public_ip_address) === 'true');
  if (publicIp) lines.push(line(`${n} × public IPv4 address`, monthlyOf(prices, prices.vpc?.publicIpv4Hourly, n), `no IPv4 price in ${prices.region}`));
  return lines;
}

function fixed(what: string, monthly: number | undefined, region: string, usage: string[] = []): Priced {
  return { lines: [line(what, monthly, `no price in ${region}`)], usage };
}

/** Custom metrics at the per-metric monthly price (the first 10,000 metrics' tier). */
function customMetrics(metrics: MetricCount | undefined, prices: PriceTable): Line[] {
  if (!metrics) return [];
  const price = prices.cloudwatch?.customMetricMonthly;
  return [line(`${metrics.count} custom metric${metrics.count === 1 ? '' : 's'} (${metrics.what})`, price === undefined ? undefined : price * metrics.count, `no custom-metric price in ${prices.region}`)];
}

/** A policy that lets its holder call Bedrock models: those calls are billed per use. */
const bedrockUsage: Pricer = (r, _prices, side) => ({ lines: [], usage: /bedrock:InvokeModel/.test(String(side.argument(r, 'policy') ?? '')) ? ['Bedrock model calls'] : [] });

const PRICERS: Readonly<Record<string, Pricer>> = {
  aws_instance: (r, prices) => ({ lines: computeLines(prices, r, 1, 'on demand'), usage: ['data transfer'] }),
  aws_autoscaling_group: (r, prices, side) => {
    const [template] = side.linked(r, ['launch_template', 0, 'id'], 'aws_launch_template');
    const n = Number(r.values.desired_capacity ?? r.values.min_size ?? 0);
    if (!template) return { lines: [{ what: `${n} instances`, notPriced: 'no launch template found (mixed instances policies are not priced)' }], usage: [] };
    return { lines: computeLines(prices, template, n, 'desired capacity × launch template type'), usage: ['scale-out instances', 'data transfer'] };
  },
  aws_ecs_service: (r, prices, side) => {
    const n = Number(r.values.desired_count ?? 0);
    const [task] = side.linked(r, ['task_definition'], 'aws_ecs_task_definition');
    if (!task) return { lines: [{ what: `${n} tasks`, notPriced: 'no task definition found' }], usage: [] };
    const vcpu = Number(task.values.cpu) / 1024;
    const gb = Number(task.values.memory) / 1024;
    const arch = String((task.values.runtime_platform as { cpu_architecture?: string }[] | undefined)?.[0]?.cpu_architecture ?? 'X86_64');
    const vcpuHourly = prices.fargate?.vcpuHourly[arch];
    const gbHourly = prices.fargate?.gbHourly[arch];
    const lines = [line(
      `${n} × Fargate task, ${vcpu} vCPU and ${gb} GB (${arch}, desired count)`,
      vcpuHourly === undefined || gbHourly === undefined ? undefined : monthlyOf(prices, vcpu * vcpuHourly + gb * gbHourly, n),
      `no Fargate price for ${arch} in ${prices.region}`,
    )];
    const network = (r.values.network_configuration as { assign_public_ip?: unknown }[] | undefined)?.[0];
    if (network?.assign_public_ip === true) lines.push(line(`${n} × public IPv4 address (one per task)`, monthlyOf(prices, prices.vpc?.publicIpv4Hourly, n), `no IPv4 price in ${prices.region}`));
    return { lines, usage: ['scale-out tasks', 'data transfer'] };
  },
  aws_ecr_repository: (_r, prices) => ({ lines: [], usage: [prices.ecr ? `ECR image storage ($${prices.ecr.storageGbMonth} per GB-month)` : 'ECR image storage'] }),
  aws_db_instance: (r, prices) => {
    const klass = String(r.values.instance_class);
    const az = r.values.multi_az === true ? 'multiAz' : 'singleAz';
    const azText = az === 'multiAz' ? 'Multi-AZ' : 'single-AZ';
    const engine = String(r.values.engine);
    const storage = String(r.values.storage_type ?? 'gp2');
    const gb = Number(r.values.allocated_storage);
    const lines = [
      line(`${klass} ${engine} ${azText}${az === 'multiAz' ? ' (primary and standby)' : ''}`, monthlyOf(prices, prices.rds?.hourly[engine]?.[klass]?.[az]), `no price for ${klass} (${engine}) in ${prices.region}`),
      line(`${gb} GB ${storage} storage, ${azText}`, prices.rds?.storageGbMonth[storage] ? gb * prices.rds.storageGbMonth[storage][az] : undefined, `no price for ${storage} storage in ${prices.region}`),
    ];
    if (r.values.manage_master_user_password === true) lines.push(line('master password secret (Secrets Manager, managed by RDS)', prices.secretsManager?.secretMonthly, `no Secrets Manager price in ${prices.region}`));
    const interval = Number(r.values.monitoring_interval ?? 0);
    // Enhanced monitoring has no price of its own: RDS writes the OS metrics to CloudWatch Logs (RDSOSMetrics), billed per GB ingested.
    const monitoring = interval > 0 ? [`RDS enhanced monitoring every ${interval} s (CloudWatch Logs ingestion)`] : [];
    return { lines, usage: ['RDS backups beyond the DB size', 'RDS storage autoscaling', ...monitoring] };
  },
  aws_nat_gateway: (_r, prices) => fixed('NAT gateway hours', monthlyOf(prices, prices.vpc?.natGatewayHourly), prices.region, ['NAT data processed']),
  aws_eip: (_r, prices) => fixed('public IPv4 address', monthlyOf(prices, prices.vpc?.publicIpv4Hourly), prices.region),
  aws_lb: (r, prices, side) => {
    if ((r.values.load_balancer_type ?? 'application') !== 'application') return { lines: [{ what: `${String(r.values.load_balancer_type)} load balancer`, notPriced: 'only application load balancers are in the price table' }], usage: [] };
    const lines = [line('application load balancer hours', monthlyOf(prices, prices.elb?.albHourly), `no ALB price in ${prices.region}`)];
    if (r.values.internal !== true) {
      const azs = side.count(r, ['subnets']) ?? side.count(r, ['subnet_mapping']);
      lines.push(azs === undefined ? { what: 'public IPv4 addresses (one per subnet)', notPriced: 'its subnets are unknown' } : line(`${azs} × public IPv4 address (one per subnet)`, monthlyOf(prices, prices.vpc?.publicIpv4Hourly, azs), `no IPv4 price in ${prices.region}`));
    }
    return { lines, usage: ['ALB LCUs'] };
  },
  aws_vpc_endpoint: (r, prices, side) => {
    if (r.values.vpc_endpoint_type === 'Gateway') return none;
    if (r.values.vpc_endpoint_type !== 'Interface') return { lines: [{ what: `${String(r.values.vpc_endpoint_type)} endpoint`, notPriced: 'only interface endpoints are in the price table' }], usage: [] };
    const azs = side.count(r, ['subnet_ids']);
    if (azs === undefined) return { lines: [{ what: 'interface endpoint', notPriced: 'its subnets are unknown' }], usage: ['endpoint data processed'] };
    return fixed(`interface endpoint in ${azs} AZ${azs === 1 ? '' : 's'}`, monthlyOf(prices, prices.vpc?.interfaceEndpointHourlyPerAz, azs), prices.region, ['endpoint data processed']);
  },
  aws_kms_key: (_r, prices) => fixed('customer-managed key (+$1 for each of the first two yearly rotations)', prices.kms?.keyMonthly, prices.region, ['KMS requests']),
  aws_secretsmanager_secret: (_r, prices) => fixed('secret', prices.secretsManager?.secretMonthly, prices.region, ['secret API calls']),
  aws_cloudwatch_dashboard: (r, prices, side) => ({
    lines: [line('dashboard', prices.cloudwatch?.dashboardMonthly, `no price in ${prices.region}`), ...customMetrics(applicationMetricCount(r, side), prices)],
    usage: [],
  }),
  aws_cloudwatch_metric_alarm: (r, prices) => {
    const queries = (r.values.metric_query as { metric?: unknown[] }[] | undefined) ?? [];
    const metrics = queries.length ? queries.filter((q) => (q.metric ?? []).length > 0).length : 1;
    const highResolution = Number(r.values.period) < 60;
    const price = prices.cloudwatch?.alarmMonthly?.[highResolution ? 'highResolution' : 'standard'];
    return fixed(`${highResolution ? 'high-resolution' : 'standard'} alarm, ${metrics} metric${metrics === 1 ? '' : 's'}`, price === undefined ? undefined : price * metrics, prices.region);
  },
  aws_wafv2_web_acl: (r, prices) => {
    const rules = ((r.values.rule as unknown[] | undefined) ?? []).length;
    const waf = prices.waf;
    return fixed(`web ACL with ${rules} rule${rules === 1 ? '' : 's'}`, waf ? waf.webAclMonthly + waf.ruleMonthly * rules : undefined, prices.region, ['WAF requests', 'paid managed rules']);
  },
  aws_ssm_parameter: (r, prices, side) => {
    const advanced: Line[] = r.values.tier === 'Advanced' ? [{ what: 'advanced parameter', notPriced: `no advanced-parameter price in ${prices.region}` }] : [];
    // A CloudWatch agent configuration: what the agent publishes is billed per metric.
    return { lines: [...advanced, ...customMetrics(agentMetricCount(r, side), prices)], usage: [] };
  },
  aws_cloudwatch_log_group: () => ({ lines: [], usage: ['log ingestion and storage'] }),
  aws_flow_log: () => ({ lines: [], usage: ['flow log ingestion'] }),
  aws_s3_bucket: () => ({ lines: [], usage: ['S3 storage and requests'] }),
  aws_sqs_queue: () => ({ lines: [], usage: ['SQS requests'] }),
  aws_sns_topic: () => ({ lines: [], usage: ['SNS deliveries'] }),
  aws_lambda_function: () => ({ lines: [], usage: ['Lambda requests and GB-seconds'] }),
  aws_cloudfront_distribution: () => ({ lines: [], usage: ['CloudFront requests and transfer'] }),
  aws_cloudwatch_log_delivery: () => ({ lines: [], usage: ['vended log delivery (per GB)'] }),
  // One invocation per change of the function or the accounts.
  aws_lambda_invocation: () => ({ lines: [], usage: ['Lambda requests and GB-seconds'] }),
  aws_cognito_user_pool: () => ({ lines: [], usage: ['Cognito monthly active users'] }),
  aws_cloudfront_function: () => ({ lines: [], usage: ['CloudFront Function invocations'] }),
  aws_iam_role_policy: bedrockUsage,
  aws_iam_policy: bedrockUsage,
};

/** A table for a region we have no prices for: every fixed price is then "not priced". */
export function emptyTable(region: string): PriceTable {
  return { region, currency: 'USD', hoursPerMonth: 730, read: '' };
}

/** The price of one resource on one side of a plan. */
export function price(r: Instance, prices: PriceTable, side: Snapshot): Priced {
  const pricer = PRICERS[r.type];
  if (pricer) return pricer(r, prices, side);
  return FREE.has(r.type) ? none : { lines: [{ what: r.type, notPriced: 'no price for this resource type' }], usage: [] };
}
