/** The one error shape every failure turns into: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/** An error that already knows its HTTP answer; anything else thrown becomes a 500 (or 503 for the database). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}

/** One field that failed validation. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

export function validationError(problems: readonly FieldProblem[]): HttpError {
  return new HttpError(400, 'validation_failed', 'The request is not valid: see details.', problems);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'not_found', message);
}

// Error codes from mysql2 / Node sockets / knex's pool that mean "the database is not reachable
// right now", as opposed to a bug in a query.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);

/** True when an error means the database is down or unreachable (a 503, not a 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: socket errors can come from another realm (e.g. under jest).
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'KnexTimeoutError') return true; // no pooled connection within the acquire timeout
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  // mysql2 raises these without a code when a pooled connection dies mid-flight.
  return typeof message === 'string' && /Connection lost|closed state/i.test(message);
}
