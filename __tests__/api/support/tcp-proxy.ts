import * as net from 'net';

/**
 * A TCP proxy on 127.0.0.1 between the API and MariaDB that a test can cut and restore, so a
 * database outage can be staged without stopping the MariaDB other test files share. It can also
 * black-hole the database (connections stay open, nothing gets through, as when a network drops
 * packets) and lose the answer to one statement (the statement runs, its acknowledgement never arrives).
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private blackHoled = false;
  /** Text of a statement whose answer is lost once: the connection then dies after the server ran it. */
  private loseAnswerTo?: string;
  private readonly swallowWaiters: Array<() => void> = [];
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens (on the same port again after a cut). */
  async start(): Promise<number> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      let answerLost = false;
      client.on('data', (chunk: Buffer) => {
        if (this.blackHoled) {
          for (const resolve of this.swallowWaiters.splice(0)) resolve();
          return;
        }
        upstream.write(chunk);
        if (this.loseAnswerTo !== undefined && chunk.includes(this.loseAnswerTo)) {
          this.loseAnswerTo = undefined;
          answerLost = true;
        }
      });
      upstream.on('data', (chunk: Buffer) => {
        if (answerLost) {
          // The server has answered, so it ran the statement: the client never learns it.
          client.destroy();
          upstream.destroy();
        } else if (!this.blackHoled) client.write(chunk);
      });
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** The outage: every open connection dies and new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Nothing gets through any more, in either direction, on open or new connections; none is closed. */
  blackHole(): void {
    this.blackHoled = true;
  }

  /** Resolves when the black hole next swallows something a client sent (a statement is now stuck). */
  swallowed(): Promise<void> {
    return new Promise((resolve) => this.swallowWaiters.push(resolve));
  }

  /** Traffic flows again (what was sent meanwhile is gone). */
  restore(): void {
    this.blackHoled = false;
  }

  /** The next statement containing `text` runs on the server, but its answer is lost with the connection. */
  loseTheAnswerTo(text: string): void {
    this.loseAnswerTo = text;
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
