/**
 * Real offline plans with the AWS provider (local mirror, fake credentials, the provider's skip
 * flags, `-refresh=false`) against a state the test builds: the resources as a create plan planned
 * them, with the values only AWS would know (ids, and attributes that move on their own) set by
 * the test. Enough to plan updates, replacements and drift without an account.
 */
import * as fs from 'fs';
import * as path from 'path';
import { offlineOverride } from '../../../delivery/offline-checks';
import { parsePlan, type PlanJson } from '../../../delivery/plan/model';
import { init, terraformOrThrow } from '../../../delivery/terraform';

export type Resources = Record<string, Record<string, Record<string, unknown>>>;
type Attributes = Record<string, unknown>;

interface PlannedResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly schema_version: number;
  readonly values: Attributes;
  readonly sensitive_values?: Attributes;
}

/** The state's `sensitive_attributes`: a path per value the mask marks (a changed marking alone makes Terraform plan an update). */
function sensitivePaths(mask: unknown, at: object[] = []): object[][] {
  if (mask === true) return [at];
  if (Array.isArray(mask)) return mask.flatMap((m, i) => sensitivePaths(m, [...at, { type: 'index', value: { value: i, type: 'number' } }]));
  if (mask && typeof mask === 'object') return Object.entries(mask).flatMap(([k, m]) => sensitivePaths(m, [...at, { type: 'get_attr', value: k }]));
  return [];
}

const STATE_FILE = 'offline.tfstate';
/** Computed collections of the resources these tests build, as AWS reports them when empty. */
const EMPTY: Record<string, unknown> = Object.fromEntries(
  ['listener_endpoint', 'master_user_secret', 'replicas', 'vpc_security_group_ids', 'load_balancers', 'target_group_arns', 'vpc_zone_identifier', 'trusted_key_groups', 'trusted_signers'].map((k) => [k, []]),
);

/** One folder, initialised once, in which configurations are planned against states in turn. */
export class OfflineAwsWorkspace {
  private serial = 0;

  constructor(readonly dir: string) {}

  private write(resources: Resources): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const offline = offlineOverride({}) as { terraform: unknown; provider: { aws: Attributes[] } };
    const config = { terraform: offline.terraform, provider: { aws: [{ region: 'us-east-1', ...offline.provider.aws[0] }] }, resource: resources };
    fs.writeFileSync(path.join(this.dir, 'main.tf.json'), JSON.stringify(config, null, 2));
  }

  async init(resources: Resources): Promise<void> {
    this.write(resources);
    const result = await init({ dir: this.dir }, { offline: true });
    if (result.code !== 0) throw new Error(`terraform init failed:\n${result.stderr}`);
  }

  /** The JSON plan of `resources` against `state` (none: an empty state). */
  async plan(resources: Resources, state?: object): Promise<{ plan: PlanJson; raw: Record<string, unknown> }> {
    this.write(resources);
    const stateFile = path.join(this.dir, STATE_FILE);
    if (state) fs.writeFileSync(stateFile, JSON.stringify({ ...state, serial: ++this.serial }));
    else fs.rmSync(stateFile, { force: true });
    const options = { dir: this.dir };
    await terraformOrThrow(['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out=tfplan'], options);
    const text = await terraformOrThrow(['show', '-json', '-no-color', 'tfplan'], options);
    return { plan: parsePlan(text), raw: JSON.parse(text) as Record<string, unknown> };
  }
}

/**
 * A state holding every resource a create plan planned, as planned, plus `known` per address:
 * what AWS would have reported (an `id` at least). Values the plan could not know are null.
 */
export function stateFromCreatePlan(createPlan: Record<string, unknown>, known: Record<string, Attributes>): object {
  const planned = ((createPlan.planned_values as { root_module: { resources: PlannedResource[] } }).root_module.resources);
  return {
    version: 4,
    terraform_version: '1.11.4',
    serial: 1,
    lineage: '00000000-0000-4000-8000-000000000000',
    outputs: {},
    resources: planned.map((r) => ({
      mode: r.mode,
      type: r.type,
      name: r.name,
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [{ schema_version: r.schema_version, attributes: { ...r.values, ...known[r.address] }, sensitive_attributes: sensitivePaths(r.sensitive_values) }],
    })),
  };
}

/** A copy of a state with some attributes of some resources changed (what AWS moved on its own, or what an apply did). */
export function withAttributes(state: object, changes: Record<string, Attributes>): object {
  const copy = JSON.parse(JSON.stringify(state)) as { resources: { type: string; name: string; instances: { attributes: Attributes }[] }[] };
  for (const r of copy.resources) Object.assign(r.instances[0].attributes, changes[`${r.type}.${r.name}`] ?? {});
  return copy;
}

/**
 * The state as the provider itself would write it: each resource's values as a plan of the same
 * configuration normalises them (empty lists rather than nulls, defaults filled in), keeping what
 * that plan cannot know from `state`. A plan of that configuration against it then changes nothing.
 */
export async function settled(tf: OfflineAwsWorkspace, resources: Resources, state: object): Promise<object> {
  const { plan } = await tf.plan(resources, state);
  const known: Record<string, Attributes> = {};
  for (const rc of plan.resource_changes ?? []) {
    const unknown = (rc.change.after_unknown ?? {}) as Record<string, unknown>;
    const after = (rc.change.after ?? {}) as Attributes;
    const before = (rc.change.before ?? {}) as Attributes;
    known[rc.address] = Object.fromEntries(Object.entries(after).filter(([key]) => unknown[key] !== true));
    // Computed collections the state left null (so the provider plans them unknown): AWS reports them empty.
    for (const key of Object.keys(unknown)) if (unknown[key] === true && before[key] === null && !(key in (known[rc.address] ?? {})) && !['id'].includes(key)) known[rc.address][key] = EMPTY[key] ?? null;
  }
  return withAttributes(state, known);
}
