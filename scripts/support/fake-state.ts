/**
 * Stand-ins for the values a plan knows only after apply, by their provider schema type, so that a
 * plan's planned values can be written as the state an apply would have left (scripts/plan-fixtures.ts).
 */
import { createHash } from 'crypto';

type CtyType = string | [string, unknown];

interface SchemaAttribute { readonly type?: CtyType; readonly nested_type?: { readonly nesting_mode: string; readonly attributes: Record<string, SchemaAttribute> } }
export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>;
}

export type SchemaNode =
  | { readonly kind: 'block'; readonly block: SchemaBlock }
  | { readonly kind: 'nested'; readonly nesting: string; readonly block: SchemaBlock }
  | { readonly kind: 'type'; readonly type: CtyType };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function attributeNode(attribute: SchemaAttribute): SchemaNode {
  if (attribute.nested_type) return { kind: 'nested', nesting: attribute.nested_type.nesting_mode, block: { attributes: attribute.nested_type.attributes } };
  return { kind: 'type', type: attribute.type ?? 'dynamic' };
}

/** EC2 ids that other resources check the form of. */
const ID_PREFIXES: Record<string, string> = {
  aws_vpc: 'vpc', aws_subnet: 'subnet', aws_security_group: 'sg', aws_default_security_group: 'sg', aws_internet_gateway: 'igw',
  aws_route_table: 'rtb', aws_vpc_endpoint: 'vpce', aws_launch_template: 'lt', aws_nat_gateway: 'nat', aws_eip: 'eipalloc',
  aws_vpc_security_group_ingress_rule: 'sgr', aws_vpc_security_group_egress_rule: 'sgr',
};

/** ARNs in AWS's own form, for the types whose ARN our policies and alarms embed. */
const ARNS: Record<string, (name: string) => string> = {
  aws_s3_bucket: (name) => `arn:aws:s3:::${name}`,
  aws_iam_role: (name) => `arn:aws:iam::123456789012:role/${name}`,
  aws_iam_policy: (name) => `arn:aws:iam::123456789012:policy/${name}`,
  aws_iam_instance_profile: (name) => `arn:aws:iam::123456789012:instance-profile/${name}`,
  aws_sqs_queue: (name) => `arn:aws:sqs:us-east-1:123456789012:${name}`,
  aws_sns_topic: (name) => `arn:aws:sns:us-east-1:123456789012:${name}`,
  aws_cloudwatch_log_group: (name) => `arn:aws:logs:us-east-1:123456789012:log-group:${name}`,
  aws_db_instance: (name) => `arn:aws:rds:us-east-1:123456789012:db:${name}`,
  aws_lambda_function: (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  aws_ssm_parameter: (name) => `arn:aws:ssm:us-east-1:123456789012:parameter${name.startsWith('/') ? '' : '/'}${name}`,
  aws_kms_key: (name) => `arn:aws:kms:us-east-1:123456789012:key/${createHash('sha1').update(name).digest('hex').slice(0, 32)}`,
};

/** `[type, name, ...attribute path]` → a value that reads as what it stands for. */
function standInString(names: readonly string[]): string {
  const [type, name] = names;
  const key = names[names.length - 1];
  const service = type.split('_')[1];
  if (key === 'arn' && names.length === 3 && ARNS[type]) return ARNS[type](name);
  if (key === 'arn' || key.endsWith('_arn')) return `arn:aws:${service}:us-east-1:123456789012:${type.slice(4)}/${name}`;
  if (key === 'id' && ID_PREFIXES[type]) return `${ID_PREFIXES[type]}-0${createHash('sha1').update(name).digest('hex').slice(0, 16)}`;
  return `${key.replace(/_/g, '-')}-${name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

/**
 * Computed values that the provider checks against a fixed set, as AWS would set them for our
 * stacks (an S3 log destination; a standard, not FIFO, topic).
 */
const KNOWN_STAND_INS: Record<string, unknown> = {
  'aws_cloudwatch_log_delivery_destination.delivery_destination_type': 'S3',
  'aws_sns_topic.fifo_throughput_scope': null,
  'aws_lb_target_group.protocol_version': 'HTTP1',
  'aws_lb_target_group.ip_address_type': 'ipv4',
  'aws_lb_target_group.load_balancing_algorithm_type': 'round_robin',
  'aws_lb_target_group.load_balancing_anomaly_mitigation': 'off',
  'aws_lb_target_group.load_balancing_cross_zone_enabled': 'use_load_balancer_configuration',
};

function standIn(node: SchemaNode, names: readonly string[]): unknown {
  const known = `${names[0]}.${names.slice(2).join('.')}`;
  if (known in KNOWN_STAND_INS) return KNOWN_STAND_INS[known];
  // A computed list of objects gets one element: expressions such as `secret[0].arn` index it.
  if (node.kind !== 'type') return node.kind === 'nested' && (node.nesting === 'single' || node.nesting === 'group') ? null : [fillBlock({}, true, node.block, names)];
  const type = node.type;
  if (type === 'string') return standInString(names);
  if (type === 'number') return 0;
  if (type === 'bool') return false;
  if (!Array.isArray(type)) return null;
  const [kind, inner] = type;
  if (kind === 'map') return {};
  if (kind === 'object') return Object.fromEntries(Object.entries(inner as Record<string, CtyType>).map(([k, t]) => [k, standIn({ kind: 'type', type: t }, [...names, k])]));
  if ((kind === 'list' || kind === 'set') && Array.isArray(inner) && inner[0] === 'object') return [standIn({ kind: 'type', type: inner as CtyType }, names)];
  return [];
}

function fillBlock(value: unknown, unknown: unknown, block: SchemaBlock, names: readonly string[]): Json {
  const v = isObject(value) ? value : {};
  const u = (key: string): unknown => (unknown === true ? true : isObject(unknown) ? unknown[key] : undefined);
  const out: Json = {};
  for (const [key, attribute] of Object.entries(block.attributes ?? {})) out[key] = fakeValue(v[key], u(key), attributeNode(attribute), [...names, key]);
  for (const [key, nested] of Object.entries(block.block_types ?? {})) out[key] = fakeValue(v[key], u(key), { kind: 'nested', nesting: nested.nesting_mode, block: nested.block }, [...names, key]);
  return out;
}

/** `value` with each part that `unknown` marks (after_unknown) replaced by a stand-in of its schema type. */
export function fakeValue(value: unknown, unknown: unknown, node: SchemaNode, names: readonly string[]): unknown {
  if (unknown === true) return standIn(node, names);
  if (node.kind === 'block') return fillBlock(value, unknown, node.block, names);
  if (node.kind === 'nested') {
    if (node.nesting === 'single' || node.nesting === 'group') return value === null || value === undefined ? null : fillBlock(value, unknown, node.block, names);
    if (node.nesting === 'map') return isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, item]) => [k, fillBlock(item, isObject(unknown) ? unknown[k] : undefined, node.block, names)])) : value ?? null;
    return Array.isArray(value) ? value.map((item, i) => fillBlock(item, Array.isArray(unknown) ? unknown[i] : undefined, node.block, names)) : value ?? null;
  }
  const type = node.type;
  if (!Array.isArray(type)) return value ?? null;
  const [kind, inner] = type;
  if ((kind === 'list' || kind === 'set') && Array.isArray(value)) {
    return value.map((item, i) => fakeValue(item, Array.isArray(unknown) ? unknown[i] : undefined, { kind: 'type', type: inner as CtyType }, names));
  }
  if (kind === 'map' && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, fakeValue(item, isObject(unknown) ? unknown[k] : undefined, { kind: 'type', type: inner as CtyType }, [...names, k])]));
  }
  if (kind === 'object' && isObject(value)) {
    const fields = inner as Record<string, CtyType>;
    return Object.fromEntries(Object.entries(fields).map(([k, t]) => [k, fakeValue(value[k], isObject(unknown) ? unknown[k] : undefined, { kind: 'type', type: t }, [...names, k])]));
  }
  return value ?? null;
}

type Step = { type: 'get_attr'; value: string } | { type: 'index'; value: { value: string | number; type: 'string' | 'number' } };

function childNode(node: SchemaNode, key: string | number): SchemaNode | undefined {
  if (node.kind === 'block' || (node.kind === 'nested' && typeof key === 'string' && (node.nesting === 'single' || node.nesting === 'group'))) {
    const block = node.block;
    if (typeof key !== 'string') return undefined;
    const attribute = block.attributes?.[key];
    if (attribute) return attributeNode(attribute);
    const nested = block.block_types?.[key];
    return nested ? { kind: 'nested', nesting: nested.nesting_mode, block: nested.block } : undefined;
  }
  if (node.kind === 'nested') return { kind: 'block', block: node.block };
  const type = node.type;
  if (!Array.isArray(type)) return undefined;
  if (type[0] === 'object' && typeof key === 'string') {
    const field = (type[1] as Record<string, CtyType>)[key];
    return field === undefined ? undefined : { kind: 'type', type: field };
  }
  return { kind: 'type', type: type[1] as CtyType };
}

function step(node: SchemaNode, key: string | number): Step {
  const attribute = node.kind === 'block' || (node.kind === 'nested' && (node.nesting === 'single' || node.nesting === 'group')) || (node.kind === 'type' && Array.isArray(node.type) && node.type[0] === 'object');
  if (attribute && typeof key === 'string') return { type: 'get_attr', value: key };
  return { type: 'index', value: { value: key, type: typeof key === 'number' ? 'number' : 'string' } };
}

/**
 * The state's `sensitive_attributes` for a plan's `after_sensitive` mask: without them, the next
 * plan sees the value's sensitivity appear and plans an update that changes nothing else.
 */
export function sensitivePaths(mask: unknown, node: SchemaNode, prefix: Step[] = []): Step[][] {
  if (mask === true) return prefix.length ? [prefix] : [];
  const entries: [string | number, unknown][] = Array.isArray(mask) ? mask.map((m, i) => [i, m]) : isObject(mask) ? Object.entries(mask) : [];
  return entries.flatMap(([key, child]) => {
    const next = childNode(node, key);
    return next ? sensitivePaths(child, next, [...prefix, step(node, key)]) : [];
  });
}
