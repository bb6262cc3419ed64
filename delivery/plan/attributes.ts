/**
 * Attribute-level differences of one resource change, with every value that the plan marks
 * sensitive (`before_sensitive` / `after_sensitive`, at any depth) replaced by a placeholder
 * and every value unknown until apply (`after_unknown`) shown as such.
 *
 * Raw values never leave this module: a leaf carries only its display text (already redacted)
 * and an opaque comparison key, so a renderer cannot print a secret by mistake.
 */
import { type DetailLine, isPolicyDocument, parseJsonText, policyDiff, structuralDiff } from './json-diff';
import type { Change } from './model';
import { decodeUserData, lineDiff } from './text-diff';

export const SENSITIVE = '(sensitive value)';
export const UNKNOWN = '(known after apply)';

export type Path = readonly (string | number)[];

interface Leaf {
  readonly path: Path;
  /** The text to show: a formatted value, SENSITIVE or UNKNOWN. */
  readonly display: string;
  /** Equality only; for a sensitive leaf a digest-free comparison of the raw value, never shown. */
  readonly compareKey: string;
  readonly sensitive: boolean;
  readonly unknown: boolean;
  readonly isNull: boolean;
  /** A string leaf that is not sensitive: kept to diff JSON and scripts inside this module. */
  readonly text?: string;
}

export interface AttributeDiff {
  /** The attribute's path, formatted (`launch_template[0].version`). */
  readonly path: string;
  /** The same path, unformatted. */
  readonly at: Path;
  readonly op: 'add' | 'remove' | 'change';
  readonly before?: string;
  readonly after?: string;
  readonly forcesReplacement: boolean;
  /** The value is known only after apply. */
  readonly unknown: boolean;
  /** JSON compared by statement or path, or a decoded script line by line: the lines that differ. */
  readonly detail?: readonly DetailLine[];
}

export interface FormatOptions {
  /** Longest value shown; longer ones are cut with a note of how much was left out. */
  readonly maxValueLength?: number;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The mask for a child: `true` covers everything beneath it. */
function childMask(mask: unknown, key: string | number): unknown {
  if (mask === true) return true;
  if (Array.isArray(mask) && typeof key === 'number') return mask[key];
  if (isObject(mask) && typeof key === 'string') return mask[key];
  return undefined;
}

export function formatValue(value: unknown, options: FormatOptions = {}): string {
  const max = options.maxValueLength ?? 160;
  const text = value === undefined ? 'null' : JSON.stringify(value);
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

function collect(value: unknown, sensitive: unknown, unknown: unknown, path: Path, out: Leaf[], options: FormatOptions): void {
  if (sensitive === true) {
    // The comparison key is the raw JSON; it is compared, never displayed.
    out.push({ path, display: SENSITIVE, compareKey: `s:${JSON.stringify(value ?? null)}`, sensitive: true, unknown: false, isNull: false });
    return;
  }
  if (unknown === true) {
    out.push({ path, display: UNKNOWN, compareKey: 'u', sensitive: false, unknown: true, isNull: false });
    return;
  }
  if (Array.isArray(value) || (Array.isArray(unknown) && (value === undefined || value === null))) {
    const items = Array.isArray(value) ? value : [];
    const length = Math.max(items.length, Array.isArray(unknown) ? unknown.length : 0);
    if (length === 0) {
      out.push({ path, display: '[]', compareKey: '[]', sensitive: false, unknown: false, isNull: false });
      return;
    }
    for (let i = 0; i < length; i++) collect(items[i], childMask(sensitive, i), childMask(unknown, i), [...path, i], out, options);
    return;
  }
  if (isObject(value) || (isObject(unknown) && (value === undefined || value === null) && Object.keys(unknown).length > 0)) {
    const object = isObject(value) ? value : {};
    const keys = new Set(Object.keys(object));
    if (isObject(unknown)) for (const [key, mask] of Object.entries(unknown)) if (mask !== false) keys.add(key);
    if (keys.size === 0) {
      out.push({ path, display: '{}', compareKey: '{}', sensitive: false, unknown: false, isNull: false });
      return;
    }
    for (const key of [...keys].sort()) collect(object[key], childMask(sensitive, key), childMask(unknown, key), [...path, key], out, options);
    return;
  }
  const isNull = value === null || value === undefined;
  out.push({
    path,
    display: formatValue(value, options),
    compareKey: `v:${JSON.stringify(value ?? null)}`,
    sensitive: false,
    unknown: false,
    isNull,
    text: typeof value === 'string' ? value : undefined,
  });
}

/** Leaves of a value keyed by their path; a whole value marked sensitive or unknown is one leaf. */
function leaves(value: unknown, sensitive: unknown, unknown: unknown, options: FormatOptions): Map<string, Leaf> {
  const out: Leaf[] = [];
  if (value === null || value === undefined) {
    if (sensitive === true || unknown === true || isObject(unknown) || Array.isArray(unknown)) collect(value, sensitive, unknown, [], out, options);
  } else {
    collect(value, sensitive, unknown, [], out, options);
  }
  return new Map(out.map((leaf) => [pathKey(leaf.path), leaf]));
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: Path): string {
  if (path.length === 0) return '(whole value)';
  return path.map((part, i) => {
    if (typeof part === 'number') return `[${part}]`;
    if (IDENTIFIER.test(part)) return i === 0 ? part : `.${part}`;
    return `[${JSON.stringify(part)}]`;
  }).join('');
}

function pathKey(path: Path): string {
  return JSON.stringify(path);
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => part === path[i]);
}

/**
 * The attributes that differ between `before` and `after`, in path order. Creates list every
 * non-null attribute (and the unknown ones), deletes list nothing but what the caller asks for.
 */
export function attributeDiff(change: Change, options: FormatOptions = {}): AttributeDiff[] {
  const before = leaves(change.before, change.before_sensitive, undefined, options);
  const after = leaves(change.after, change.after_sensitive, change.after_unknown, options);
  const replacePaths = change.replace_paths ?? [];
  const forces = (path: Path) => replacePaths.some((p) => startsWith(path, p) || startsWith(p, path));
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort(comparePathKeys);
  // A value that becomes unknown as a whole (a map, a list) is one change, not a removal of each old leaf.
  const unknownPaths = [...after.values()].filter((l) => l.unknown).map((l) => l.path);
  const underUnknown = (path: Path) => unknownPaths.some((u) => u.length < path.length && startsWith(path, u));
  const hadValue = (path: Path) => [...before.values()].some((l) => !l.isNull && startsWith(l.path, path));
  const diffs: AttributeDiff[] = [];
  for (const key of keys) {
    const b = before.get(key);
    const a = after.get(key);
    const path = (a ?? b)!.path;
    const bAbsent = !b || b.isNull;
    const aAbsent = !a || (a.isNull && !a.unknown);
    if (bAbsent && aAbsent) continue;
    if (b && a && !a.unknown && b.compareKey === a.compareKey && b.sensitive === a.sensitive) continue;
    if (!a && underUnknown(path)) continue;
    const op = a?.unknown && bAbsent && hadValue(path) ? 'change' : bAbsent ? 'add' : aAbsent ? 'remove' : 'change';
    const detail = op === 'remove' ? undefined : detailOf(path, bAbsent ? undefined : b!.text, a!.text);
    diffs.push({
      path: formatPath(path),
      at: path,
      op,
      before: bAbsent ? (op === 'change' ? '(a value)' : undefined) : b!.display,
      after: aAbsent ? undefined : op === 'add' && detail ? summaryOf(path, a!.text!) ?? a!.display : a!.display,
      forcesReplacement: forces(path),
      unknown: a?.unknown ?? false,
      ...(detail ? { detail } : {}),
    });
  }
  return diffs;
}

const SCRIPTS = new Set(['user_data', 'user_data_base64']);

function isScript(path: Path): boolean {
  return path.length === 1 && SCRIPTS.has(String(path[0]));
}

/**
 * The structural difference of two string values, when they are JSON (policies by statement, the
 * rest by path) or a `user_data` script (decoded, line by line). A created policy lists its
 * statements; other created JSON and scripts get a summary instead (see `summaryOf`).
 */
function detailOf(path: Path, before: string | undefined, after: string | undefined): DetailLine[] | undefined {
  if (after === undefined) return undefined;
  if (isScript(path)) {
    if (before === undefined) return [];
    return lineDiff(decodeUserData(before), decodeUserData(after), 2).map((c) => ({ op: c.op, text: c.text === '…' && c.op === ' ' ? '…' : `${String(c.line).padStart(4)}  ${c.text}` }));
  }
  const a = parseJsonText(after);
  if (a === undefined) return undefined;
  if (before === undefined) return isPolicyDocument(a) ? policyDiff(undefined, a) : [];
  const b = parseJsonText(before);
  return b === undefined ? undefined : structuralDiff(b, a);
}

/** What a created JSON or script value is, in a few words, instead of its first 160 characters. */
function summaryOf(path: Path, after: string): string | undefined {
  if (isScript(path)) {
    const script = decodeUserData(after);
    const lines = script.split('\n');
    return `${JSON.stringify(lines[0].slice(0, 80))} … (${lines.length} lines${script !== after ? ', decoded' : ''})`;
  }
  const json = parseJsonText(after);
  if (json === undefined) return undefined;
  if (isPolicyDocument(json)) return '(policy document: its statements below)';
  return `(JSON, ${after.length} characters)`;
}

function comparePathKeys(a: string, b: string): number {
  const pa = JSON.parse(a) as (string | number)[];
  const pb = JSON.parse(b) as (string | number)[];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    if (typeof pa[i] === 'number' && typeof pb[i] === 'number') return (pa[i] as number) - (pb[i] as number);
    return String(pa[i]) < String(pb[i]) ? -1 : 1;
  }
  return pa.length - pb.length;
}
