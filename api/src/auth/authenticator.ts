/**
 * Who is calling: the `sub` of a verified bearer token (Amazon Cognito access or ID token), or,
 * with authentication off (local use, never in production), the one local user.
 *
 * Verification uses `jose`: signature against the issuer's JWKS (fetched with a timeout, cached,
 * refetched on an unknown `kid` at most once per cooldown), `iss`, `exp`/`nbf` with a small clock
 * tolerance, RS256 only (so `alg: none` and HS256 tokens are refused), then Cognito's shape:
 * `token_use: access` with `client_id`, or `token_use: id` with `aud`, for our app client.
 */
import { createRemoteJWKSet, errors, jwtVerify, JWTPayload } from 'jose';
import { isOwner, LOCAL_OWNER } from '../../contract/owner';
import type { AuthSettings } from '../config/config';
import { HttpError } from '../http/errors';
import type { Logger } from '../observability/logger';

export interface Authenticator {
  /** False when every request is the local user. */
  readonly enabled: boolean;
  /**
   * The owner (`sub`) of a request with this `Authorization` header value (`''` when absent).
   * Throws HttpError: 401 for a missing or invalid token, 503 when the issuer's keys cannot be fetched.
   */
  ownerOf(authorization: string): Promise<string>;
}

/** Authentication off: every request acts as LOCAL_OWNER, whatever it sends. */
export const localUser: Authenticator = { enabled: false, ownerOf: async () => LOCAL_OWNER };

/** Cognito's tokens are RS256; nothing else is accepted. */
const ALGORITHMS = ['RS256'];
/** Clock difference tolerated on `exp` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** One JWKS fetch may take this long; an unknown `kid` refetches at most once per cooldown; keys are kept this long. */
const JWKS_TIMEOUT_MS = 3_000;
const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 10 * 60_000;

const REALM = 'Bearer realm="taskmanager"';

/** No credentials: RFC 6750 says the challenge carries no error code then. */
export function missingToken(): HttpError {
  return new HttpError(401, 'unauthorized', 'Sign in: this request needs an access token (Authorization: Bearer <token>).', undefined, {
    'WWW-Authenticate': REALM,
  });
}

/** One answer for every failed check, so a caller learns nothing but "get a new token". */
export function invalidToken(): HttpError {
  return new HttpError(401, 'invalid_token', 'The access token is expired or not valid: sign in again.', undefined, {
    'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="The access token is expired or not valid"`,
  });
}

/** Why a token failed, for the log (never for the client). */
export class TokenRejected extends HttpError {
  constructor(readonly reason: string) {
    const base = invalidToken();
    super(base.status, base.code, base.message, undefined, base.headers);
  }
}

function bearerToken(authorization: string): string | undefined {
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim());
  return match?.[1];
}

/** The token was issued to our app client, in one of Cognito's two shapes. */
function rejectionOfShape(payload: JWTPayload, clientId: string): string | undefined {
  if (payload.token_use === 'access') return payload.client_id === clientId ? undefined : 'client_id';
  if (payload.token_use === 'id') {
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    return audiences.includes(clientId) ? undefined : 'aud';
  }
  return 'token_use';
}

/** The issuer's keys could not be had (timeout, unreachable, not a JWKS): our problem, not the caller's. */
function keysUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // An answer other than 200 from the JWKS URL is a generic JOSEError that names the key set.
  return error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set HTTP response/.test(error.message);
}

export function jwtAuthenticator(settings: AuthSettings): Authenticator {
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), {
    timeoutDuration: JWKS_TIMEOUT_MS,
    cooldownDuration: JWKS_COOLDOWN_MS,
    cacheMaxAge: JWKS_MAX_AGE_MS,
  });
  return {
    enabled: true,
    async ownerOf(authorization) {
      if (authorization === '') throw missingToken();
      const token = bearerToken(authorization);
      if (!token) throw new TokenRejected('not a bearer token');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: settings.issuer,
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (error) {
        if (keysUnavailable(error)) {
          throw new HttpError(503, 'auth_unavailable', 'Sign-in cannot be checked right now; try again shortly.', undefined, { 'Retry-After': '5' });
        }
        throw new TokenRejected((error as errors.JOSEError).code);
      }
      const wrongShape = rejectionOfShape(payload, settings.clientId);
      if (wrongShape) throw new TokenRejected(`wrong ${wrongShape}`);
      if (!isOwner(payload.sub)) throw new TokenRejected('unusable sub');
      return payload.sub;
    },
  };
}

/** The server's authenticator for its settings; with none (local use) it says loudly that anyone may call. */
export function authenticatorFor(settings: AuthSettings | undefined, logger: Logger): Authenticator {
  if (settings) {
    logger.info('authentication on: bearer tokens required', { issuer: settings.issuer, clientId: settings.clientId, jwksUrl: settings.jwksUrl });
    return jwtAuthenticator(settings);
  }
  logger.warn('AUTHENTICATION IS OFF: every request acts as the one local user. Set AUTH_ISSUER and AUTH_CLIENT_ID to require sign-in (NODE_ENV=production refuses to start without them).', {
    owner: LOCAL_OWNER,
  });
  return localUser;
}
