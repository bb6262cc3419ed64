import type { RouteModule } from './route-module';
import { METRICS_PATH, INSTANCE_PATH } from '../../contract/http';

/** `/metrics` (Prometheus text) and `/instance` (which EC2 instance answered, via IMDSv2). */
export const opsRoutes: RouteModule = (router, deps) => {
  router.get(METRICS_PATH, async (ctx) => {
    ctx.body = await deps.metrics.render();
    ctx.type = 'text/plain; version=0.0.4; charset=utf-8';
  });

  router.get(INSTANCE_PATH, async (ctx) => {
    ctx.body = await deps.instance.lookup();
  });
};
