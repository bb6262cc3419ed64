import type { RouteModule } from './route-module';
import { HEALTH_PATH, READY_PATH } from '../../contract/http';

/**
 * Liveness (`/health`: the process answers; no database, so a database outage never makes the
 * load balancer replace healthy instances) and readiness (`/ready`: the database answers, its
 * schema has every migration this build needs, and the process is not shutting down).
 * `/ready` says why it is not ready with a stable `reason` code; what the database said goes to
 * the log, never into the answer (it names hosts, accounts and SQL).
 */
export const healthRoutes: RouteModule = (router, deps) => {
  router.get(HEALTH_PATH, (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get(READY_PATH, async (ctx) => {
    if (deps.lifecycle.isShuttingDown()) {
      ctx.status = 503;
      ctx.body = { status: 'shutting_down', checks: { database: 'not_checked' }, reason: 'shutting_down' };
      return;
    }
    let pending: string[];
    try {
      await deps.database.ping();
      pending = await deps.database.pendingMigrations();
    } catch (error) {
      deps.logger.warn('not ready: database unreachable', { error: (error as Error).message });
      ctx.status = 503;
      ctx.body = { status: 'not_ready', checks: { database: 'down' }, reason: 'database_unreachable' };
      return;
    }
    if (pending.length > 0) {
      ctx.status = 503;
      ctx.body = { status: 'not_ready', checks: { database: 'up', schema: 'behind' }, reason: 'schema_behind', pendingMigrations: pending };
      return;
    }
    ctx.body = { status: 'ready', checks: { database: 'up', schema: 'current' } };
  });
};
