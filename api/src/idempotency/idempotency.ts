/**
 * `Idempotency-Key` (the IETF httpapi draft's header) on the requests that create something, so a
 * client that got no answer, or an ambiguous 503, can send the same request again and get the
 * original answer instead of a second task. The key is stored with the response it produced in
 * the same transaction as the change itself: either both are stored or neither is.
 *
 * Same key + same request -> the stored response, replayed (same status, body and Location).
 * Same key + different request -> 422. Keys expire after `ttlMs`; an expired key is a new key.
 */
import { createHash } from 'crypto';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import { ownerKey } from '../../contract/owner';
import { dateWriter, toIso } from '../db/database';
import { HttpError } from '../http/errors';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_TABLE = 'idempotency_keys';

/** Visible ASCII, 1-255 characters: room for a UUID or a client's own scheme, nothing that breaks a log line. */
const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/** A request that carries a key: what it is scoped to and what it asked for. */
export interface IdempotentRequest {
  /**
   * Whose and which operation the key belongs to (`<ownerKey> POST /tasks`): the same key from
   * another user or on another operation is another key. The owner is hashed (fixed length) so any
   * `sub` fits the column.
   */
  readonly scope: string;
  readonly key: string;
  /** SHA-256 of the validated request: equal for a true retry, different for another request. */
  readonly fingerprint: string;
}

/** The response a key stands for. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
  readonly location?: string;
}

interface KeyRow {
  fingerprint: string;
  status_code: number;
  response_body: string;
  location: string | null;
  expires_at: Date | string;
}

/** The request's key, or undefined when it has none; a malformed key is a 400. */
export function idempotentRequest(ctx: Context, owner: string, operation: string, validatedInput: unknown): IdempotentRequest | undefined {
  const key = ctx.get(IDEMPOTENCY_HEADER);
  if (key === '') return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new HttpError(400, 'invalid_idempotency_key', `${IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters.`);
  }
  const fingerprint = createHash('sha256').update(JSON.stringify(validatedInput)).digest('hex');
  return { scope: `${ownerKey(owner)} ${operation}`, key, fingerprint };
}

function respond(ctx: Context, response: StoredResponse, replayed: boolean): void {
  ctx.status = response.status;
  if (response.location) ctx.set('Location', response.location);
  if (replayed) ctx.set('Idempotent-Replayed', 'true');
  ctx.body = response.body;
}

/**
 * Answers with `produce`'s response, once per key: a request with a key that was already answered
 * gets the stored response again. `produce` runs inside the transaction that stores the key, so
 * its database changes and the key are stored together. Says whether this request made the change.
 */
export async function answerOnce(
  ctx: Context,
  store: KnexIdempotencyStore,
  request: IdempotentRequest | undefined,
  now: Date,
  produce: (trx?: Knex.Transaction) => Promise<StoredResponse>,
): Promise<'made' | 'replayed'> {
  if (!request) {
    respond(ctx, await produce(), false);
    return 'made';
  }
  const earlier = await store.find(request, now);
  const { response, replayed } = earlier ? { response: earlier, replayed: true } : await store.once(request, now, produce);
  respond(ctx, response, replayed);
  return replayed ? 'replayed' : 'made';
}

/** The response as stored (a JSON round trip) equals the one this request produced. */
function sameResponse(made: StoredResponse, stored: StoredResponse): boolean {
  return made.status === stored.status && (made.location ?? undefined) === stored.location && JSON.stringify(made.body) === JSON.stringify(stored.body);
}

function keyReused(): HttpError {
  return new HttpError(
    422,
    'idempotency_key_reused',
    `This ${IDEMPOTENCY_HEADER} was used for a different request; use a new key for a new request.`,
  );
}

export class KnexIdempotencyStore {
  private readonly time: (date: Date) => Date | string;

  constructor(
    private readonly knex: Knex,
    private readonly ttlMs: number,
  ) {
    this.time = dateWriter(knex);
  }

  /** The stored response of an earlier request with this key, or undefined; 422 when the request differs. */
  async find(request: IdempotentRequest, now: Date): Promise<StoredResponse | undefined> {
    const row: KeyRow | undefined = await this.knex(IDEMPOTENCY_TABLE)
      .first<KeyRow | undefined>('fingerprint', 'status_code', 'response_body', 'location', 'expires_at')
      .where({ scope: request.scope, idempotency_key: request.key });
    if (!row) return undefined;
    if (Date.parse(toIso(row.expires_at)) <= now.getTime()) {
      // Expired: the key is free again. Deleted here, on its own, so the transaction that stores
      // the key anew only inserts (a delete there would take gap locks that deadlock concurrent inserts).
      await this.knex(IDEMPOTENCY_TABLE).where({ scope: request.scope, idempotency_key: request.key }).where('expires_at', '<=', this.time(now)).del();
      return undefined;
    }
    if (row.fingerprint !== request.fingerprint) throw keyReused();
    return { status: Number(row.status_code), body: JSON.parse(row.response_body), location: row.location ?? undefined };
  }

  /** Stores the key with its response inside `trx`; a key another request stored first makes it throw. */
  private async save(trx: Knex.Transaction, request: IdempotentRequest, response: StoredResponse, now: Date): Promise<void> {
    await trx(IDEMPOTENCY_TABLE).insert({
      scope: request.scope,
      idempotency_key: request.key,
      fingerprint: request.fingerprint,
      status_code: response.status,
      response_body: JSON.stringify(response.body),
      location: response.location ?? null,
      created_at: this.time(now),
      expires_at: this.time(new Date(now.getTime() + this.ttlMs)),
    });
  }

  /**
   * Runs `change` and stores its response under the key in one transaction. When a concurrent
   * request with the same key won the race, this change is rolled back and the winner's stored
   * response is answered instead (`replayed`). When the commit went through but its
   * acknowledgement was lost, the stored response is this request's own (its new row's id is in
   * it): not a replay, so the row is counted as made.
   */
  async once(
    request: IdempotentRequest,
    now: Date,
    change: (trx: Knex.Transaction) => Promise<StoredResponse>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    let made: StoredResponse | undefined;
    try {
      const response = await this.knex.transaction(async (trx) => {
        made = await change(trx);
        await this.save(trx, request, made, now);
        return made;
      });
      return { response, replayed: false };
    } catch (error) {
      const stored = await this.find(request, now);
      if (stored) return { response: stored, replayed: made === undefined || !sameResponse(made, stored) };
      throw error;
    }
  }

  /** Deletes expired keys (indexed by expiry); the server runs it at start and then hourly. */
  async purgeExpired(now: Date): Promise<number> {
    return this.knex(IDEMPOTENCY_TABLE).where('expires_at', '<=', this.time(now)).del();
  }
}
