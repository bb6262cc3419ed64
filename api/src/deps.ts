/**
 * What the app is made of, injected by the server (and by tests, with real databases): the one
 * place every feature module reads its dependencies' types from, so no feature imports app.ts.
 */
import type { Authenticator } from './auth/authenticator';
import type { KnexIdempotencyStore } from './idempotency/idempotency';
import type { ImageJobs } from './images/image-jobs';
import type { InstanceLookup } from './instance/imds';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
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
  /** The migrations this build needs that the database has not had (empty when the schema is current). */
  pendingMigrations(): Promise<string[]>;
}

/** Everything the app uses, injected, so tests run the real app against real databases. */
export interface AppDeps {
  /** Who is calling: verified bearer tokens, or the one local user when authentication is off. */
  readonly auth: Authenticator;
  /** The edge's prefix for the API (`/api`), stripped before routing. */
  readonly apiBasePath: string;
  /** A built site folder to serve at `/` (local use); absent on AWS, where the edge serves the site. */
  readonly siteDir?: string;
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
}
