/**
 * How much a reviewer must look at a change, and the facts that make it risky. Changes are ordered
 * destroys and replacements first, then IAM and resource policies, then network exposure, then
 * resources that hold data, then the rest. For created and changed resources of the first kinds,
 * `riskyFacts` says who is trusted, which actions are allowed on what, what is open to where and
 * what is left unencrypted, in one line each.
 */
import { isPolicyDocument, parseJsonText, policySummary } from './json-diff';
import { type ClassifiedChange, isStatefulType, KIND_ORDER } from './model';
import { type SynthesizedStack, templateValue } from './synthesized';

export type Risk = 'destroy' | 'iam' | 'network' | 'stateful' | 'other';

export const RISK_ORDER: readonly Risk[] = ['destroy', 'iam', 'network', 'stateful', 'other'];

/** Resource policies and grants besides the `aws_iam_*` types. */
const POLICY_TYPES = new Set([
  'aws_s3_bucket_policy', 'aws_sqs_queue_policy', 'aws_sns_topic_policy', 'aws_ecr_repository_policy', 'aws_ecr_registry_policy',
  'aws_kms_key_policy', 'aws_kms_grant', 'aws_secretsmanager_secret_policy', 'aws_cloudwatch_log_resource_policy', 'aws_lambda_permission',
  'aws_s3_access_point_policy', 'aws_opensearch_domain_policy', 'aws_api_gateway_rest_api_policy', 'aws_efs_file_system_policy',
  'aws_backup_vault_policy', 'aws_glacier_vault_lock', 'aws_vpc_endpoint_policy', 'aws_organizations_policy',
]);

/** What decides who reaches what over the network. */
const NETWORK_TYPES = new Set([
  'aws_security_group', 'aws_default_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule', 'aws_network_acl', 'aws_network_acl_rule', 'aws_default_network_acl', 'aws_lb', 'aws_alb',
  'aws_lb_listener', 'aws_alb_listener', 'aws_lb_listener_rule', 'aws_alb_listener_rule', 'aws_s3_bucket_public_access_block',
  'aws_s3_account_public_access_block', 'aws_route', 'aws_route_table', 'aws_internet_gateway', 'aws_nat_gateway', 'aws_eip',
  'aws_vpc_endpoint', 'aws_cloudfront_distribution', 'aws_cloudfront_vpc_origin', 'aws_wafv2_web_acl', 'aws_wafv2_web_acl_association',
  'aws_lambda_function_url', 'aws_vpc_peering_connection', 'aws_apigatewayv2_api', 'aws_api_gateway_rest_api', 'aws_launch_template', 'aws_instance',
]);

type Values = Record<string, unknown>;

function after(change: ClassifiedChange): Values {
  const a = change.resource.change.after;
  return typeof a === 'object' && a !== null ? (a as Values) : {};
}

function before(change: ClassifiedChange): Values {
  const b = change.resource.change.before;
  return typeof b === 'object' && b !== null ? (b as Values) : {};
}

export function riskOf(change: ClassifiedChange): Risk {
  if (change.kind === 'delete' || change.kind === 'replace') return 'destroy';
  const type = change.resource.type;
  if (type.startsWith('aws_iam_') || POLICY_TYPES.has(type)) return 'iam';
  const policyChanged = ['policy', 'assume_role_policy'].some((k) => isPolicyDocument(parseJsonText(after(change)[k])) && after(change)[k] !== before(change)[k]);
  if (policyChanged) return 'iam';
  const opened = ['publicly_accessible', 'associate_public_ip_address'].some((k) => after(change)[k] === true || (change.kind === 'update' && after(change)[k] !== before(change)[k]));
  if (NETWORK_TYPES.has(type) || opened) return 'network';
  if (isStatefulType(type)) return 'stateful';
  return 'other';
}

/** By risk, then destroys before updates before creates, data-loss risks first, then by address. */
export function compareByRisk(a: ClassifiedChange, b: ClassifiedChange): number {
  return RISK_ORDER.indexOf(riskOf(a)) - RISK_ORDER.indexOf(riskOf(b))
    || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
    || Number(b.dataLossRisk) - Number(a.dataLossRisk)
    || (a.resource.address < b.resource.address ? -1 : a.resource.address > b.resource.address ? 1 : 0);
}

// ---- facts ----------------------------------------------------------------------------------

/** A value of the planned resource, or, when only apply knows it, the configuration's expression. */
interface Source {
  /** Undefined when sensitive, unset, or unknown with no configuration to show. */
  get(key: string): unknown;
}

function sourceOf(change: ClassifiedChange, synthesized?: SynthesizedStack): Source {
  const c = change.resource.change;
  const values = after(change);
  const unknown = (c.after_unknown ?? {}) as Values;
  const sensitive = c.after_sensitive;
  /** Sensitive itself or anywhere beneath: never read. */
  const hidden = (key: string) => sensitive === true || (typeof sensitive === 'object' && sensitive !== null && JSON.stringify((sensitive as Values)[key] ?? false).includes('true'));
  return {
    get(key) {
      if (hidden(key)) return undefined;
      if (unknown[key] === true) return templateValue(synthesized, change.resource, key) ?? ONLY_AFTER_APPLY;
      return values[key] ?? undefined;
    },
  };
}

/** A value only apply knows, with no configuration to show instead. */
const ONLY_AFTER_APPLY = '(known only after apply)';

function text(value: unknown): string {
  if (Array.isArray(value)) return value.map(text).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function policyLines(value: unknown, prefix = ''): string[] {
  const doc = typeof value === 'string' ? parseJsonText(value) : value;
  if (!isPolicyDocument(doc)) return value === ONLY_AFTER_APPLY ? [`${prefix}policy ${ONLY_AFTER_APPLY}`] : [];
  return policySummary(doc).map((line) => `${prefix}${line}`);
}

function portRange(protocol: unknown, from: unknown, to: unknown): string {
  const p = protocol === '-1' || protocol === -1 ? 'all traffic' : String(protocol ?? '?');
  if (p === 'all traffic' || from === undefined || from === null) return p;
  return from === to || to === undefined || to === null ? `${p} ${from}` : `${p} ${from}-${to}`;
}

function ruleFact(direction: string, rule: Values, sourceKeys: readonly string[]): string {
  const peers = sourceKeys.flatMap((k) => (rule[k] === undefined || rule[k] === null || (Array.isArray(rule[k]) && (rule[k] as unknown[]).length === 0) ? [] : [text(rule[k])]));
  const word = direction === 'ingress' ? 'from' : 'to';
  return `${direction} ${portRange(rule.ip_protocol ?? rule.protocol, rule.from_port, rule.to_port)} ${word} ${peers.join(', ') || '(nothing)'}`;
}

const INLINE_PEERS = ['cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'security_groups', 'self'];
const RULE_PEERS = ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'];

type FactMaker = (get: (key: string) => unknown) => string[];

const FACTS: Record<string, FactMaker> = {
  aws_iam_role: (get) => [
    ...policyLines(get('assume_role_policy'), 'trust: '),
    ...(Array.isArray(get('managed_policy_arns')) ? (get('managed_policy_arns') as unknown[]).map((arn) => `attaches ${text(arn)}`) : []),
    ...(get('permissions_boundary') ? [`boundary ${text(get('permissions_boundary'))}`] : []),
  ],
  aws_iam_role_policy_attachment: (get) => [`attaches ${text(get('policy_arn'))} to role ${text(get('role'))}`],
  aws_iam_user_policy_attachment: (get) => [`attaches ${text(get('policy_arn'))} to user ${text(get('user'))}`],
  aws_iam_instance_profile: (get) => [`instance profile of role ${text(get('role'))}`],
  aws_iam_openid_connect_provider: (get) => [`trusts tokens of ${text(get('url'))} for ${text(get('client_id_list'))}`],
  aws_lambda_permission: (get) => [`allows ${text(get('principal'))} ${text(get('action'))}${get('source_arn') ? ` from ${text(get('source_arn'))}` : ''}`],
  aws_security_group: (get) => [
    `security group ${text(get('name') ?? get('name_prefix') ?? '')}`.trim(),
    ...['ingress', 'egress'].flatMap((d) => (Array.isArray(get(d)) ? (get(d) as Values[]).map((r) => ruleFact(d, r, INLINE_PEERS)) : [])),
  ],
  aws_security_group_rule: (get) => [ruleFact(String(get('type')), { protocol: get('protocol'), from_port: get('from_port'), to_port: get('to_port'), cidr_blocks: get('cidr_blocks'), ipv6_cidr_blocks: get('ipv6_cidr_blocks'), source_security_group_id: get('source_security_group_id') }, [...INLINE_PEERS, 'source_security_group_id']) + ` on ${text(get('security_group_id'))}`],
  aws_vpc_security_group_ingress_rule: (get) => [`${ruleFact('ingress', rule(get), RULE_PEERS)} into ${text(get('security_group_id'))}`],
  aws_vpc_security_group_egress_rule: (get) => [`${ruleFact('egress', rule(get), RULE_PEERS)} from ${text(get('security_group_id'))}`],
  aws_lb: (get) => [get('internal') === true ? 'internal load balancer' : 'internet-facing load balancer'],
  aws_lb_listener: (get) => [`listens on ${text(get('protocol'))} ${text(get('port'))}${get('protocol') === 'HTTP' ? ' (plain HTTP)' : ''}`],
  aws_s3_bucket_public_access_block: (get) => {
    const open = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].filter((k) => get(k) === false);
    return open.length ? [`public access NOT blocked: ${open.map((k) => `${k} = false`).join(', ')}`] : ['public access blocked'];
  },
  aws_db_instance: (get) => [
    ...(get('publicly_accessible') === true ? ['publicly accessible'] : []),
    ...(get('storage_encrypted') === false ? ['storage NOT encrypted'] : []),
  ],
  aws_ebs_volume: (get) => (get('encrypted') === false ? ['NOT encrypted'] : []),
  aws_sqs_queue: (get) => (get('sqs_managed_sse_enabled') === false && !get('kms_master_key_id') ? ['NOT encrypted'] : []),
  aws_sns_topic: (get) => (get('kms_master_key_id') ? [] : ['NOT encrypted with a KMS key']),
  aws_launch_template: (get) => {
    const nics = Array.isArray(get('network_interfaces')) ? (get('network_interfaces') as Values[]) : [];
    const disks = Array.isArray(get('block_device_mappings')) ? (get('block_device_mappings') as Values[]) : [];
    return [
      ...(nics.some((n) => n.associate_public_ip_address === 'true' || n.associate_public_ip_address === true) ? ['instances get a public IP address'] : []),
      ...(disks.some((d) => Array.isArray(d.ebs) && (d.ebs as Values[]).some((e) => e.encrypted === 'false' || e.encrypted === false || e.encrypted === null)) ? ['a volume is NOT encrypted'] : []),
    ];
  },
};

function rule(get: (key: string) => unknown): Values {
  return Object.fromEntries(['ip_protocol', 'from_port', 'to_port', ...RULE_PEERS].map((k) => [k, get(k)]));
}

/**
 * The risky facts of a created or changed resource (empty for a destroyed one, and for types with
 * nothing risky to say). Resource policies (`policy` of any type) are read statement by statement.
 */
export function riskyFacts(change: ClassifiedChange, synthesized?: SynthesizedStack): string[] {
  if (change.kind === 'delete' || change.kind === 'forget' || change.kind === 'read') return [];
  const source = sourceOf(change, synthesized);
  const get = (key: string) => source.get(key);
  const facts = FACTS[change.resource.type]?.(get) ?? [];
  const type = change.resource.type;
  if (type !== 'aws_iam_role' && (type.startsWith('aws_iam_') || POLICY_TYPES.has(type) || isPolicyDocument(parseJsonText(get('policy'))))) {
    if ('policy' in after(change) || (change.resource.change.after_unknown as Values | undefined)?.policy) facts.push(...policyLines(get('policy')));
  }
  return facts;
}
