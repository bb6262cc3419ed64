import type { IncomingHttpHeaders } from 'http';
import { isIPv4 } from 'net';
import type { Context, Next } from 'koa';
import type { RouteModule } from './route-module';
import { METRICS_PATH, INSTANCE_PATH } from '../../contract/http';
import { notFound } from './errors';

/** `address` is this machine (127.0.0.0/8, ::1, or either written as IPv4-mapped IPv6). */
function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4 === '::1' || (isIPv4(v4) && v4.startsWith('127.'));
}

/**
 * Who may read the operators' endpoints: a connection from this machine that no proxy relayed,
 * i.e. where they are read (an operator's Session Manager shell or port forward, a scraper on the
 * instance). The load balancer connects from its own addresses and adds X-Forwarded-For, so
 * nothing that comes through it, or from anywhere else in the VPC, gets past.
 */
export function isLocalUnproxied(remoteAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  return isLoopback(remoteAddress) && headers['x-forwarded-for'] === undefined && headers.forwarded === undefined;
}

/** Answers 404, as for a path that does not exist, to every caller but a local one. */
async function localOnly(ctx: Context, next: Next): Promise<void> {
  if (!isLocalUnproxied(ctx.req.socket.remoteAddress, ctx.req.headers)) throw notFound('No such resource.');
  await next();
}

/** `/metrics` (Prometheus text) and `/instance` (which EC2 instance answered, via IMDSv2), for local callers only. */
export const opsRoutes: RouteModule = (router, deps) => {
  router.get(METRICS_PATH, localOnly, async (ctx) => {
    ctx.body = await deps.metrics.render();
    ctx.type = 'text/plain; version=0.0.4; charset=utf-8';
  });

  router.get(INSTANCE_PATH, localOnly, async (ctx) => {
    ctx.body = await deps.instance.lookup();
  });
};
