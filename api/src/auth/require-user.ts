import type { Context, Next } from 'koa';
import { HEALTH_PATH, INSTANCE_PATH, METRICS_PATH, READY_PATH } from '../../contract/http';
import type { Logger } from '../observability/logger';
import { Authenticator, TokenRejected } from './authenticator';

/** Open to everyone: the load balancer's checks and the operators' endpoints (the edge never routes these). */
const OPEN_PATHS = new Set([HEALTH_PATH, READY_PATH, METRICS_PATH, INSTANCE_PATH]);

/**
 * Every other request needs a user: the owner goes to `ctx.state.owner`, so a route added later is
 * protected without anyone remembering to. Rejections are logged with their reason.
 */
export function requireUser(auth: Authenticator, logger: Logger) {
  return async function authenticate(ctx: Context, next: Next): Promise<void> {
    if (OPEN_PATHS.has(ctx.path)) return next();
    try {
      ctx.state.owner = await auth.ownerOf(ctx.get('authorization'));
    } catch (error) {
      if (error instanceof TokenRejected) logger.info('token rejected', { requestId: ctx.state.requestId, reason: error.reason });
      throw error;
    }
    await next();
  };
}

/** The caller's owner id, set by requireUser. */
export function ownerOf(ctx: Context): string {
  const owner: unknown = ctx.state.owner;
  if (typeof owner !== 'string') throw new Error('requireUser did not run before this route');
  return owner;
}
