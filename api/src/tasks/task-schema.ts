import { FieldProblem, HttpError, validationError } from '../http/errors';
import { DEFAULT_STATUS, DESCRIPTION_MAX, NewTask, TASK_STATUSES, TaskListQuery, TaskPatch, TaskStatus, TITLE_MAX } from './task';

/**
 * Hand-written validation for the few shapes the task routes accept. Every problem is collected
 * (not just the first) so a client can fix a request in one go. Only own, known keys are read:
 * unknown keys, `__proto__` and `constructor` included, are rejected, so nothing a client sends
 * can reach an object's prototype or a database column we did not name.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Ids are MySQL INT UNSIGNED. */
const MAX_ID = 4_294_967_295;

const TASK_FIELDS = ['title', 'description', 'status'] as const;
type TaskField = (typeof TASK_FIELDS)[number];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Length in characters as MySQL's utf8mb4 VARCHAR counts them (code points, not UTF-16 units). */
function characterCount(text: string): number {
  const pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
  return text.length - (pairs ? pairs.length : 0);
}

// With the `u` flag, paired surrogates are one code point, so this matches only unpaired ones.
const LONE_SURROGATE = /\p{Cs}/u;
// Control characters (NUL, escape sequences, DEL, C1) break terminals, logs and other clients; tab and line breaks are text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// Unicode's Bidi_Control set (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): they make text
// display in another order than it is stored, which can disguise what a title says (CVE-2021-42574).
const BIDI_CONTROL = /\p{Bidi_Control}/u;
// What displays as nothing: spaces of any kind, default-ignorable characters (zero-width spaces and
// joiners, soft hyphen, Hangul fillers, BOM) and the braille blank, which fonts draw empty.
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]/gu;

function checkText(field: string, value: unknown, max: number, required: boolean, problems: FieldProblem[]): string | undefined {
  if (typeof value !== 'string') {
    problems.push({ field, problem: `must be a string${required ? '' : ' when given'}` });
    return undefined;
  }
  // A lone surrogate cannot be stored as UTF-8: it would come back changed.
  if (LONE_SURROGATE.test(value)) {
    problems.push({ field, problem: 'must be valid Unicode text' });
    return undefined;
  }
  if (CONTROL_CHARACTER.test(value)) {
    problems.push({ field, problem: 'must not contain control characters (tab and line breaks are allowed)' });
    return undefined;
  }
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) {
    const codePoint = `U+${bidi[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
    problems.push({ field, problem: `must not contain the bidirectional control character ${codePoint}: it makes text display in another order than it is stored` });
    return undefined;
  }
  if (required && value.replace(INVISIBLE, '') === '') {
    problems.push({
      field,
      problem: value === '' ? 'must not be empty' : 'must contain at least one visible character (it has only spaces or invisible characters such as zero-width spaces)',
    });
    return undefined;
  }
  if (characterCount(value) > max) {
    problems.push({ field, problem: `must be at most ${max} characters` });
    return undefined;
  }
  return value;
}

function checkStatus(value: unknown, problems: FieldProblem[]): TaskStatus | undefined {
  if (typeof value === 'string' && (TASK_STATUSES as readonly string[]).includes(value)) return value as TaskStatus;
  problems.push({ field: 'status', problem: `must be one of ${TASK_STATUSES.map((s) => `"${s}"`).join(', ')}` });
  return undefined;
}

function checkObject(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw validationError([{ field: '(body)', problem: 'must be a JSON object' }]);
  return body;
}

function unknownFields(body: Record<string, unknown>, problems: FieldProblem[]): void {
  for (const key of Object.keys(body)) {
    if (!(TASK_FIELDS as readonly string[]).includes(key)) problems.push({ field: key, problem: 'is not a known field' });
  }
}

function own(body: Record<string, unknown>, key: TaskField): boolean {
  return Object.prototype.hasOwnProperty.call(body, key);
}

/** POST /tasks body. */
export function parseNewTask(input: unknown): NewTask {
  const body = checkObject(input);
  const problems: FieldProblem[] = [];
  unknownFields(body, problems);
  const title = own(body, 'title')
    ? checkText('title', body.title, TITLE_MAX, true, problems)
    : (problems.push({ field: 'title', problem: 'is required' }), undefined);
  const description = own(body, 'description') ? checkText('description', body.description, DESCRIPTION_MAX, false, problems) : '';
  const status = own(body, 'status') ? checkStatus(body.status, problems) : DEFAULT_STATUS;
  if (problems.length > 0) throw validationError(problems);
  return { title: title as string, description: description as string, status: status as TaskStatus };
}

/** PATCH /tasks/:id body: any non-empty subset of the fields. */
export function parseTaskPatch(input: unknown): TaskPatch {
  const body = checkObject(input);
  const problems: FieldProblem[] = [];
  unknownFields(body, problems);
  const patch: { -readonly [K in keyof TaskPatch]: TaskPatch[K] } = {};
  if (own(body, 'title')) patch.title = checkText('title', body.title, TITLE_MAX, true, problems);
  if (own(body, 'description')) patch.description = checkText('description', body.description, DESCRIPTION_MAX, false, problems);
  if (own(body, 'status')) patch.status = checkStatus(body.status, problems);
  if (problems.length === 0 && Object.keys(patch).length === 0) {
    problems.push({ field: '(body)', problem: `must set at least one of ${TASK_FIELDS.join(', ')}` });
  }
  if (problems.length > 0) throw validationError(problems);
  return patch;
}

/** The `:id` path parameter: a positive whole number in the id range, or 400. */
export function parseTaskId(raw: string): number {
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > MAX_ID) {
    throw new HttpError(400, 'invalid_id', `Task ids are positive whole numbers; got "${raw}".`);
  }
  return Number(raw);
}

// Cursors are opaque to clients (base64url of "id:<n>") so the paging scheme can change later.
export function encodeCursor(afterId: number): string {
  return Buffer.from(`id:${afterId}`).toString('base64url');
}

function decodeCursor(cursor: string, problems: FieldProblem[]): number | undefined {
  const match = /^id:([1-9]\d{0,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || encodeCursor(Number(match[1])) !== cursor) {
    problems.push({ field: 'cursor', problem: 'is not a cursor this API returned' });
    return undefined;
  }
  return Number(match[1]);
}

const LIST_PARAMETERS = ['limit', 'cursor', 'status', 'order', 'total'];

/** GET /tasks query string. */
export function parseListQuery(query: Record<string, string | string[] | undefined>): TaskListQuery {
  const problems: FieldProblem[] = [];
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (Array.isArray(value)) {
      problems.push({ field: name, problem: 'must be given once' });
      return undefined;
    }
    return value;
  };
  for (const key of Object.keys(query)) {
    if (!LIST_PARAMETERS.includes(key)) problems.push({ field: key, problem: `is not a known query parameter (use ${LIST_PARAMETERS.join(', ')})` });
  }
  let limit = DEFAULT_PAGE_SIZE;
  const rawLimit = single('limit');
  if (rawLimit !== undefined) {
    if (/^\d{1,4}$/.test(rawLimit) && Number(rawLimit) >= 1 && Number(rawLimit) <= MAX_PAGE_SIZE) limit = Number(rawLimit);
    else problems.push({ field: 'limit', problem: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  const rawCursor = single('cursor');
  const afterId = rawCursor !== undefined ? decodeCursor(rawCursor, problems) : undefined;
  const rawStatus = single('status');
  const status = rawStatus !== undefined ? checkStatus(rawStatus, problems) : undefined;
  const order = single('order');
  if (order !== undefined && order !== 'oldest' && order !== 'newest') problems.push({ field: 'order', problem: 'must be oldest or newest' });
  const total = single('total');
  if (total !== undefined && total !== 'true' && total !== 'false') problems.push({ field: 'total', problem: 'must be true or false' });
  if (problems.length > 0) throw validationError(problems);
  return {
    limit,
    ...(afterId !== undefined ? { afterId } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(order === 'newest' ? { newestFirst: true } : {}),
    ...(total === 'true' ? { withTotal: true } : {}),
  };
}
