import Koa from 'koa';
import Router from '@koa/router';
import { errorHandler } from './http/error-handler';
import { healthRoutes } from './http/health-routes';
import { observeRequests } from './http/observe-requests';
import { opsRoutes } from './http/ops-routes';
import type { KnexIdempotencyStore } from './idempotency/idempotency';
import type { ImageJobs } from './images/image-jobs';
import { imageRoutes } from './images/image-routes';
import type { RouteModule } from './http/route-module';
import type { InstanceLookup } from './instance/imds';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { taskRoutes } from './tasks/task-routes';
import type { TaskRepository } from './tasks/task-repository';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Whether the process is draining (SIGTERM received): readiness then answers 503. */
export interface Lifecycle {
  isShuttingDown(): boolean;
}

export interface DatabaseHealth {
  /** Resolves when the database answers a trivial query in time, rejects otherwise. */
  ping(): Promise<void>;
}

/** Everything the app uses, injected, so tests run the real app against real databases. */
export interface AppDeps {
  readonly tasks: TaskRepository;
  /** Where `Idempotency-Key`s and the responses they stand for are kept. */
  readonly idempotency: KnexIdempotencyStore;
  readonly database: DatabaseHealth;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly instance: InstanceLookup;
  readonly lifecycle: Lifecycle;
  readonly bodyLimitBytes: number;
  /** Image jobs (SQS + S3); absent when not configured, and the image endpoints answer 503. */
  readonly images?: ImageJobs;
  /** Feature route modules added by the server (e.g. an image queue endpoint). */
  readonly extraRoutes?: readonly RouteModule[];
}

/** Builds the Koa app: request id + log + metrics -> error handling -> routes -> 404/405. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Instances only take traffic from the ALB (security group), so its X-Forwarded-For is trusted for the logged ip.
  app.proxy = true;
  // Errors are answered and logged by errorHandler; what still reaches Koa is socket-level noise.
  app.on('error', (error: Error) => deps.logger.warn('connection error', { error: error.message }));

  const router = new Router();
  for (const register of [healthRoutes, opsRoutes, taskRoutes, imageRoutes, ...(deps.extraRoutes ?? [])]) register(router, deps);

  app.use(observeRequests(deps.logger, deps.metrics));
  app.use(errorHandler(deps.logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
