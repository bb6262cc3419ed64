/**
 * Structural differences of JSON held in string attributes. An IAM or resource policy (anything
 * with a `Statement`) is compared statement by statement (matched by Sid, else by effect and
 * resources): the actions, resources, principals and conditions each statement gains or loses,
 * one per line. Other JSON (dashboards, WAF rules, container definitions) is compared by path,
 * array elements matched by value so that an insertion is one line, not a shifted tail.
 */
import { formatPath, formatValue, type Path } from './attributes';
import { commonSubsequence } from './text-diff';

export interface DetailLine {
  /** `+` gained, `-` lost, `~` changed, ` ` context (which statement the lines below are in). */
  readonly op: '+' | '-' | '~' | ' ';
  readonly text: string;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object or array a string holds as JSON text, else undefined. */
export function parseJsonText(value: unknown): Json | undefined {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return undefined;
  try {
    const parsed = JSON.parse(value) as Json;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function isPolicyDocument(value: unknown): value is JsonObject {
  return isObject(value) && (Array.isArray(value.Statement) || isObject(value.Statement));
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value ?? null);
}

// ---- policies -------------------------------------------------------------------------------

const FIELDS = ['Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'] as const;
const FIELD_NAMES: Record<(typeof FIELDS)[number], string> = {
  Action: 'action', NotAction: 'not action', Resource: 'resource', NotResource: 'not resource',
  Principal: 'principal', NotPrincipal: 'not principal', Condition: 'condition',
};

interface Statement {
  readonly key: string;
  readonly label: string;
  readonly effect: string;
  readonly values: ReadonlyMap<string, readonly string[]>;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/** `*`, or `AWS arn:…`, `Service ec2.amazonaws.com`, `Federated …`: one entry per principal. */
function principals(value: unknown): string[] {
  if (!isObject(value)) return strings(value);
  return Object.keys(value).sort().flatMap((type) => strings(value[type]).map((p) => `${type} ${p}`));
}

/** `StringEquals token.actions.githubusercontent.com:sub = "repo:o/r:ref:refs/heads/main"`: one entry per value. */
function conditions(value: unknown): string[] {
  if (!isObject(value)) return strings(value);
  return Object.keys(value).sort().flatMap((operator) => {
    const byKey = value[operator];
    if (!isObject(byKey)) return [`${operator} ${JSON.stringify(byKey)}`];
    return Object.keys(byKey).sort().flatMap((key) => strings(byKey[key]).map((v) => `${operator} ${key} = ${JSON.stringify(v)}`));
  });
}

function fieldValues(field: (typeof FIELDS)[number], value: unknown): string[] {
  if (field === 'Principal' || field === 'NotPrincipal') return principals(value);
  if (field === 'Condition') return conditions(value);
  return strings(value);
}

function statements(document: JsonObject | undefined): Statement[] {
  if (!document) return [];
  const list = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const seen = new Map<string, number>();
  return list.filter(isObject).map((s) => {
    const effect = typeof s.Effect === 'string' ? s.Effect : 'Allow';
    const values = new Map(FIELDS.map((f) => [FIELD_NAMES[f], [...new Set(fieldValues(f, s[f]))].sort()] as const).filter(([, v]) => v.length > 0));
    const resources = [...(values.get('resource') ?? []), ...(values.get('not resource') ?? []).map((r) => `not ${r}`)];
    const sid = typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : undefined;
    const base = sid !== undefined ? `sid ${sid}` : `${effect} ${resources.join(',')}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const label = sid !== undefined ? `statement ${JSON.stringify(sid)} (${effect})` : `statement (${effect}${resources.length ? ` on ${resources.join(', ')}` : ''})`;
    return { key: n > 1 ? `${base}#${n}` : base, label, effect, values };
  });
}

function statementLines(op: '+' | '-', s: Statement): DetailLine[] {
  return [
    { op, text: `${s.label}${op === '+' ? ' added' : ' removed'}` },
    ...[...s.values].flatMap(([field, list]) => list.map((v) => ({ op, text: `    ${field.padEnd(10)} ${v}` }))),
  ];
}

/** Statement by statement: what each one gains and loses; whole statements added or removed. */
export function policyDiff(before: JsonObject | undefined, after: JsonObject | undefined): DetailLine[] {
  const a = new Map(statements(before).map((s) => [s.key, s]));
  const b = statements(after);
  const out: DetailLine[] = [];
  for (const s of b) {
    const old = a.get(s.key);
    if (!old) {
      out.push(...statementLines('+', s));
      continue;
    }
    const lines: DetailLine[] = [];
    if (old.effect !== s.effect) lines.push({ op: '~', text: `    effect     ${old.effect} -> ${s.effect}` });
    for (const field of new Set([...old.values.keys(), ...s.values.keys()])) {
      const was = new Set(old.values.get(field) ?? []);
      const now = new Set(s.values.get(field) ?? []);
      for (const v of now) if (!was.has(v)) lines.push({ op: '+', text: `    ${field.padEnd(10)} ${v}` });
      for (const v of was) if (!now.has(v)) lines.push({ op: '-', text: `    ${field.padEnd(10)} ${v}` });
    }
    if (lines.length > 0) out.push({ op: ' ', text: `${s.label}:` }, ...lines);
  }
  const kept = new Set(b.map((s) => s.key));
  for (const s of a.values()) if (!kept.has(s.key)) out.push(...statementLines('-', s));
  const rest = (d: JsonObject | undefined) => (d ? Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'Statement')) : undefined);
  return [...jsonPathDiff(rest(before) ?? {}, rest(after) ?? {}), ...out];
}

/** One line per statement of a policy: `Allow s3:GetObject on arn:… to Service x if …` (for creates and summaries). */
export function policySummary(document: JsonObject): string[] {
  return statements(document).map((s) => {
    const list = (field: string) => (s.values.get(field) ?? []).join(', ');
    const parts = [s.effect];
    if (s.values.has('action')) parts.push(list('action'));
    if (s.values.has('not action')) parts.push(`all but ${list('not action')}`);
    if (s.values.has('resource')) parts.push(`on ${list('resource')}`);
    if (s.values.has('not resource')) parts.push(`on all but ${list('not resource')}`);
    if (s.values.has('principal')) parts.push(`to ${list('principal')}`);
    if (s.values.has('not principal')) parts.push(`to all but ${list('not principal')}`);
    if (s.values.has('condition')) parts.push(`if ${list('condition')}`);
    return parts.join(' ');
  });
}

// ---- any JSON, by path ----------------------------------------------------------------------

function show(value: unknown): string {
  return formatValue(value, { maxValueLength: 120 });
}

function diffAt(path: Path, a: Json, b: Json, out: DetailLine[]): void {
  if (sameJson(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(key in a)) out.push({ op: '+', text: `${formatPath([...path, key])} = ${show(b[key])}` });
      else if (!(key in b)) out.push({ op: '-', text: `${formatPath([...path, key])} = ${show(a[key])}` });
      else diffAt([...path, key], a[key], b[key], out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const pairs = commonSubsequence(a, b, sameJson);
    let i = 0;
    let j = 0;
    for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
      // Unmatched elements in the same gap are the same element changed: compared by path.
      while (i < pi && j < pj) diffAt([...path, j], a[i++], b[j++], out);
      while (i < pi) out.push({ op: '-', text: `${formatPath([...path, i])} = ${show(a[i++])}` });
      while (j < pj) out.push({ op: '+', text: `${formatPath([...path, j])} = ${show(b[j++])}` });
      i = pi + 1;
      j = pj + 1;
    }
    return;
  }
  out.push({ op: '~', text: `${formatPath(path)}: ${show(a)} -> ${show(b)}` });
}

/** Leaf by leaf, by path: what is added, removed and changed. */
export function jsonPathDiff(before: Json, after: Json): DetailLine[] {
  const out: DetailLine[] = [];
  diffAt([], before, after, out);
  return out;
}

/** Policies statement by statement, anything else by path. */
export function structuralDiff(before: Json | undefined, after: Json | undefined): DetailLine[] {
  if (isPolicyDocument(before) || isPolicyDocument(after)) {
    return policyDiff(isObject(before) ? before : undefined, isObject(after) ? after : undefined);
  }
  return jsonPathDiff(before ?? {}, after ?? {});
}
