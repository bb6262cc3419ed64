import type { Context, Next } from 'koa';
import { HEALTH_PATH } from '../../contract/http';
import { notFound } from './errors';

/** What the edge may reach under the base path: the public API, never /metrics, /instance or /ready. */
function isPublic(path: string): boolean {
  return path === HEALTH_PATH || path === '/tasks' || path.startsWith('/tasks/');
}

/** A path of this API as the caller reaches it (for Location headers): behind the edge, under the base path. */
export function publicPath(ctx: Context, path: string): string {
  return `${typeof ctx.state.basePath === 'string' ? ctx.state.basePath : ''}${path}`;
}

/**
 * The edge routes `<basePath>/*` to the API: `/api/tasks?limit=5` is routed as `/tasks?limit=5`.
 * Paths without the prefix are untouched, so local clients keep using `/tasks`.
 */
export function stripBasePath(basePath: string) {
  return async function basePathRewrite(ctx: Context, next: Next): Promise<void> {
    if (ctx.path === basePath || ctx.path.startsWith(`${basePath}/`)) {
      const rest = ctx.path.slice(basePath.length);
      if (!isPublic(rest)) throw notFound('No such resource.');
      ctx.path = rest;
      ctx.state.basePath = basePath;
    }
    await next();
  };
}
