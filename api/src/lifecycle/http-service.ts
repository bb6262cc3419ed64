/**
 * One process's HTTP service: the app on its dependencies, listening, and its graceful stop. The
 * single-process server and each cluster worker run exactly this; what differs (migrations, the
 * metrics registry, signals) is decided by their caller.
 */
import * as http from 'http';
import type { Knex } from 'knex';
import { createApp } from '../app';
import { authenticatorFor } from '../auth/authenticator';
import type { ApiConfig } from '../config/config';
import { pingDatabase } from '../db/database';
import { schemaStatus } from '../db/schema-status';
import { systemClock } from '../deps';
import { KnexIdempotencyStore } from '../idempotency/idempotency';
import type { AwsImageJobs } from '../images/aws-image-jobs';
import { ImdsInstanceLookup } from '../instance/imds';
import type { JsonLogger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { KnexTaskRepository } from '../tasks/task-repository';
import { HttpDrainer } from './http-drainer';

export interface HttpServiceOptions {
  /** Where request counts go: this process's registry, or the cluster primary's. */
  readonly metrics: Metrics;
  /** Whether this process purges expired idempotency keys, at start and hourly (one process per instance is enough). */
  readonly purgesExpiredKeys: boolean;
}

/** How a drain went: logged in `stopped`, and sent to the cluster primary by a worker. */
export interface DrainReport {
  /** Every request was answered within SHUTDOWN_TIMEOUT_MS. */
  readonly clean: boolean;
  readonly acceptedWhileDraining: number;
  readonly connectionsClosedAtEnd: number;
}

export interface HttpService {
  /** The port listened on (the one the OS picked for PORT=0). */
  readonly port: number;
  /**
   * Not ready any more (`/ready` 503), stop accepting, answer every request received, close the
   * pool; within SHUTDOWN_TIMEOUT_MS. Logs `stopped`; the caller flushes the log and exits.
   */
  stop(signal: string): Promise<DrainReport>;
}

export async function startHttpService(config: ApiConfig, logger: JsonLogger, knex: Knex, options: HttpServiceOptions): Promise<HttpService> {
  const images = await createImageJobs(config, logger);
  const idempotency = new KnexIdempotencyStore(knex, config.idempotencyTtlMs);
  if (options.purgesExpiredKeys) {
    const purgeExpiredKeys = (): void => {
      idempotency.purgeExpired(new Date()).catch((error: Error) => logger.warn('purging expired idempotency keys failed', { error: error.message }));
    };
    purgeExpiredKeys();
    setInterval(purgeExpiredKeys, 3_600_000).unref();
  }

  let shuttingDown = false;
  const app = createApp({
    auth: authenticatorFor(config.auth, logger),
    apiBasePath: config.apiBasePath,
    siteDir: config.siteDir,
    tasks: new KnexTaskRepository(knex),
    idempotency,
    database: { ping: () => pingDatabase(knex), pendingMigrations: schemaStatus(knex) },
    logger,
    metrics: options.metrics,
    clock: systemClock,
    instance: new ImdsInstanceLookup({ endpoint: config.imdsEndpoint, timeoutMs: config.imdsTimeoutMs }),
    lifecycle: { isShuttingDown: () => shuttingDown },
    bodyLimitBytes: config.bodyLimitBytes,
    images,
  });

  const server = http.createServer(app.callback());
  // The ALB keeps idle connections for 60 s: the server must not close one first, or the ALB
  // may send a request on a socket that is being closed (a 502). headersTimeout must exceed it.
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.keepAliveTimeoutMs + 1000;
  server.requestTimeout = 30_000;

  const drainer = new HttpDrainer(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    port,
    async stop(signal) {
      shuttingDown = true;
      logger.info('shutting down: no new connections, finishing requests in flight', { signal, inFlight: drainer.requestsInFlight });
      const clean = await drainer.drain({ timeoutMs: config.shutdownTimeoutMs });
      if (!clean) logger.warn('shutdown timeout: closed connections with requests still running');
      images?.destroy();
      await knex.destroy().catch((error: Error) => logger.warn('closing the database pool failed', { error: error.message }));
      const report = { clean, acceptedWhileDraining: drainer.acceptedWhileDraining, connectionsClosedAtEnd: drainer.closedAtEnd };
      logger.info('stopped', { signal, ...report });
      return report;
    },
  };
}

/**
 * The SQS and S3 clients, created once, only when image generation is configured: the AWS SDK
 * module is loaded on demand, so local SQLite mode never loads it.
 */
async function createImageJobs(config: ApiConfig, logger: JsonLogger): Promise<AwsImageJobs | undefined> {
  if (!config.images) {
    logger.info('image generation off: QUEUE_URL and IMAGES_BUCKET are not set');
    return undefined;
  }
  const { createAwsImageJobs } = await import('../images/aws-image-jobs');
  const { queueUrl, bucket, region, urlTtlSeconds } = config.images;
  logger.info('image generation on', { queueUrl, bucket, region, urlTtlSeconds });
  return createAwsImageJobs(config.images);
}
