/**
 * Node's round-robin scheduling (the default on Linux) has the primary accept each connection and
 * hand it to one worker, then wait for the worker to say it took it. A worker that dies first never
 * does, and Node keeps that connection open, unanswered, until the client gives up (30 s and more
 * were seen). The primary watches the hand-offs it sends each worker and the answers, and when the
 * worker exits it closes the connections still waiting: the client (or the ALB, which answers 502)
 * learns at once and can retry.
 *
 * This reads Node's internal cluster messages (`{cmd: 'NODE_CLUSTER', act: 'newconn', seq}` out,
 * `{cmd: 'NODE_CLUSTER', ack: seq}` back; the same in Node 20 and 22). Should they change shape,
 * nothing matches and Node's own behaviour is left as it is.
 */
import type { Worker } from 'cluster';

interface ClosableHandle {
  close(callback?: () => void): void;
}

interface ClusterMessage {
  readonly cmd?: unknown;
  readonly act?: unknown;
  readonly seq?: unknown;
  readonly ack?: unknown;
}

function clusterMessage(value: unknown): ClusterMessage | undefined {
  return typeof value === 'object' && value !== null && (value as ClusterMessage).cmd === 'NODE_CLUSTER' ? (value as ClusterMessage) : undefined;
}

export interface Handoffs {
  /** Closes every connection handed to the worker that it has not answered for; how many there were. */
  closeUntaken(): number;
}

export function watchHandoffs(worker: Worker): Handoffs {
  const waiting = new Map<number, ClosableHandle>();
  const child = worker.process as unknown as { send: (...args: unknown[]) => boolean; on(event: 'internalMessage', listener: (message: unknown) => void): void };
  const send = child.send.bind(child);
  child.send = (message: unknown, handle?: unknown, ...rest: unknown[]) => {
    const sent = clusterMessage(message);
    if (sent?.act === 'newconn' && typeof sent.seq === 'number' && typeof (handle as ClosableHandle | undefined)?.close === 'function') {
      waiting.set(sent.seq, handle as ClosableHandle);
    }
    return send(message, handle, ...rest);
  };
  // Taken or refused (a draining worker's refusal goes to another worker): either way no longer waiting here.
  child.on('internalMessage', (message: unknown) => {
    const answer = clusterMessage(message);
    if (typeof answer?.ack === 'number') waiting.delete(answer.ack);
  });
  return {
    closeUntaken() {
      const untaken = [...waiting.values()];
      waiting.clear();
      for (const handle of untaken) handle.close();
      return untaken.length;
    },
  };
}
