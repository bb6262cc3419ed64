import Koa from 'koa';
import Router from '@koa/router';
import { errorHandler } from './http/error-handler';
import { healthRoutes } from './http/health-routes';
import { observeRequests } from './http/observe-requests';
import { opsRoutes } from './http/ops-routes';
import type { AppDeps } from './deps';
import { imageRoutes } from './images/image-routes';
import { taskRoutes } from './tasks/task-routes';

/** Builds the Koa app: request id + log + metrics -> error handling -> routes -> 404/405. */
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
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
