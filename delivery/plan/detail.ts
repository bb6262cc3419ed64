/**
 * The detail block of one resource change, Terraform-like and redacted: one line per changed
 * attribute, JSON values compared by statement or path and `user_data` line by line (their lines
 * indented under the attribute); of the values known only after apply, the configured ones on one
 * line with what they wait on, the ones the provider computes folded into the `resource` line.
 */
import { attributeDiff, type AttributeDiff, type FormatOptions } from './attributes';
import type { DetailLine } from './json-diff';
import { escapeControl, plural } from './markdown';
import type { ClassifiedChange } from './model';
import { configOf, type SynthesizedStack } from './synthesized';
import { type ConfiguredUnknown, sortUnknown, waitsOnText } from './unknown';

const HEADERS: Record<string, string> = {
  create: 'will be created',
  update: 'will be updated in-place',
  delete: 'will be destroyed',
  read: 'will be read during apply',
  forget: 'will no longer be managed by Terraform (not destroyed)',
  'no-op': 'has no attribute changes',
};

const SYMBOL: Record<string, string> = { create: '+', update: '!', delete: '-', read: '<=', forget: '.', 'no-op': ' ' };

export const REASONS: Record<string, string> = {
  replace_because_tainted: 'the object is tainted',
  replace_because_cannot_update: 'an attribute cannot be updated in place',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'replace_triggered_by changed',
  delete_because_no_resource_config: 'no longer in the configuration',
  delete_because_no_module: 'its module is no longer in the configuration',
  delete_because_wrong_repetition: 'count/for_each was added or removed',
  delete_because_count_index: 'its count index is out of range',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'its moved target is not in the configuration',
  read_because_config_unknown: 'its configuration depends on values known only after apply',
  read_because_dependency_pending: 'it depends on pending changes',
  read_because_check_nested: 'a check block reads it',
};

export function reasonText(change: ClassifiedChange): string | undefined {
  const reason = change.resource.action_reason;
  return reason ? REASONS[reason] ?? reason.replace(/_/g, ' ') : undefined;
}

/** Most attribute names the folded known-after-apply line lists. */
const MAX_UNKNOWN_NAMES = 8;

function detailLine(line: DetailLine): string {
  const symbol = line.op === '~' ? '!' : line.op;
  return `${symbol}         ${escapeControl(line.text)}`;
}

function diffLines(d: AttributeDiff): string[] {
  const note = d.forcesReplacement ? '   # forces replacement' : '';
  if (d.detail && d.op === 'change') {
    return d.detail.length > 0 ? [`!     ${d.path}:${note}`, ...d.detail.map(detailLine)] : [`!     ${d.path}: (the same JSON, formatted differently)${note}`];
  }
  const head = d.op === 'add' ? `+     ${d.path} = ${d.after}${note}` : d.op === 'remove' ? `-     ${d.path} = ${d.before}${note}` : `!     ${d.path}: ${d.before} -> ${d.after}${note}`;
  return [head, ...(d.detail ?? []).map(detailLine)];
}

/** Most resources named as what a configured unknown value waits on. */
const MAX_WAITS_ON = 3;
/** Most names of provider-computed values folded into the `resource` line. */
const MAX_COMPUTED_NAMES = 3;

function names(diffs: readonly AttributeDiff[], max: number, label: (d: AttributeDiff) => string): string {
  const more = diffs.length > max ? ` and ${diffs.length - max} more` : '';
  return `${diffs.slice(0, max).map(label).join(', ')}${more}`;
}

/**
 * One line for the configured attributes known only after apply (see unknown.ts): the changed ones
 * (they had a value) first, then what in this plan they wait on, when `withCause` (an existing
 * resource: its value was known; in a create, waiting on the new resources beside it is expected).
 */
function unknownLine(unknown: readonly ConfiguredUnknown[], withCause: boolean): string {
  const ordered = [...unknown.filter((u) => u.diff.op === 'change'), ...unknown.filter((u) => u.diff.op !== 'change')].map((u) => u.diff);
  const listed = names(ordered, MAX_UNKNOWN_NAMES, (d) => `${d.path}${d.op === 'change' ? ' (changes)' : ''}${d.forcesReplacement ? ' (forces replacement)' : ''}`);
  const waitsOn = withCause ? [...new Set(unknown.flatMap((u) => u.waitsOn))] : [];
  const from = waitsOn.length ? `; from ${waitsOnText(waitsOn, MAX_WAITS_ON)}` : '';
  return `~     (known after apply: ${listed}${from})`;
}

/**
 * The `resource` line's note of the values the provider computes: for a create only how many
 * (every new object has an id and an ARN), else their names (a replaced database's new address, a
 * launch template's new version number).
 */
function computedNote(change: ClassifiedChange, computed: readonly AttributeDiff[]): string {
  if (computed.length === 0) return '';
  if (change.kind === 'create') return ` · ${plural(computed.length, 'value')} computed on apply`;
  return ` · computed on apply: ${names(computed, MAX_COMPUTED_NAMES, (d) => d.path)}`;
}

export interface BlockOptions {
  readonly maxAttributes: number;
  readonly format?: FormatOptions;
  readonly drift?: boolean;
  /** The construct path, shown after the address. */
  readonly construct?: string;
  /** The stack's configuration: tells configured values known after apply from computed ones. */
  readonly synthesized?: SynthesizedStack;
  /** Addresses of the resources the plan changes: what a configured unknown value can wait on. */
  readonly changing?: ReadonlySet<string>;
}

function header(change: ClassifiedChange, drift: boolean): { header: string; symbol: string } {
  if (drift) return { header: change.kind === 'delete' ? 'has been deleted outside Terraform' : 'has changed outside Terraform', symbol: '~' };
  if (change.kind === 'replace') {
    const cbd = change.replaceOrder === 'create-before-destroy';
    return { header: cbd ? 'must be replaced (create before destroy)' : 'must be replaced (destroy before create)', symbol: cbd ? '+/-' : '-/+' };
  }
  return { header: HEADERS[change.kind], symbol: SYMBOL[change.kind] };
}

/** The detail block of one resource change (or drift entry). */
export function resourceBlock(change: ClassifiedChange, options: BlockOptions): string {
  const r = change.resource;
  const { header: what, symbol } = header(change, options.drift === true);
  const notes: string[] = [];
  if (change.moved) notes.push(`moved from ${escapeControl(r.previous_address ?? '')}`);
  if (change.importing) notes.push(`imported${r.change.importing?.id ? ` from id ${JSON.stringify(r.change.importing.id)}` : ''}`);
  const reason = reasonText(change);
  if (reason) notes.push(reason);
  if (change.dataLossRisk) notes.push('DATA-LOSS RISK');
  const diffs = change.kind === 'delete' || change.kind === 'forget' ? [] : attributeDiff(r.change, options.format);
  const unknown = sortUnknown(diffs.filter((d) => d.unknown), configOf(options.synthesized, r), options.changing ?? new Set());
  const computed = computedNote(change, unknown.computed);
  const lines = [
    `# ${escapeControl(r.address)}${r.deposed ? ` (deposed ${r.deposed})` : ''} ${what}${notes.length ? ` [${notes.join('; ')}]` : ''}`,
    `${symbol} ${r.mode === 'data' ? 'data' : 'resource'} "${r.type}"${options.construct ? ` (${escapeControl(options.construct)})` : ''}${computed}`,
  ];
  const body = diffs.filter((d) => !d.unknown).flatMap(diffLines);
  lines.push(...body.slice(0, options.maxAttributes));
  if (body.length > options.maxAttributes) lines.push(`      … ${body.length - options.maxAttributes} more lines`);
  if (unknown.configured.length > 0) lines.push(unknownLine(unknown.configured, change.kind !== 'create'));
  return lines.join('\n');
}

/**
 * An in-place update whose every change is a configured value known only after apply that reads
 * another change of this plan (a policy holding a replaced database's ARN, a script holding its
 * address) follows that change rather than being a decision of its own: it is one line,
 * `! address (construct): attributes <- what they read`, under one header for all of them (see
 * `followersBlock`), not a block each. Undefined for any other change, and without the configuration.
 */
export function followerLine(change: ClassifiedChange, options: BlockOptions): string | undefined {
  if (change.kind !== 'update' || options.drift) return undefined;
  const diffs = attributeDiff(change.resource.change, options.format);
  if (diffs.length === 0 || diffs.some((d) => !d.unknown)) return undefined;
  const unknown = sortUnknown(diffs, configOf(options.synthesized, change.resource), options.changing ?? new Set());
  if (unknown.configured.length === 0 || unknown.configured.some((u) => u.waitsOn.length === 0)) return undefined;
  const attributes = names(unknown.configured.map((u) => u.diff), MAX_UNKNOWN_NAMES, (d) => d.path);
  const reads = waitsOnText([...new Set(unknown.configured.flatMap((u) => u.waitsOn))], MAX_WAITS_ON);
  return `! ${escapeControl(change.resource.address)}${options.construct ? ` (${escapeControl(options.construct)})` : ''}: ${attributes} <- ${reads}${computedNote(change, unknown.computed)}`;
}

/** The followers' lines (see `followerLine`) under their one header. */
export function followersBlock(lines: readonly string[]): string {
  return [`# ${plural(lines.length, 'resource')} updated in place only to take new values of other changes in this plan (known after apply):`, ...lines].join('\n');
}
