/** Who can reach what: public access, the instance metadata service, TLS-only resource policies. */
import { documentsOf, isAnyone, type Statement, actionsOf } from '../documents';
import { blocks, isTrue, resourceRule, type Rule, show, strings } from '../rule';
import { referencedAddresses, type Resource, type StackView } from '../stack';

const PUBLIC_ACCESS_FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
const ANYWHERE = ['0.0.0.0/0', '::/0'];
/** The ports an internet-facing edge (a public load balancer) serves to the world. */
const EDGE_PORTS = [80, 443];

/** Whether a security group fronts an internet-facing load balancer. */
function isEdgeGroup(groupAddress: string, stack: StackView): boolean {
  return stack
    .ofType('aws_lb', 'aws_alb')
    .some((lb) => !isTrue(lb.body.internal) && referencedAddresses(lb.body.security_groups).has(groupAddress));
}

interface Ingress {
  readonly from: unknown;
  readonly to: unknown;
  readonly protocol: unknown;
  readonly cidrs: string[];
}

/** The ingress a resource opens, and the security group it belongs to. */
function ingressOf(r: Resource, stack: StackView): { group?: string; rules: Ingress[] } {
  if (r.type === 'aws_security_group') {
    return { group: r.address, rules: blocks(r.body.ingress).map((i) => ({ from: i.from_port, to: i.to_port, protocol: i.protocol, cidrs: [...strings(i.cidr_blocks), ...strings(i.ipv6_cidr_blocks)] })) };
  }
  const group = stack.referencedBy({ id: r.body.security_group_id }).find((g) => g.type === 'aws_security_group')?.address;
  if (r.type === 'aws_security_group_rule') {
    if (r.body.type !== 'ingress') return { group, rules: [] };
    return { group, rules: [{ from: r.body.from_port, to: r.body.to_port, protocol: r.body.protocol, cidrs: [...strings(r.body.cidr_blocks), ...strings(r.body.ipv6_cidr_blocks)] }] };
  }
  return { group, rules: [{ from: r.body.from_port, to: r.body.to_port, protocol: r.body.ip_protocol, cidrs: [...strings(r.body.cidr_ipv4), ...strings(r.body.cidr_ipv6)] }] };
}

/** The resources of a type whose policy governs `target`: separate policy resources, or its own `policy`. */
function policiesOn(target: Resource, stack: StackView, policyType: string, attribute: string, literalOf: string[]): Statement[] | undefined {
  const holders = [...stack.pointingAt(target, policyType, attribute, literalOf), ...(target.body.policy !== undefined ? [target] : [])];
  const documents = holders.flatMap((h) => documentsOf(h, stack));
  if (documents.length === 0) return undefined;
  return documents.flatMap((d) => d.statements ?? []);
}

/** A Deny for everyone of every action (of the service) when aws:SecureTransport is false. */
function deniesInsecureTransport(statement: Statement, service: string): boolean {
  const actions = actionsOf(statement);
  const secure = statement.Condition?.Bool?.['aws:SecureTransport'];
  const whenInsecure = secure === false || strings(secure).includes('false');
  return statement.Effect === 'Deny' && isAnyone(statement.Principal) && (actions.includes('*') || actions.includes(`${service}:*`)) && whenInsecure;
}

export const EXPOSURE_RULES: readonly Rule[] = [
  resourceRule({
    id: 'CKV2_AWS_6',
    severity: 'high',
    title: 'S3 buckets block every kind of public access',
    fix: `Add an aws_s3_bucket_public_access_block with ${PUBLIC_ACCESS_FLAGS.join(', ')} = true (SecureBucket does)`,
    types: ['aws_s3_bucket'],
    check: (bucket, stack) => {
      const blocksOf = stack.pointingAt(bucket, 'aws_s3_bucket_public_access_block', 'bucket', ['bucket']);
      if (blocksOf.length === 0) return 'no aws_s3_bucket_public_access_block';
      const off = PUBLIC_ACCESS_FLAGS.filter((flag) => !blocksOf.some((b) => isTrue(b.body[flag])));
      return off.length ? `public access block leaves ${off.join(', ')} off` : undefined;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_17',
    severity: 'critical',
    title: 'RDS instances are not publicly accessible',
    fix: 'Set publicly_accessible = false and keep the instance in private subnets',
    types: ['aws_db_instance', 'aws_rds_cluster_instance'],
    check: (db) => (isTrue(db.body.publicly_accessible) ? 'publicly_accessible is true' : undefined),
  }),
  resourceRule({
    id: 'TM_OPEN_INGRESS',
    severity: 'critical',
    title: 'Only an internet-facing load balancer is open to the world, and only on 80/443',
    fix: 'Admit the source security group (or a prefix list) instead of 0.0.0.0/0; only the public load balancer\'s group may take 80/443 from anywhere',
    types: ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'],
    check: (r, stack) => {
      const { group, rules } = ingressOf(r, stack);
      for (const rule of rules.filter((i) => i.cidrs.some((c) => ANYWHERE.includes(c)))) {
        const port = Number(rule.from);
        const single = rule.from === rule.to && EDGE_PORTS.includes(port) && ['tcp', '6'].includes(String(rule.protocol));
        if (!single) return `ingress from anywhere on ${show(rule.protocol)} ports ${show(rule.from)}-${show(rule.to)}`;
        if (!group || !isEdgeGroup(group, stack)) return `ingress from anywhere on ${port}, but ${group ?? 'its group'} is not the group of an internet-facing load balancer`;
      }
      return undefined;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_79',
    severity: 'high',
    title: 'Instances require IMDSv2 session tokens',
    fix: 'Set metadata_options.http_tokens = "required" (and http_put_response_hop_limit = 1)',
    types: ['aws_launch_template', 'aws_instance'],
    check: (r) => {
      const options = blocks(r.body.metadata_options)[0];
      if (options?.http_endpoint === 'disabled') return undefined;
      return options?.http_tokens === 'required' ? undefined : `metadata_options.http_tokens is ${show(options?.http_tokens)}: IMDSv1 answers without a token`;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_88',
    severity: 'high',
    title: 'Instances have no public IP address',
    fix: 'Put the instances in private subnets behind a NAT gateway (network.natGateways >= 1), with associate_public_ip_address = false; or waive it with the reason',
    types: ['aws_launch_template', 'aws_instance'],
    check: (r) => {
      if (isTrue(r.body.associate_public_ip_address)) return 'associate_public_ip_address is true';
      const publicInterface = blocks(r.body.network_interfaces).findIndex((i) => isTrue(i.associate_public_ip_address));
      return publicInterface >= 0 ? `network_interfaces[${publicInterface}].associate_public_ip_address is true: every instance it launches has a public address` : undefined;
    },
  }),
  resourceRule({
    id: 'TM_S3_TLS_ONLY',
    severity: 'high',
    title: 'S3 bucket policies deny requests without TLS',
    fix: 'Add a Deny of s3:* for Principal "*" on the bucket and bucket/* when aws:SecureTransport is "false" (SecureBucket does)',
    types: ['aws_s3_bucket'],
    check: (bucket, stack) => {
      const statements = policiesOn(bucket, stack, 'aws_s3_bucket_policy', 'bucket', ['bucket']);
      if (!statements) return 'no bucket policy';
      const deny = statements.find((s) => deniesInsecureTransport(s, 's3'));
      if (!deny) return 'its bucket policy does not deny requests without TLS';
      const resources = strings(deny.Resource);
      const objects = resources.some((r) => r === '*' || r.endsWith('/*'));
      const itself = resources.some((r) => r === '*' || !r.endsWith('/*'));
      return objects && itself ? undefined : 'the TLS deny does not cover both the bucket and its objects';
    },
  }),
  resourceRule({
    id: 'TM_SQS_TLS_ONLY',
    severity: 'high',
    title: 'SQS queue policies deny requests without TLS',
    fix: 'Add an aws_sqs_queue_policy with a Deny of sqs:* for Principal "*" when aws:SecureTransport is "false"',
    types: ['aws_sqs_queue'],
    check: (queue, stack) => {
      const statements = policiesOn(queue, stack, 'aws_sqs_queue_policy', 'queue_url', ['url']);
      if (!statements) return 'no queue policy';
      return statements.some((s) => deniesInsecureTransport(s, 'sqs')) ? undefined : 'its queue policy does not deny requests without TLS';
    },
  }),
];
