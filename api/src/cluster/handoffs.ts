/**
 * Node's round-robin scheduling (the default on Linux) has the primary accept each connection and
 * hand it to one worker, then wait for the worker to say it took it. A worker that dies first never
 * does, and Node keeps that connection open, unanswered, until the client gives up (30 s and more
 * were seen). The primary watches the hand-offs it sends each worker and the answers; when a worker
 * exits, the connections it had not taken are handed to a live worker, or closed when there is none
 * (the client, or the ALB, which answers 502, then learns at once and can retry).
 *
 * This reads and writes Node's internal cluster messages (`{cmd: 'NODE_CLUSTER', act: 'newconn',
 * key, seq}` out, `{cmd: 'NODE_CLUSTER', ack: seq, accepted}` back, as in Node 20's
 * lib/internal/cluster; check again when moving Node versions: worker-handoff.test.ts fails if they change).
 * Should they change shape, nothing matches and Node's own behaviour is left as it is. A hand-off
 * of ours carries a `seq` that is a string, which Node's own bookkeeping never has, so its answer
 * reaches only us.
 */
import type { Worker } from 'cluster';

interface ClosableHandle {
  close(callback?: () => void): void;
}

interface ClusterMessage {
  readonly cmd?: unknown;
  readonly act?: unknown;
  readonly key?: unknown;
  readonly seq?: unknown;
  readonly ack?: unknown;
  readonly accepted?: unknown;
}

/** A connection handed to a worker that has not said yet whether it took it. */
export interface Handoff {
  readonly key: string;
  readonly handle: ClosableHandle;
}

function clusterMessage(value: unknown): ClusterMessage | undefined {
  return typeof value === 'object' && value !== null && (value as ClusterMessage).cmd === 'NODE_CLUSTER' ? (value as ClusterMessage) : undefined;
}

let redeliveries = 0;

export class Handoffs {
  /** By `seq`: Node's hand-offs (numbers, Node closes its copy once taken) and ours (strings, we close it). */
  private readonly waiting = new Map<number | string, Handoff>();
  private readonly send: (...args: unknown[]) => boolean;

  constructor(worker: Worker) {
    const child = worker.process as unknown as { send: (...args: unknown[]) => boolean; on(event: 'internalMessage', listener: (message: unknown) => void): void };
    this.send = child.send.bind(child);
    child.send = (message: unknown, handle?: unknown, ...rest: unknown[]) => {
      const sent = clusterMessage(message);
      if (sent?.act === 'newconn' && typeof sent.seq === 'number' && typeof sent.key === 'string' && typeof (handle as ClosableHandle | undefined)?.close === 'function') {
        this.waiting.set(sent.seq, { key: sent.key, handle: handle as ClosableHandle });
      }
      return this.send(message, handle, ...rest);
    };
    child.on('internalMessage', (message: unknown) => this.answered(clusterMessage(message)));
  }

  /** Hands a connection another worker did not take to this one. */
  redeliver({ key, handle }: Handoff): void {
    const seq = `tm-redelivered-${++redeliveries}`;
    this.waiting.set(seq, { key, handle });
    if (!this.send({ cmd: 'NODE_CLUSTER', act: 'newconn', key, seq }, handle)) this.answered({ ack: seq, accepted: false });
  }

  /** The connections this (exited) worker never took; no longer watched here. */
  untaken(): Handoff[] {
    const untaken = [...this.waiting.values()];
    this.waiting.clear();
    return untaken;
  }

  private answered(answer: ClusterMessage | undefined): void {
    const seq = answer?.ack;
    if (typeof seq !== 'number' && typeof seq !== 'string') return;
    const handoff = this.waiting.get(seq);
    this.waiting.delete(seq);
    // Taken: the worker has its own copy now. Refused: it closed its copy. Either way ours goes.
    if (handoff && typeof seq === 'string') handoff.handle.close();
  }
}
