import { HttpError } from '../http/errors';
import { Metrics, processGauges, RequestCounters } from '../observability/metrics';
import { isMessage, PrimaryMessage, WorkerMessage } from './messages';
import { SUMMED_VIEW_TTL_MS } from './metrics-hub';

/** How often a worker sends its counts on unasked, which bounds what a crash (SIGKILL) loses. */
const SEND_EVERY_MS = 1000;
/** Longest a /metrics request waits for the primary's answer. */
const SCRAPE_TIMEOUT_MS = 3000;

/**
 * A worker's metrics: it counts locally and sends the counts to the primary as deltas, so the
 * instance's counters are the primary's sums. /metrics on any worker asks the primary, which
 * first has every worker flush what it has not sent yet: every request answered before the
 * scrape is in it, whichever worker answers, and no sum ever goes down.
 */
export class ClusterWorkerMetrics implements Metrics {
  private readonly pending = new RequestCounters();
  private readonly startedAt = Date.now();
  private readonly scrapes = new Map<number, (text: string) => void>();
  private nextScrape = 1;
  private readonly timer: NodeJS.Timeout;
  /** The primary's latest summed view: requests for /metrics within SUMMED_VIEW_TTL_MS share it. */
  private view?: { readonly since: number; readonly text: Promise<string> };

  constructor(
    private readonly send: (message: WorkerMessage) => void,
    listen: (receive: (message: unknown) => void) => void = (receive) => process.on('message', receive),
    private readonly now: () => number = Date.now,
  ) {
    listen((message: unknown) => {
      if (isMessage<PrimaryMessage>(message)) this.receive(message);
    });
    this.timer = setInterval(() => this.sendCounts(), SEND_EVERY_MS);
    this.timer.unref();
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.pending.observe(method, route, status, seconds);
  }

  taskCreated(): void {
    this.pending.taskCreated();
  }

  /** The primary's summed view, asked for at most once per SUMMED_VIEW_TTL_MS (a failed ask is not kept). */
  render(): Promise<string> {
    if (this.view && this.now() - this.view.since < SUMMED_VIEW_TTL_MS) return this.view.text;
    const view = { since: this.now(), text: this.scrape() };
    this.view = view;
    view.text.catch(() => {
      if (this.view === view) this.view = undefined;
    });
    return view.text;
  }

  private scrape(): Promise<string> {
    const id = this.nextScrape++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.scrapes.delete(id);
        reject(new HttpError(503, 'metrics_unavailable', 'The metrics of the other workers did not arrive in time; try again.', undefined, { 'Retry-After': '1' }));
      }, SCRAPE_TIMEOUT_MS);
      this.scrapes.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      this.send({ tm: 'scrape', id });
    });
  }

  /** Sends what is left (before the worker exits) and stops the timer. */
  close(): void {
    clearInterval(this.timer);
    this.sendCounts();
  }

  private sendCounts(): void {
    if (!this.pending.isEmpty) this.send({ tm: 'counts', counts: this.pending.take() });
  }

  private receive(message: PrimaryMessage): void {
    if (message.tm === 'flush') {
      this.send({ tm: 'flushed', id: message.id, counts: this.pending.take(), gauges: processGauges(this.startedAt) });
    } else if (message.tm === 'scraped') {
      this.scrapes.get(message.id)?.(message.text);
      this.scrapes.delete(message.id);
    }
  }
}
