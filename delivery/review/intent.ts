/**
 * What a plan means to do, without what AWS happens to report at the moment it was made. Per
 * resource instance: the action; for an update or a replacement, the attribute paths it changes
 * with their planned values and the paths that force the replacement; for a create, its known
 * planned values; for a delete, nothing beyond its address. Left out on purpose: attributes that
 * stay as they are (so `latest_restorable_time`, `estimated_number_of_users`, a distribution's
 * `status` or a scaled group's `desired_capacity` may move in state between two plans), values
 * known only after apply, and the prior values themselves. Sensitive values are masked: the
 * intent is hashed into a public comment, and a short hash of a weak secret could be guessed.
 */
import type { Change, ResourceChange } from '../plan/model';

/** What a masked value is recorded as. */
export const SENSITIVE = '(sensitive)';
/** An unknown element inside an otherwise known list (a create's `[known, ${ref}]`). */
const UNKNOWN = '(known after apply)';

/** One resource instance's intent; equal intents are the same change. */
export interface ResourceIntent {
  /** Terraform's actions joined by `+`: `create`, `update`, `delete+create`, `read`, `no-op` (a move or an import). */
  readonly actions: string;
  /** Attribute path (`tags.Name`, `ingress[0].from_port`) to its planned value; for a create every known value. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly replacePaths?: readonly string[];
  /** A move: the address it had. */
  readonly movedFrom?: string;
  /** An import: the id it imports. */
  readonly importing?: string;
  /** A deposed object's key (a create-before-destroy left over). */
  readonly deposed?: string;
}

export interface OutputIntent {
  readonly actions: string;
  /** The planned value when known (masked when sensitive). */
  readonly value?: unknown;
}

interface Leaf {
  /** Canonical text of the raw value: equality only, never recorded. */
  readonly raw: string;
  /** What is recorded: the value, or SENSITIVE. */
  readonly shown: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with sorted keys: the same value always gives the same text. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value ?? null);
}

function child(mask: unknown, key: string | number): unknown {
  if (mask === true) return true;
  if (Array.isArray(mask) && typeof key === 'number') return mask[key];
  if (isObject(mask) && typeof key === 'string') return mask[key];
  return undefined;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  const name = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${name}` : name;
}

/**
 * The known leaves of a value by path (empty objects and lists are leaves of their own). A
 * subtree its unknown mask marks is left out and its path added to `unknownPaths`.
 */
function leaves(value: unknown, sensitive: unknown, unknown: unknown, path: string, out: Map<string, Leaf>, unknownPaths?: string[]): void {
  if (unknown === true) {
    unknownPaths?.push(path);
    return;
  }
  if (sensitive === true) {
    out.set(path, { raw: canonical(value), shown: SENSITIVE });
    return;
  }
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : isObject(value) ? Object.entries(value) : [];
  // Terraform leaves an unknown value out of `after` and marks it in the unknown mask only.
  if (isObject(unknown) && (isObject(value) || value === undefined || value === null)) {
    for (const key of Object.keys(unknown)) if (unknown[key] === true && !(isObject(value) && key in value)) entries.push([key, undefined]);
  }
  if (entries.length === 0) {
    out.set(path, { raw: canonical(value), shown: value ?? null });
    return;
  }
  for (const [key, v] of entries) leaves(v, child(sensitive, key), child(unknown, key), join(path, key), out, unknownPaths);
}

const under = (path: string, prefixes: readonly string[]) => prefixes.some((p) => p === '' || path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));

/** The changed known leaves from `before` to `after`: a removed leaf is recorded as null. */
function changedValues(change: Change): Record<string, unknown> {
  const before = new Map<string, Leaf>();
  const after = new Map<string, Leaf>();
  const unknownPaths: string[] = [];
  leaves(change.before, change.before_sensitive, undefined, '', before);
  leaves(change.after, change.after_sensitive, change.after_unknown, '', after, unknownPaths);
  const values: Record<string, unknown> = {};
  for (const [path, leaf] of after) if (before.get(path)?.raw !== leaf.raw) values[path] = leaf.shown;
  for (const path of before.keys()) if (!after.has(path) && !under(path, unknownPaths)) values[path] = null;
  return sorted(values);
}

/** Every known, non-null planned value (a create's). */
function knownValues(change: Change): Record<string, unknown> {
  const after = new Map<string, Leaf>();
  const unknownPaths: string[] = [];
  leaves(change.after, change.after_sensitive, change.after_unknown, '', after, unknownPaths);
  const values: Record<string, unknown> = {};
  for (const [path, leaf] of after) if (leaf.shown !== null) values[path] = leaf.shown;
  // An unknown element of a known list still counts: the list's length is part of the intent.
  for (const path of unknownPaths) if (/\]$/.test(path)) values[path] = UNKNOWN;
  return sorted(values);
}

function sorted(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(values).sort().map((k) => [k, values[k]]));
}

function pathText(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => join(text, key), '');
}

/** The intent of one resource change; undefined when it changes nothing (a no-op that neither moves nor imports). */
export function resourceIntent(rc: ResourceChange): ResourceIntent | undefined {
  const { change } = rc;
  const actions = change.actions.join('+');
  const movedFrom = rc.previous_address && rc.previous_address !== rc.address ? rc.previous_address : undefined;
  const importing = change.importing ? String(change.importing.id ?? canonical(change.importing.identity)) : undefined;
  if (change.actions.every((a) => a === 'no-op') && !movedFrom && !importing) return undefined;
  const kind = change.actions.includes('create') && change.actions.includes('delete') ? 'replace' : change.actions[0];
  const values = kind === 'create' ? knownValues(change) : kind === 'update' || kind === 'replace' ? changedValues(change) : {};
  const replacePaths = change.replace_paths?.length ? change.replace_paths.map(pathText).sort() : undefined;
  return { actions, values, ...(replacePaths ? { replacePaths } : {}), ...(movedFrom ? { movedFrom } : {}), ...(importing ? { importing } : {}), ...(rc.deposed ? { deposed: rc.deposed } : {}) };
}

/** The intent of one output change; undefined for a no-op. */
export function outputIntent(change: Change): OutputIntent | undefined {
  if (change.actions.every((a) => a === 'no-op')) return undefined;
  const actions = change.actions.join('+');
  if (change.after_unknown === true || change.actions.includes('delete') && !change.actions.includes('create')) return { actions };
  const values = knownValues(change);
  return { actions, value: values[''] ?? values };
}
