/** Keeping what matters: log retention, deletion protection of production data, the tags cost reports need. */
import { blocks, isTrue, resourceRule, type Rule, show } from '../rule';
import type { Json, Resource, StackView } from '../stack';

/** Production unless the environment says otherwise; a stack of no environment (bootstrap) holds shared state. */
function isProduction(stack: StackView): boolean {
  return stack.environment?.policy.production ?? true;
}

function tagsOf(value: unknown): string[] {
  return value && typeof value === 'object' ? Object.keys(value as Json) : [];
}

/** The tag keys instances and volumes launched by an Auto Scaling group get. */
function launchedTags(group: Resource, stack: StackView): { instance: Set<string>; volume: Set<string> } {
  const specs = stack.referencedBy(group).filter((r) => r.type === 'aws_launch_template').flatMap((t) => blocks(t.body.tag_specifications));
  const of = (kind: string) => specs.filter((s) => s.resource_type === kind).flatMap((s) => tagsOf(s.tags));
  const propagated = blocks(group.body.tag).filter((t) => isTrue(t.propagate_at_launch)).map((t) => String(t.key));
  return { instance: new Set([...of('instance'), ...propagated]), volume: new Set(of('volume')) };
}

const REQUIRED_TAGS: Rule = {
  id: 'TM_REQUIRED_TAGS',
  severity: 'medium',
  title: 'Every resource carries the required tags (provider default_tags; launch templates for what an Auto Scaling group launches)',
  fix: 'Put the required tags in the AWS provider\'s default_tags, and in the launch template\'s tag_specifications for instances and volumes',
  evaluate: (stack) => {
    const required = stack.requiredTags;
    const missing = (have: Iterable<string>) => {
      const set = new Set(have);
      return required.filter((key) => !set.has(key));
    };
    const providers = stack.awsProviders.map((provider, i) => {
      const alias = typeof provider.alias === 'string' ? provider.alias : undefined;
      const lacking = missing(blocks(provider.default_tags).flatMap((d) => tagsOf(d.tags)));
      return {
        address: alias ? `provider.aws.${alias}` : 'provider.aws',
        path: `${stack.name}/provider/aws${alias ? `.${alias}` : i ? `[${i}]` : ''}`,
        failure: lacking.length ? `default_tags lack ${lacking.join(', ')}` : undefined,
      };
    });
    const groups = stack.ofType('aws_autoscaling_group').map((group) => {
      const tags = launchedTags(group, stack);
      const lacking = [...missing(tags.instance).map((k) => `${k} (instances)`), ...missing(tags.volume).map((k) => `${k} (volumes)`)];
      return { address: group.address, path: group.path, failure: lacking.length ? `what it launches lacks ${lacking.join(', ')}` : undefined };
    });
    return [...providers, ...groups];
  },
};

export const OPERATIONS_RULES: readonly Rule[] = [
  resourceRule({
    id: 'CKV_AWS_66',
    severity: 'medium',
    title: 'CloudWatch log groups expire their logs',
    fix: 'Set retention_in_days (logRetentionDays in the config)',
    types: ['aws_cloudwatch_log_group'],
    check: (group) => (Number(group.body.retention_in_days) > 0 ? undefined : `retention_in_days is ${show(group.body.retention_in_days)}: logs are kept, and billed, forever`),
  }),
  resourceRule({
    id: 'CKV_AWS_293',
    severity: 'high',
    title: 'Production databases have deletion protection',
    fix: 'Set deletion_protection = true (database.deletionProtection in the config) and keep a final snapshot',
    types: ['aws_db_instance', 'aws_rds_cluster'],
    appliesTo: (_db, stack) => isProduction(stack),
    check: (db) => (isTrue(db.body.deletion_protection) ? undefined : `deletion_protection is ${show(db.body.deletion_protection)}`),
  }),
  resourceRule({
    id: 'CKV_AWS_157',
    severity: 'high',
    title: 'Production databases have a standby in a second AZ (Multi-AZ)',
    fix: 'Set multi_az = true (database.multiAz in the config; it doubles the instance and storage price)',
    types: ['aws_db_instance'],
    // A replica's availability is its source's; Aurora members are placed by their cluster.
    appliesTo: (db, stack) => isProduction(stack) && db.body.replicate_source_db === undefined,
    check: (db) => (isTrue(db.body.multi_az) ? undefined : `multi_az is ${show(db.body.multi_az)}: an AZ outage or a host failure stops the database until it is replaced`),
  }),
  resourceRule({
    id: 'CKV_AWS_118',
    severity: 'medium',
    title: 'Production databases have enhanced monitoring',
    fix: 'Set monitoring_interval (database.monitoringIntervalSeconds in the config, 60 at most) and a monitoring_role_arn that monitoring.rds.amazonaws.com assumes',
    types: ['aws_db_instance', 'aws_rds_cluster_instance'],
    appliesTo: (_db, stack) => isProduction(stack),
    check: (db) => {
      const interval = Number(db.body.monitoring_interval ?? 0);
      if (!(interval > 0)) return `monitoring_interval is ${show(db.body.monitoring_interval)}: no OS metrics (memory, processes, disk I/O) of the instance`;
      return db.body.monitoring_role_arn === undefined ? 'monitoring_interval is set, but monitoring_role_arn is not' : undefined;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_338',
    severity: 'medium',
    title: 'Production log groups keep their logs for a year or more',
    fix: 'Set retention_in_days to 365 or more (logRetentionDays in the config)',
    types: ['aws_cloudwatch_log_group'],
    appliesTo: (_group, stack) => isProduction(stack),
    check: (group) => (Number(group.body.retention_in_days) >= 365 ? undefined : `retention_in_days is ${show(group.body.retention_in_days)}: less than the year an incident review or an audit looks back`),
  }),
  resourceRule({
    id: 'CKV_AWS_150',
    severity: 'high',
    title: 'Production load balancers have deletion protection',
    fix: 'Set enable_deletion_protection = true (loadBalancer.deletionProtection in the config)',
    types: ['aws_lb', 'aws_alb'],
    appliesTo: (_lb, stack) => isProduction(stack),
    check: (lb) => (isTrue(lb.body.enable_deletion_protection) ? undefined : `enable_deletion_protection is ${show(lb.body.enable_deletion_protection)}`),
  }),
  resourceRule({
    id: 'TM_PROD_DATA_PROTECTED',
    severity: 'high',
    title: 'Production buckets cannot be emptied by a destroy, production user pools are deletion-protected',
    fix: 'Buckets: force_destroy = false; user pools: deletion_protection = "ACTIVE"',
    types: ['aws_s3_bucket', 'aws_cognito_user_pool'],
    appliesTo: (_r, stack) => isProduction(stack),
    check: (r) => {
      if (r.type === 'aws_s3_bucket') return isTrue(r.body.force_destroy) ? 'force_destroy is true: a destroy deletes every object' : undefined;
      return r.body.deletion_protection === 'ACTIVE' ? undefined : `deletion_protection is ${show(r.body.deletion_protection)}`;
    },
  }),
  REQUIRED_TAGS,
];
