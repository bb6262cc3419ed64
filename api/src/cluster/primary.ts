/**
 * The primary process of a multi-worker API (`API_WORKERS` > 1): it migrates the database once,
 * then forks the HTTP workers (node:cluster hands each accepted connection to the next worker in
 * turn), replaces a worker that exits on its own with back-off, answers the workers' metrics
 * scrapes with the instance's sums, and on SIGTERM/SIGINT drains them all within a bound.
 */
import cluster, { Worker } from 'cluster';
import { ApiConfig, describeDatabase } from '../config/config';
import { prepareDatabaseAtStart } from '../db/database';
import type { JsonLogger } from '../observability/logger';
import { EXIT_GRACE_MS } from '../lifecycle/exit-deadline';
import type { DrainReport } from '../lifecycle/http-service';
import { isMessage, PrimaryMessage, WORKER_ID_ENV, WorkerMessage } from './messages';
import { Handoffs } from './handoffs';
import { HubWorker, MetricsHub } from './metrics-hub';
import { RestartBackoff } from './restart-backoff';

interface Slot {
  readonly id: number;
  worker?: Worker;
  /** The connections handed to the worker and not yet taken. */
  handoffs?: Handoffs;
  startedAt: number;
  listening: boolean;
  restartTimer?: NodeJS.Timeout;
  report?: DrainReport;
}

export async function runPrimary(config: ApiConfig, logger: JsonLogger): Promise<void> {
  const database = describeDatabase(config.database);
  logger.info('starting', { database, port: config.port, host: config.host, workers: config.workers });
  // Migrations (or, on AWS, the schema check) run here, once, before any worker accepts a request.
  await prepareDatabaseAtStart(config.database, config.migrateAtStart, logger, config.connectRetryMs, database);
  new Supervisor(config, logger).start();
}

class Supervisor {
  private readonly slots: Slot[];
  private readonly backoff = new RestartBackoff();
  private readonly hub: MetricsHub;
  private stopping?: string;
  /** The slots that had a worker when the signal came: the ones whose drain the `stopped` line reports. */
  private draining: Slot[] = [];
  private announced = false;

  constructor(
    private readonly config: ApiConfig,
    private readonly logger: JsonLogger,
  ) {
    this.slots = Array.from({ length: config.workers }, (_, i) => ({ id: i + 1, startedAt: 0, listening: false }));
    this.hub = new MetricsHub(() => this.live());
  }

  start(): void {
    for (const slot of this.slots) this.fork(slot);
    process.once('SIGTERM', () => this.stop('SIGTERM'));
    process.once('SIGINT', () => this.stop('SIGINT'));
  }

  private live(): HubWorker[] {
    return this.slots.flatMap((slot) => (slot.worker?.isConnected() ? [{ slot: slot.id, send: (m) => this.sendTo(slot, m) }] : []));
  }

  private sendTo(slot: Slot, message: PrimaryMessage): void {
    if (slot.worker?.isConnected()) slot.worker.send(message);
  }

  private fork(slot: Slot): void {
    const worker = cluster.fork({ [WORKER_ID_ENV]: String(slot.id) });
    slot.worker = worker;
    slot.handoffs = new Handoffs(worker);
    slot.startedAt = Date.now();
    slot.listening = false;
    this.logger.info('worker started', { worker: slot.id, pid: worker.process.pid });
    worker.on('message', (message: unknown) => {
      if (!isMessage<WorkerMessage>(message)) return;
      if (message.tm === 'drained') slot.report = message.report;
      else this.hub.receive(slot.id, message, (reply) => this.sendTo(slot, reply));
    });
    // A message to a worker that is just exiting fails: its exit is handled below.
    worker.on('error', (error: Error) => this.logger.warn('worker channel error', { worker: slot.id, error: error.message }));
    worker.on('listening', (address: { port: number }) => {
      slot.listening = true;
      // Forked just before a signal that reached only the primary: it is told now.
      if (this.stopping) this.sendTo(slot, { tm: 'shutdown', signal: this.stopping });
      else this.announceWhenAllListen(address.port);
    });
    worker.on('exit', (code: number | null, signal: string | null) => this.exited(slot, worker, code, signal));
  }

  /** The connections an exited worker had been handed and not taken go to a live worker, or are closed. */
  private redeliverUntaken(slot: Slot): void {
    const untaken = slot.handoffs?.untaken() ?? [];
    if (untaken.length === 0) return;
    const to = this.slots.find((s) => s !== slot && s.listening && s.worker?.isConnected());
    for (const handoff of untaken) {
      if (to) to.handoffs?.redeliver(handoff);
      else handoff.handle.close();
    }
    this.logger.warn('connections the exited worker had not taken', { worker: slot.id, connections: untaken.length, handedTo: to?.id ?? null });
  }

  private announceWhenAllListen(port: number): void {
    if (this.announced || !this.slots.every((s) => s.listening)) return;
    this.announced = true;
    this.logger.info('listening', { port, host: this.config.host, url: `http://127.0.0.1:${port}`, workers: this.slots.length });
  }

  private exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    this.redeliverUntaken(slot);
    this.hub.forget(slot.id);
    if (this.stopping) {
      this.finishWhenAllExited();
      return;
    }
    const ranMs = Date.now() - slot.startedAt;
    const { delayMs, failures } = this.backoff.next(slot.id, ranMs);
    this.logger.error('worker exited, replacing it', { worker: slot.id, pid: worker.process.pid, code, signal, ranMs, restartInMs: delayMs, failures });
    this.hub.workerRestarted();
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      this.fork(slot);
    }, delayMs);
  }

  private stop(signal: string): void {
    if (this.stopping) return;
    this.stopping = signal;
    this.draining = this.slots.filter((s) => s.worker);
    this.logger.info('shutting down: draining every worker', { signal, workers: this.draining.length });
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    // systemd signals every process of the service at once; a signal to the primary alone reaches the workers this way.
    for (const slot of this.draining) this.sendTo(slot, { tm: 'shutdown', signal });
    setTimeout(() => {
      for (const slot of this.slots.filter((s) => s.worker)) {
        this.logger.warn('worker did not stop in time, killing it', { worker: slot.id, pid: slot.worker?.process.pid });
        slot.worker?.process.kill('SIGKILL');
      }
    }, this.config.shutdownTimeoutMs + EXIT_GRACE_MS).unref();
    this.finishWhenAllExited();
  }

  private finishWhenAllExited(): void {
    if (this.slots.some((s) => s.worker)) return;
    // A worker without a report was killed at the bound (or died while draining).
    const workers = this.draining.map((s) => ({ worker: s.id, ...(s.report ?? { clean: false }) }));
    this.logger.info('stopped', { signal: this.stopping, clean: workers.every((w) => w.clean), workers });
    this.logger.flushSync();
    process.exit(0);
  }
}
