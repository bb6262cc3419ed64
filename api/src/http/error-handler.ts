import type { Context, Next } from 'koa';
import { HttpError, isDatabaseUnavailable } from './errors';
import type { Logger } from '../observability/logger';

const STATUS_WITHOUT_BODY: Record<number, HttpError> = {
  404: new HttpError(404, 'not_found', 'No such resource.'),
  405: new HttpError(405, 'method_not_allowed', 'This method is not allowed on this resource: see the Allow header.'),
  501: new HttpError(501, 'not_implemented', 'This HTTP method is not supported.'),
};

/**
 * The single place where failures become HTTP answers. Routes throw; this turns an HttpError into
 * its JSON body and status, a database outage into a 503 the client can retry, and anything else
 * into a 500 that is logged with its stack (the client never sees internals).
 */
export function errorHandler(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      // The router answers unknown paths (404) and wrong methods (405 + Allow) without a body.
      if (ctx.body === undefined || ctx.body === null) {
        const canned = STATUS_WITHOUT_BODY[ctx.status];
        if (canned) respond(ctx, canned);
      }
    } catch (error) {
      respond(ctx, toHttpError(error, ctx, logger));
    }
  };
}

function toHttpError(error: unknown, ctx: Context, logger: Logger): HttpError {
  if (error instanceof HttpError) return error;
  if (isDatabaseUnavailable(error)) {
    logger.warn('database unavailable', { requestId: ctx.state.requestId, error });
    return new HttpError(503, 'database_unavailable', 'The database is not reachable right now; try again shortly.', undefined, {
      'Retry-After': '5',
    });
  }
  // Errors from Koa itself or its helpers carry a client status (e.g. ctx.throw(400)).
  const status = (error as { status?: unknown; expose?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'bad_request', (error as Error).message || 'Bad request.');
  }
  logger.error('unhandled error', { requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, error });
  return new HttpError(500, 'internal', 'Something went wrong on our side; it has been logged.');
}

function respond(ctx: Context, error: HttpError): void {
  ctx.status = error.status;
  for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
  ctx.body = error.toBody();
}
