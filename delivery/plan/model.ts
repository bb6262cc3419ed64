/**
 * The JSON plan representation of `terraform show -json <planfile>` (format_version 0.x / 1.x),
 * reduced to what a plan summary needs, and the classification of each resource change.
 *
 * Reference: Terraform's "JSON Output Format" (internals/json-format): `resource_changes[]` and
 * `resource_drift[]` hold `{ address, previous_address?, mode, type, name, index?, deposed?,
 * action_reason?, change: { actions, before, after, after_unknown, before_sensitive,
 * after_sensitive, replace_paths?, importing? } }`; the plan says whether it `errored`, is
 * `applyable` and `complete`. Unknown properties are ignored (forward compatible, as the format
 * asks); a major format version other than 0 or 1 is rejected.
 */

export type Action = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget' | string;

export interface Change {
  readonly actions: readonly Action[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: readonly (readonly (string | number)[])[];
  readonly importing?: { readonly id?: string; readonly identity?: unknown } | null;
  readonly generated_config?: string;
}

export interface ResourceChange {
  readonly address: string;
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode?: 'managed' | 'data' | string;
  readonly type: string;
  readonly name?: string;
  readonly index?: unknown;
  readonly deposed?: string;
  readonly action_reason?: string;
  readonly change: Change;
}

export interface OutputChange {
  readonly actions: readonly Action[];
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
}

export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, OutputChange>>;
  readonly deferred_changes?: readonly { reason?: string; resource_change?: ResourceChange }[];
  readonly errored?: boolean;
  readonly applyable?: boolean;
  readonly complete?: boolean;
}

/** What happens to one resource instance, in the words of the summary. */
export type Kind = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'forget' | 'no-op';

export interface ClassifiedChange {
  readonly resource: ResourceChange;
  readonly kind: Kind;
  /** For a replacement: destroy first (`["delete","create"]`) or create first (`["create","delete"]`). */
  readonly replaceOrder?: 'delete-before-create' | 'create-before-destroy';
  readonly importing: boolean;
  readonly moved: boolean;
  /** A destroy or replace of a type that holds data (see `STATEFUL_TYPES`). */
  readonly dataLossRisk: boolean;
}

/**
 * AWS resource types whose destruction loses data that Terraform cannot recreate: databases and
 * their storage, buckets and objects, queues (messages), logs, secrets and keys (whatever they
 * encrypt), file systems, streams, registries, user pools, parameters.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'aws_db_instance', 'aws_rds_cluster', 'aws_rds_cluster_instance', 'aws_rds_global_cluster', 'aws_db_snapshot',
  'aws_docdb_cluster', 'aws_neptune_cluster', 'aws_redshift_cluster', 'aws_dynamodb_table', 'aws_dynamodb_global_table',
  'aws_elasticache_cluster', 'aws_elasticache_replication_group', 'aws_elasticache_serverless_cache', 'aws_memorydb_cluster',
  'aws_opensearch_domain', 'aws_elasticsearch_domain', 'aws_timestreamwrite_table', 'aws_qldb_ledger', 'aws_keyspaces_table',
  'aws_s3_bucket', 'aws_s3_object', 'aws_s3_bucket_object', 'aws_s3_directory_bucket', 'aws_glacier_vault',
  'aws_efs_file_system', 'aws_ebs_volume', 'aws_ebs_snapshot', 'aws_fsx_lustre_file_system', 'aws_fsx_windows_file_system',
  'aws_fsx_ontap_file_system', 'aws_fsx_openzfs_file_system', 'aws_backup_vault',
  'aws_sqs_queue', 'aws_kinesis_stream', 'aws_kinesis_firehose_delivery_stream', 'aws_msk_cluster', 'aws_mq_broker',
  'aws_cloudwatch_log_group', 'aws_secretsmanager_secret', 'aws_secretsmanager_secret_version', 'aws_kms_key',
  'aws_ssm_parameter', 'aws_ecr_repository', 'aws_cognito_user_pool', 'aws_route53_zone',
]);

export function isStatefulType(type: string): boolean {
  return STATEFUL_TYPES.has(type);
}

export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

/** Parses the text of `terraform show -json`, checking the little the summary relies on. */
export function parsePlan(text: string): PlanJson {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (error) {
    throw new PlanFormatError(`not JSON: ${(error as Error).message}`);
  }
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) throw new PlanFormatError('not a JSON object');
  const p = plan as PlanJson;
  const major = /^(\d+)\./.exec(p.format_version ?? '')?.[1];
  if (p.format_version !== undefined && major !== '0' && major !== '1') {
    throw new PlanFormatError(`unsupported plan format_version ${p.format_version} (this reader knows 0.x and 1.x)`);
  }
  for (const key of ['resource_changes', 'resource_drift'] as const) {
    const list = p[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new PlanFormatError(`${key} is not a list`);
    list.forEach((rc: ResourceChange, i) => {
      if (typeof rc?.address !== 'string' || !Array.isArray(rc.change?.actions)) {
        throw new PlanFormatError(`${key}[${i}] has no address or change.actions: is this the output of \`terraform show -json <planfile>\`?`);
      }
    });
  }
  if (!('format_version' in p) && !('resource_changes' in p) && !('planned_values' in p)) {
    throw new PlanFormatError('no format_version, planned_values or resource_changes: not a Terraform plan');
  }
  return p;
}

function sameActions(actions: readonly Action[], expected: readonly Action[]): boolean {
  return actions.length === expected.length && actions.every((a, i) => a === expected[i]);
}

/** Classifies one entry of `resource_changes` or `resource_drift`. */
export function classify(resource: ResourceChange): ClassifiedChange {
  const actions = resource.change.actions;
  let kind: Kind;
  let replaceOrder: ClassifiedChange['replaceOrder'];
  if (sameActions(actions, ['delete', 'create'])) {
    kind = 'replace';
    replaceOrder = 'delete-before-create';
  } else if (sameActions(actions, ['create', 'delete'])) {
    kind = 'replace';
    replaceOrder = 'create-before-destroy';
  } else if (actions.includes('delete')) {
    kind = 'delete';
  } else if (actions.includes('forget')) {
    kind = 'forget';
  } else if (actions.includes('create')) {
    kind = 'create';
  } else if (actions.includes('update')) {
    kind = 'update';
  } else if (actions.includes('read')) {
    kind = 'read';
  } else {
    kind = 'no-op';
  }
  const importing = resource.change.importing !== undefined && resource.change.importing !== null;
  const moved = typeof resource.previous_address === 'string' && resource.previous_address !== resource.address;
  const destructive = kind === 'delete' || kind === 'replace';
  return {
    resource,
    kind,
    replaceOrder,
    importing,
    moved,
    dataLossRisk: destructive && resource.mode !== 'data' && isStatefulType(resource.type),
  };
}

export interface Counts {
  add: number;
  change: number;
  replace: number;
  destroy: number;
  import: number;
  move: number;
  read: number;
  forget: number;
}

export interface PlanSummary {
  /** Planned changes that do something (no-ops that neither import nor move are left out). */
  readonly changes: readonly ClassifiedChange[];
  /** Changes made outside Terraform since the last apply (`resource_drift`), not planned actions. */
  readonly drift: readonly ClassifiedChange[];
  readonly counts: Counts;
  readonly outputChanges: readonly { name: string; kind: Kind }[];
  readonly deferred: number;
  /** The plan failed: it errored, or it has changes but Terraform calls it not applyable. */
  readonly failed: boolean;
  readonly failureReason?: string;
  /** More plan/apply rounds will be needed (`complete: false`, deferred changes). */
  readonly incomplete: boolean;
  readonly terraformVersion?: string;
}

/** Destroys and replacements first (data-loss risks before the rest), then by address. */
export const KIND_ORDER: Readonly<Record<Kind, number>> = { delete: 0, replace: 1, forget: 2, update: 3, create: 4, read: 5, 'no-op': 6 };

export function compareChanges(a: ClassifiedChange, b: ClassifiedChange): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
    || Number(b.dataLossRisk) - Number(a.dataLossRisk)
    || (a.resource.address < b.resource.address ? -1 : a.resource.address > b.resource.address ? 1 : 0);
}

export function summarize(plan: PlanJson): PlanSummary {
  const changes = (plan.resource_changes ?? [])
    .map(classify)
    .filter((c) => c.kind !== 'no-op' || c.importing || c.moved)
    .sort(compareChanges);
  const drift = (plan.resource_drift ?? []).map(classify).filter((c) => c.kind !== 'no-op').sort(compareChanges);
  const counts: Counts = { add: 0, change: 0, replace: 0, destroy: 0, import: 0, move: 0, read: 0, forget: 0 };
  for (const c of changes) {
    if (c.kind === 'create') counts.add++;
    else if (c.kind === 'update') counts.change++;
    else if (c.kind === 'replace') counts.replace++;
    else if (c.kind === 'delete') counts.destroy++;
    else if (c.kind === 'read') counts.read++;
    else if (c.kind === 'forget') counts.forget++;
    if (c.importing) counts.import++;
    if (c.moved) counts.move++;
  }
  const outputChanges = Object.entries(plan.output_changes ?? {})
    .map(([name, change]) => ({ name, kind: classify({ address: name, type: 'output', change }).kind }))
    .filter((o) => o.kind !== 'no-op');
  const hasChanges = changes.length > 0 || outputChanges.length > 0;
  // A plan with nothing to do is reported `applyable: false` by Terraform too: that is "No changes", not a failure.
  let failureReason: string | undefined;
  if (plan.errored === true) failureReason = 'Terraform reported errors while planning (`errored: true`); the changes below are partial';
  else if (plan.applyable === false && hasChanges) failureReason = 'Terraform marked this plan as not applyable';
  return {
    changes,
    drift,
    counts,
    outputChanges,
    deferred: plan.deferred_changes?.length ?? 0,
    failed: failureReason !== undefined,
    failureReason,
    incomplete: plan.complete === false,
    terraformVersion: plan.terraform_version,
  };
}

export function hasChanges(summary: PlanSummary): boolean {
  return summary.changes.length > 0 || summary.outputChanges.length > 0;
}
