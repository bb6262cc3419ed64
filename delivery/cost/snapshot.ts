/**
 * The resources of a plan on each side of it: before (`prior_state`) and after (`planned_values`),
 * with what one resource refers to. After the plan, ids are often unknown, so links come from the
 * configuration's references; before it, from the ids the state knows.
 */
export type Json = Record<string, unknown>;
export type Path = readonly (string | number)[];

export interface Instance {
  readonly address: string;
  readonly type: string;
  readonly values: Json;
  /** Which provider configuration it uses (`aws`, `aws.edge`): its region. */
  readonly providerKey: string;
}

interface ModuleValues {
  readonly resources?: readonly { address: string; mode?: string; type: string; values?: Json; provider_name?: string }[];
  readonly child_modules?: readonly ModuleValues[];
}

interface ConfigResource {
  readonly address: string;
  readonly provider_config_key?: string;
  readonly expressions?: Json;
}

/** The parts of `terraform show -json` the estimate reads. */
export interface CostPlan {
  readonly planned_values?: { readonly root_module?: ModuleValues };
  readonly prior_state?: { readonly values?: { readonly root_module?: ModuleValues } };
  readonly configuration?: {
    readonly provider_config?: Readonly<Record<string, { readonly expressions?: Json }>>;
    readonly root_module?: { readonly resources?: readonly ConfigResource[] };
  };
}

export function valueAt(value: unknown, path: Path): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** The configuration address of an instance: without its index (`aws_x.y[0]` -> `aws_x.y`). */
function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]$/, '');
}

export class Snapshot {
  readonly resources: readonly Instance[];

  constructor(
    root: ModuleValues | undefined,
    private readonly config: ReadonlyMap<string, ConfigResource>,
    /** Whether values are known (state) or may be unknown (a plan's planned values). */
    private readonly known: boolean,
  ) {
    const out: Instance[] = [];
    const walk = (m: ModuleValues | undefined) => {
      for (const r of m?.resources ?? []) {
        if (r.mode === 'data') continue;
        out.push({ address: r.address, type: r.type, values: r.values ?? {}, providerKey: config.get(configAddress(r.address))?.provider_config_key ?? 'aws' });
      }
      for (const child of m?.child_modules ?? []) walk(child);
    };
    walk(root);
    this.resources = out;
  }

  /** The configuration's references in an argument: resource addresses (`aws_subnet.a`). */
  private references(r: Instance, path: Path): string[] {
    const expression = valueAt(this.config.get(configAddress(r.address))?.expressions, path) as { references?: string[] } | undefined;
    return (expression?.references ?? []).filter((ref) => /^[a-z][a-z0-9_]*\.[^.]+$/.test(ref));
  }

  /** The resources of `type` that `r` refers to in the argument at `path`. */
  linked(r: Instance, path: Path, type: string): Instance[] {
    const candidates = this.resources.filter((c) => c.type === type);
    const value = valueAt(r.values, path);
    if (this.known || typeof value === 'string') {
      const byId = candidates.filter((c) => c.values.id === value || c.values.name === value);
      if (byId.length) return byId;
    }
    const refs = this.references(r, path);
    return candidates.filter((c) => refs.includes(configAddress(c.address)));
  }

  /** An argument's value: as planned, else as written in the configuration (with its `${...}` references). */
  argument(r: Instance, name: string): unknown {
    return r.values[name] ?? valueAt(this.config.get(configAddress(r.address))?.expressions, [name, 'constant_value']);
  }

  /** How many items a list argument holds: known, or counted from the configuration's references. */
  count(r: Instance, path: Path): number | undefined {
    const value = valueAt(r.values, path);
    if (Array.isArray(value)) return value.length;
    const refs = this.references(r, path);
    return refs.length ? refs.length : undefined;
  }
}

/** Both sides of a plan. */
export function snapshots(plan: CostPlan): { before: Snapshot; after: Snapshot } {
  const config = new Map((plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r] as const));
  return {
    before: new Snapshot(plan.prior_state?.values?.root_module, config, true),
    after: new Snapshot(plan.planned_values?.root_module, config, false),
  };
}

/** The region of a provider configuration, when it is a constant. */
export function regionOf(plan: CostPlan, providerKey: string): string | undefined {
  const region = valueAt(plan.configuration?.provider_config?.[providerKey]?.expressions, ['region', 'constant_value']);
  return typeof region === 'string' ? region : undefined;
}
