/**
 * Who a task belongs to: the `sub` claim of the caller's token. The API stores it in the tasks'
 * `owner` column and puts it in image messages; the worker derives the image key from it.
 */
import { createHash } from 'crypto';

/**
 * The one user every request acts as while authentication is off (local use), and the owner the
 * owner migration gives tasks that existed before it: a local database keeps its tasks, and
 * tasks stored on AWS before sign-in existed belong to no signed-in user (reassign them with
 * `UPDATE tasks SET owner = '<sub>' WHERE owner = 'local'`). Cognito subs are UUIDs, never this.
 */
export const LOCAL_OWNER = 'local';

/** Longest `sub` accepted (OpenID Connect caps it at 255 ASCII characters); the column is this wide. */
export const OWNER_MAX_LENGTH = 255;

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * A `sub` the API can store: 1-255 characters, no control characters, no whitespace at either end
 * (`"user-a "` would be another user on one database and the same on another, so it is no one).
 */
export function isOwner(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length >= 1 && value.length <= OWNER_MAX_LENGTH && !CONTROL_CHARACTER.test(value) && value.trim() === value
  );
}

/**
 * A fixed-length, path-safe stand-in for an owner (SHA-256, base64url, 43 characters): a `sub` may
 * hold any character, so keys and idempotency scopes use this instead of the raw value.
 */
export function ownerKey(owner: string): string {
  return createHash('sha256').update(owner, 'utf8').digest('base64url');
}
