/**
 * What the primary and its HTTP workers say to each other over the cluster's IPC channel. Every
 * message has a `tm` field (Node's own cluster messages never do), so each side ignores the rest.
 */
import type { DrainReport } from '../lifecycle/http-service';
import type { CounterSnapshot, ProcessGauges } from '../observability/metrics';

/** The environment variable that tells a forked worker its slot, `1`..`API_WORKERS`. */
export const WORKER_ID_ENV = 'TASKMANAGER_WORKER_ID';

export type WorkerMessage =
  /** Counts since the last message (sent every second and before exiting). */
  | { readonly tm: 'counts'; readonly counts: CounterSnapshot }
  /** A client asked this worker for /metrics: the primary answers with the instance's. */
  | { readonly tm: 'scrape'; readonly id: number }
  /** The answer to `flush`: counts not sent yet, and this worker's gauges. */
  | { readonly tm: 'flushed'; readonly id: number; readonly counts: CounterSnapshot; readonly gauges: ProcessGauges }
  | { readonly tm: 'drained'; readonly report: DrainReport };

export type PrimaryMessage =
  /** Send what you counted now (a scrape is being answered). */
  | { readonly tm: 'flush'; readonly id: number }
  | { readonly tm: 'scraped'; readonly id: number; readonly text: string }
  /** Drain and exit (the primary got SIGTERM or SIGINT). */
  | { readonly tm: 'shutdown'; readonly signal: string };

export function isMessage<T extends { tm: string }>(value: unknown): value is T {
  return typeof value === 'object' && value !== null && typeof (value as { tm?: unknown }).tm === 'string';
}
