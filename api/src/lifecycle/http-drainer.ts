import type * as http from 'http';
import * as net from 'net';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface DrainOptions {
  /** Longest the whole drain may take; then every remaining socket is closed. */
  readonly timeoutMs: number;
  /**
   * How long an idle keep-alive connection may still send one last request after the signal.
   * Closing it at once races with a client that is reusing it at that instant (a reset).
   */
  readonly idleGraceMs?: number;
}

/**
 * Tracks each connection and its requests in progress, so that shutdown can stop accepting,
 * answer every request already received (telling the client to close the connection), and
 * close the rest in order, all within a bound. `server.close()` alone would also close at once
 * every connection that has no parsed request yet, including ones whose request is on its way.
 */
export class HttpDrainer {
  private draining = false;
  /** Connections still open when the drain ended (idle keep-alive ones, or cut off at the bound). */
  closedAtEnd = 0;
  /** Connections accepted after the signal (already queued, or arriving before the listener closed). */
  acceptedWhileDraining = 0;
  private readonly active = new Map<net.Socket, number>();
  private readonly changed: Array<() => void> = [];

  constructor(private readonly server: http.Server) {
    server.on('connection', (socket: net.Socket) => {
      if (this.draining) this.acceptedWhileDraining += 1;
      this.active.set(socket, 0);
      socket.once('close', () => {
        this.active.delete(socket);
        this.notify();
      });
    });
    // Prepended so the Connection header is set before the app can start its answer.
    server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const socket = req.socket;
      this.active.set(socket, (this.active.get(socket) ?? 0) + 1);
      // While draining, each answer asks the client to reconnect (to another instance).
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        if (this.active.has(socket)) this.active.set(socket, Math.max(0, (this.active.get(socket) ?? 1) - 1));
        this.notify();
      });
    });
  }

  get requestsInFlight(): number {
    let total = 0;
    for (const count of this.active.values()) total += count;
    return total;
  }

  /** Resolves true when every request finished in time, false when the bound cut some off. */
  async drain(options: DrainOptions): Promise<boolean> {
    const deadline = Date.now() + options.timeoutMs;
    this.draining = true;
    // Connections the kernel has already queued for us must be accepted before the listener
    // closes, or they are reset. A timer alone does not promise that: on a starved event loop it
    // can expire before the next poll phase. Two setImmediate hops do: the second one runs only
    // after a complete poll phase, which accepts everything queued by then.
    await sleep(Math.min(50, options.timeoutMs));
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Stop listening without http.Server's close-idle-connections step (done below, after the grace).
    net.Server.prototype.close.call(this.server);
    // Idle connections stay open while anything is still being answered (at least the grace
    // period): one whose request arrives late becomes a request in flight and is answered with
    // `Connection: close`, so each connection carries at most one more request.
    const graceEnd = Math.min(deadline, Date.now() + (options.idleGraceMs ?? 500));
    while (Date.now() < deadline && (this.requestsInFlight > 0 || Date.now() < graceEnd)) {
      const wait = this.requestsInFlight > 0 ? deadline - Date.now() : graceEnd - Date.now();
      await Promise.race([new Promise<void>((resolve) => this.changed.push(resolve)), sleep(wait)]);
    }
    const clean = this.requestsInFlight === 0;
    this.closedAtEnd = this.active.size;
    for (const socket of this.active.keys()) socket.destroy();
    this.server.closeAllConnections();
    return clean;
  }

  private notify(): void {
    for (const resolve of this.changed.splice(0)) resolve();
  }
}
