/**
 * The process: load and validate the configuration, then serve. With `API_WORKERS=1` this process
 * connects (with retries), migrates (or checks the schema, see DB_MIGRATE_AT_START), listens and shuts down gracefully on SIGTERM/SIGINT; with
 * more, it is the cluster primary (cluster/primary.ts) and the workers it forks run this file too
 * (cluster/worker.ts). Everything else lives in app.ts and its modules.
 * This file is the entry of the deployable bundle (`node index.js` under systemd).
 */
import cluster from 'cluster';
import { WORKER_ID_ENV } from './cluster/messages';
import { runPrimary } from './cluster/primary';
import { runWorker } from './cluster/worker';
import { ApiConfig, ConfigError, describeDatabase, loadConfig } from './config/config';
import { createKnex, prepareDatabaseAtStart } from './db/database';
import { exitAtDeadline } from './lifecycle/exit-deadline';
import { startHttpService } from './lifecycle/http-service';
import { createLogger, JsonLogger } from './observability/logger';
import { PrometheusMetrics } from './observability/metrics';

async function runSingleProcess(config: ApiConfig, logger: JsonLogger): Promise<void> {
  const database = describeDatabase(config.database);
  logger.info('starting', { database, port: config.port, host: config.host });
  await prepareDatabaseAtStart(config.database, config.migrateAtStart, logger, config.connectRetryMs, database);
  const service = await startHttpService(config, logger, createKnex(config.database, logger), { metrics: new PrometheusMetrics(), purgesExpiredKeys: true });
  logger.info('listening', { port: service.port, host: config.host, url: `http://127.0.0.1:${service.port}` });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    exitAtDeadline(config.shutdownTimeoutMs, logger);
    await service.stop(signal);
    logger.flushSync();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

function main(): void {
  const workerSlot = cluster.isWorker ? Number(process.env[WORKER_ID_ENV]) : undefined;
  let config: ApiConfig;
  let logger: JsonLogger;
  try {
    config = loadConfig();
    logger = createLogger({
      level: config.logLevel,
      file: config.logFile,
      // Every line of a worker says which one wrote it.
      base: { service: 'taskmanager-api', ...(workerSlot !== undefined ? { worker: workerSlot } : {}) },
      sharedOutput: config.workers > 1,
    });
  } catch (error) {
    // Configuration problems are stated plainly and stop the process (systemd shows the line).
    const message = error instanceof ConfigError ? error.message : `LOG_FILE cannot be opened: ${(error as Error).message}`;
    process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'invalid configuration', error: message })}\n`);
    process.exit(1);
  }
  process.on('unhandledRejection', (reason) => logger.error('unhandled promise rejection', { error: reason }));
  // Whatever way the process ends, buffered log lines are written first.
  process.on('exit', () => logger.flushSync());
  const run =
    workerSlot !== undefined
      ? runWorker(config, logger, workerSlot)
      : config.workers > 1
        ? runPrimary(config, logger)
        : runSingleProcess(config, logger);
  run.catch((error: Error) => {
    logger.error('start-up failed', { error: error.message });
    logger.flushSync();
    process.exit(1);
  });
}

main();
