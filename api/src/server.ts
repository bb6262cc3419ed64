/**
 * The process: load and validate the configuration, connect (with retries), migrate, listen,
 * and shut down gracefully on SIGTERM/SIGINT. Everything else lives in app.ts and its modules.
 * This file is the entry of the deployable bundle (`node index.js` under systemd).
 */
import * as http from 'http';
import { createApp } from './app';
import { authenticatorFor } from './auth/authenticator';
import { systemClock } from './deps';
import { ApiConfig, ConfigError, describeDatabase, loadConfig } from './config/config';
import { createKnex, migrateToLatest, pingDatabase, waitForDatabase } from './db/database';
import { KnexIdempotencyStore } from './idempotency/idempotency';
import type { AwsImageJobs } from './images/aws-image-jobs';
import { ImdsInstanceLookup } from './instance/imds';
import { HttpDrainer } from './lifecycle/http-drainer';
import { createLogger, JsonLogger } from './observability/logger';
import { PrometheusMetrics } from './observability/metrics';
import { KnexTaskRepository } from './tasks/task-repository';

async function start(config: ApiConfig, logger: JsonLogger): Promise<void> {
  const database = describeDatabase(config.database);
  logger.info('starting', { database, port: config.port, host: config.host });
  const knex = createKnex(config.database, logger);
  await waitForDatabase(knex, logger, config.connectRetryMs, database);
  await migrateToLatest(knex, logger);
  const images = await createImageJobs(config, logger);
  const idempotency = new KnexIdempotencyStore(knex, config.idempotencyTtlMs);
  const purgeExpiredKeys = (): void => {
    idempotency.purgeExpired(new Date()).catch((error: Error) => logger.warn('purging expired idempotency keys failed', { error: error.message }));
  };
  purgeExpiredKeys();
  setInterval(purgeExpiredKeys, 3_600_000).unref();

  let shuttingDown = false;
  const app = createApp({
    auth: authenticatorFor(config.auth, logger),
    apiBasePath: config.apiBasePath,
    siteDir: config.siteDir,
    tasks: new KnexTaskRepository(knex),
    idempotency,
    database: { ping: () => pingDatabase(knex) },
    logger,
    metrics: new PrometheusMetrics(),
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
  logger.info('listening', { port, host: config.host, url: `http://127.0.0.1:${port}` });

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('shutting down: no new connections, finishing requests in flight', { signal, inFlight: drainer.requestsInFlight });
    const clean = await drainer.drain({ timeoutMs: config.shutdownTimeoutMs });
    if (!clean) logger.warn('shutdown timeout: closed connections with requests still running');
    images?.destroy();
    await knex.destroy().catch((error: Error) => logger.warn('closing the database pool failed', { error: error.message }));
    logger.info('stopped', { signal, clean, acceptedWhileDraining: drainer.acceptedWhileDraining, connectionsClosedAtEnd: drainer.closedAtEnd });
    logger.flushSync();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
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
  const { createAwsImageJobs } = await import('./images/aws-image-jobs');
  const { queueUrl, bucket, region, urlTtlSeconds } = config.images;
  logger.info('image generation on', { queueUrl, bucket, region, urlTtlSeconds });
  return createAwsImageJobs(config.images);
}

function main(): void {
  let config: ApiConfig;
  let logger: JsonLogger;
  try {
    config = loadConfig();
    logger = createLogger({ level: config.logLevel, file: config.logFile, base: { service: 'taskmanager-api' } });
  } catch (error) {
    // Configuration problems are stated plainly and stop the process (systemd shows the line).
    const message = error instanceof ConfigError ? error.message : `LOG_FILE cannot be opened: ${(error as Error).message}`;
    process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'invalid configuration', error: message })}\n`);
    process.exit(1);
  }
  process.on('unhandledRejection', (reason) => logger.error('unhandled promise rejection', { error: reason }));
  // Whatever way the process ends, buffered log lines are written first.
  process.on('exit', () => logger.flushSync());
  start(config, logger).catch((error: Error) => {
    logger.error('start-up failed', { error: error.message });
    logger.flushSync();
    process.exit(1);
  });
}

main();
