import { randomUUID } from 'crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

// A caller's (or the ALB's) request id is kept when it is short and harmless to log.
const ACCEPTED_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Outermost middleware: gives every request an id (echoed as X-Request-Id), then logs one JSON
 * line and records the metrics once the response is known. It sits outside the error handler,
 * so it sees the final status of every request, errors included.
 */
export function observeRequests(logger: Logger, metrics: Metrics) {
  return async function observe(ctx: Context, next: Next): Promise<void> {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('x-request-id');
    const requestId = ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The matched route template keeps metric labels bounded; unknown paths share one label.
      const route: string = ctx._matchedRoute ? String(ctx._matchedRoute) : 'unmatched';
      metrics.observeRequest(ctx.method, route, ctx.status, seconds);
      logger.info('request', {
        requestId,
        method: ctx.method,
        route,
        path: ctx.path,
        status: ctx.status,
        durationMs: Math.round(seconds * 1e6) / 1000,
        ip: ctx.ip,
      });
    }
  };
}
