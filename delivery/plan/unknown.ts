/**
 * Values a plan knows only after apply, sorted by what they tell a reviewer.
 *
 * The rule: an attribute the configuration sets but whose value is unknown is *configured*: it
 * reads a value of another change in this plan (a policy embedding the ARN of a replaced database,
 * a script holding its address), so the reviewer must see it, with the references that make it
 * unknown. An attribute the configuration does not set is *computed* by the provider (id, arn,
 * endpoint, a launch template's version numbers): every new object has a dozen of them and many
 * updates a few; they are expected and say nothing to act on, so a block folds them into its
 * `resource` line instead of a line of their own. An in-place update whose only changes are
 * configured values waiting on other changes follows them (detail.ts `followerLine`): one line
 * each, under one header. Without the configuration (no synthesized stack), every unknown value
 * counts as configured and waiting on nothing: nothing is hidden or grouped on a guess.
 */
import { type AttributeDiff, isObject, type Path } from './attributes';

/**
 * The configured value at `path`, or undefined when the configuration does not set it. cdktf
 * writes a single nested block as an object or a one-element list, so index 0 of an object is the
 * object; an expression (a string) covers everything beneath it.
 */
export function configuredValue(config: Readonly<Record<string, unknown>>, path: Path): unknown {
  let node: unknown = config;
  for (const part of path) {
    if (typeof node === 'string') return node;
    if (Array.isArray(node)) node = typeof part === 'number' ? node[part] : undefined;
    else if (isObject(node)) node = typeof part === 'number' ? (part === 0 ? node : undefined) : node[part];
    else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return node;
}

const INTERPOLATED_REFERENCE = /\b((?:aws|data\.aws)_[a-z0-9_]+\.[A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)/g;

/** The `${…}` references in a configured value, each `address.attribute`, in order of appearance. */
function references(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  const found: string[] = [];
  for (const expression of text.match(/\$\{[^}]*\}/g) ?? []) {
    for (const m of expression.matchAll(INTERPOLATED_REFERENCE)) found.push(m[1] + m[2]);
  }
  return [...new Set(found)];
}

/** The resource a reference reads: `aws_db_instance.db.address` → `aws_db_instance.db`. */
function addressOf(reference: string): string {
  return reference.replace(/^((?:data\.)?[^.]+\.[^.[]+).*$/, '$1');
}

/** References grouped by resource, `aws_db_instance.db (address, arn)`; at most `max` resources named. */
export function waitsOnText(refs: readonly string[], max: number): string {
  const byAddress = new Map<string, string[]>();
  for (const ref of refs) {
    const address = addressOf(ref);
    byAddress.set(address, [...(byAddress.get(address) ?? []), ref.slice(address.length + 1)].filter(Boolean));
  }
  const named = [...byAddress].slice(0, max).map(([address, attributes]) => (attributes.length ? `${address} (${attributes.join(', ')})` : address));
  return `${named.join(', ')}${byAddress.size > max ? ', …' : ''}`;
}

export interface ConfiguredUnknown {
  readonly diff: AttributeDiff;
  /** The references to resources this plan changes, which make the value unknown. */
  readonly waitsOn: readonly string[];
}

export interface SortedUnknown {
  readonly configured: readonly ConfiguredUnknown[];
  readonly computed: readonly AttributeDiff[];
}

/**
 * Sorts a resource's unknown values by the rule above. `changing` holds the addresses of the
 * resources this plan changes: only references to them are named (a reference to an unchanged
 * resource is known).
 */
export function sortUnknown(unknown: readonly AttributeDiff[], config: Readonly<Record<string, unknown>> | undefined, changing: ReadonlySet<string>): SortedUnknown {
  if (!config) return { configured: unknown.map((diff) => ({ diff, waitsOn: [] })), computed: [] };
  const configured: ConfiguredUnknown[] = [];
  const computed: AttributeDiff[] = [];
  for (const diff of unknown) {
    const value = configuredValue(config, diff.at);
    if (value === undefined) computed.push(diff);
    else configured.push({ diff, waitsOn: references(value).filter((ref) => changing.has(addressOf(ref))) });
  }
  return { configured, computed };
}
