import Koa from 'koa';
import Router from '@koa/router';
import { requireUser } from './auth/require-user';
import { stripBasePath } from './http/base-path';
import { errorHandler } from './http/error-handler';
import { healthRoutes } from './http/health-routes';
import { observeRequests } from './http/observe-requests';
import { opsRoutes } from './http/ops-routes';
import { staticSite } from './http/static-site';
import type { AppDeps } from './deps';
import { imageRoutes } from './images/image-routes';
import { taskRoutes } from './tasks/task-routes';

/**
 * Builds the Koa app: request id + log + metrics -> error handling -> base path -> the site (when
 * served) -> the caller's identity -> routes -> 404/405.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Instances only take traffic from the ALB (security group), so its X-Forwarded-For is trusted for the logged ip.
  app.proxy = true;
  // Errors are answered and logged by errorHandler; what still reaches Koa is socket-level noise.
  app.on('error', (error: Error) => deps.logger.warn('connection error', { error: error.message }));

  const router = new Router();
  for (const register of [healthRoutes, opsRoutes, taskRoutes, imageRoutes]) register(router, deps);

  app.use(observeRequests(deps.logger, deps.metrics));
  app.use(errorHandler(deps.logger));
  app.use(stripBasePath(deps.apiBasePath));
  if (deps.siteDir) app.use(staticSite(deps.siteDir));
  app.use(requireUser(deps.auth, deps.logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
