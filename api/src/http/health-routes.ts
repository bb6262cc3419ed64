import type { RouteModule } from './route-module';
import { HEALTH_PATH, READY_PATH } from '../../contract/http';

/**
 * Liveness (`/health`: the process answers; no database, so a database outage never makes the
 * load balancer replace healthy instances) and readiness (`/ready`: the database answers and the
 * process is not shutting down).
 */
export const healthRoutes: RouteModule = (router, deps) => {
  router.get(HEALTH_PATH, (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get(READY_PATH, async (ctx) => {
    if (deps.lifecycle.isShuttingDown()) {
      ctx.status = 503;
      ctx.body = { status: 'shutting_down', checks: { database: 'not_checked' } };
      return;
    }
    try {
      await deps.database.ping();
      ctx.body = { status: 'ready', checks: { database: 'up' } };
    } catch (error) {
      ctx.status = 503;
      ctx.body = { status: 'not_ready', checks: { database: 'down' }, reason: (error as Error).message };
    }
  });
};
