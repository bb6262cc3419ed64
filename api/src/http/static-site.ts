import * as fs from 'fs';
import * as path from 'path';
import type { Context, Next } from 'koa';
import { siteObjectHeaders } from '../../contract/web';

/**
 * Serves a built site folder (`SITE_DIR`, local use) at `/` with the headers S3 serves it with
 * behind the edge. Only GET and HEAD of files inside the folder; anything else goes on to the API.
 */
export function staticSite(dir: string) {
  const root = path.resolve(dir);
  return async function serveSite(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const key = ctx.path === '/' ? 'index.html' : ctx.path.slice(1);
    const file = path.resolve(root, key);
    const headers = siteObjectHeaders(key);
    if (!headers || !file.startsWith(`${root}${path.sep}`)) return next();
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat?.isFile()) return next();
    ctx.set('Content-Type', headers.contentType);
    ctx.set('Cache-Control', headers.cacheControl);
    ctx.set('X-Content-Type-Options', 'nosniff');
    // HEAD gets the headers only (Koa never reads a body for it, so no file is opened).
    if (ctx.method === 'HEAD') ctx.status = 200;
    else ctx.body = fs.createReadStream(file);
    ctx.length = stat.size;
  };
}
