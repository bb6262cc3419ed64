/** Rules on the plan itself (given with --plan): what it would do to resources that hold data. */
import { classify } from '../../plan/model';
import type { Rule } from '../rule';

/**
 * Types whose destroy loses data that no apply brings back. Narrower than the plan comment's
 * STATEFUL_TYPES warning list on purpose: this gate blocks, so objects and parameters, which
 * deployments replace routinely, are not in it.
 */
export const PROTECTED_TYPES: readonly string[] = [
  'aws_db_instance', 'aws_rds_cluster', 'aws_s3_bucket', 'aws_kms_key', 'aws_sqs_queue', 'aws_cloudwatch_log_group',
  'aws_cognito_user_pool', 'aws_dynamodb_table', 'aws_efs_file_system',
];

export const PLAN_RULES: readonly Rule[] = [
  {
    id: 'TM_STATEFUL_REPLACE',
    severity: 'critical',
    title: 'The plan neither destroys nor replaces a resource that holds data',
    fix: 'Change the configuration so that Terraform updates in place (or a `moved` block for a rename); if the loss is intended, waive it for this resource with a reason and a short expiry',
    evaluate: (stack) =>
      (stack.plan?.resource_changes ?? [])
        .filter((rc) => rc.mode !== 'data' && PROTECTED_TYPES.includes(rc.type))
        .map((rc) => {
          const change = classify(rc);
          const path = stack.pathOf(rc.address.replace(/\[[^\]]*\]$/, ''));
          const reason = rc.action_reason ? ` (${rc.action_reason.replace(/_/g, ' ')})` : '';
          const failure = change.kind === 'delete' ? `the plan destroys it${reason}` : change.kind === 'replace' ? `the plan replaces it: the new one starts empty${reason}` : undefined;
          return { address: rc.address, path, failure };
        }),
  },
];
