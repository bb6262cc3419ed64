/**
 * An HTTP worker of a multi-worker API: the same service as a single process, without the
 * migrations (the primary ran them) and with its counts sent to the primary. It drains on
 * SIGTERM/SIGINT (systemd signals every process of the service) or when the primary says so.
 */
import type { ApiConfig } from '../config/config';
import { createKnex } from '../db/database';
import { startHttpService } from '../lifecycle/http-service';
import type { JsonLogger } from '../observability/logger';
import { isMessage, PrimaryMessage, WorkerMessage } from './messages';
import { ClusterWorkerMetrics } from './worker-metrics';

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.connected || !process.send) {
    then?.();
    return;
  }
  process.send(message, undefined, undefined, () => then?.());
}

export async function runWorker(config: ApiConfig, logger: JsonLogger, slot: number): Promise<void> {
  const metrics = new ClusterWorkerMetrics((message) => send(message));
  const service = await startHttpService(config, logger, createKnex(config.database, logger), {
    metrics,
    purgesExpiredKeys: slot === 1,
  });
  logger.info('worker listening', { port: service.port, pid: process.pid });

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const report = await service.stop(signal);
    metrics.close();
    logger.flushSync();
    send({ tm: 'drained', report }, () => process.exit(0));
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('message', (message: unknown) => {
    if (isMessage<PrimaryMessage>(message) && message.tm === 'shutdown') void stop(message.signal);
  });
}
