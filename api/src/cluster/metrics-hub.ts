import { ProcessGauges, RequestCounters, renderGauges } from '../observability/metrics';
import type { PrimaryMessage, WorkerMessage } from './messages';

/** Longest a scrape waits for one worker's flush; a busy or dying worker's counts come with the next one. */
const FLUSH_TIMEOUT_MS = 1000;

/**
 * Scrapes within this time of a flush round (or during it) are answered with that round's view: a
 * /metrics flood then costs the primary, which also hands out every connection, one round per
 * interval instead of one per request. Prometheus and the CloudWatch agent scrape every 10 to 60 s,
 * so a second of staleness is invisible to them.
 */
export const SUMMED_VIEW_TTL_MS = 1000;

/** A live worker as the hub sees it: its slot and how to message it. */
export interface HubWorker {
  readonly slot: number;
  send(message: PrimaryMessage): void;
}

interface Round {
  readonly waitingFor: Set<number>;
  readonly done: () => void;
}

/**
 * The primary's side of the metrics: the instance's counters are the sums of what every worker
 * sent (deltas, so a worker that is replaced never takes counts back), and each view is rendered
 * after every live worker flushed, with each worker's gauges labelled `worker="<slot>"`; scrapes
 * share a view for SUMMED_VIEW_TTL_MS.
 */
export class MetricsHub {
  private readonly totals = new RequestCounters();
  private readonly gauges = new Map<number, ProcessGauges>();
  private readonly rounds = new Map<number, Round>();
  private nextRound = 1;
  private restarts = 0;
  private view?: { readonly since: number; readonly text: Promise<string> };

  constructor(
    private readonly liveWorkers: () => readonly HubWorker[],
    private readonly now: () => number = Date.now,
  ) {}

  /** Handles a worker's message; `reply` answers that worker. */
  receive(slot: number, message: WorkerMessage, reply: (message: PrimaryMessage) => void): void {
    if (message.tm === 'counts') {
      this.totals.add(message.counts);
    } else if (message.tm === 'flushed') {
      this.totals.add(message.counts);
      this.gauges.set(slot, message.gauges);
      this.settle(message.id, slot);
    } else if (message.tm === 'scrape') {
      void this.summedView().then((text) => reply({ tm: 'scraped', id: message.id, text }));
    }
  }

  workerRestarted(): void {
    this.restarts += 1;
  }

  /** A worker exited: no round waits for it, and its gauges go (its counts stay). */
  forget(slot: number): void {
    this.gauges.delete(slot);
    for (const id of this.rounds.keys()) this.settle(id, slot);
  }

  /** The view of the current round: a new round only once the last one is SUMMED_VIEW_TTL_MS old. */
  private summedView(): Promise<string> {
    if (!this.view || this.now() - this.view.since >= SUMMED_VIEW_TTL_MS) this.view = { since: this.now(), text: this.scrape() };
    return this.view.text;
  }

  private async scrape(): Promise<string> {
    const id = this.nextRound++;
    const workers = this.liveWorkers();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish(), FLUSH_TIMEOUT_MS);
      const finish = (): void => {
        clearTimeout(timer);
        this.rounds.delete(id);
        resolve();
      };
      this.rounds.set(id, { waitingFor: new Set(workers.map((w) => w.slot)), done: finish });
      for (const worker of workers) worker.send({ tm: 'flush', id });
      if (workers.length === 0) finish();
    });
    return this.render(workers.length);
  }

  private settle(id: number, slot: number): void {
    const round = this.rounds.get(id);
    if (!round) return;
    round.waitingFor.delete(slot);
    if (round.waitingFor.size === 0) round.done();
  }

  private render(liveWorkers: number): string {
    const lines: string[] = [];
    this.totals.render(lines);
    const bySlot = [...this.gauges.entries()].sort(([a], [b]) => a - b);
    renderGauges(lines, bySlot.map(([slot, gauges]) => ({ labels: `worker="${slot}"`, gauges })));
    lines.push('# HELP api_workers HTTP worker processes running.');
    lines.push('# TYPE api_workers gauge');
    lines.push(`api_workers ${liveWorkers}`);
    lines.push('# HELP api_worker_restarts_total Workers replaced after exiting on their own.');
    lines.push('# TYPE api_worker_restarts_total counter');
    lines.push(`api_worker_restarts_total ${this.restarts}`);
    return lines.join('\n') + '\n';
  }
}
