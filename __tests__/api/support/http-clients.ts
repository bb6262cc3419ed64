/** Clients that hold a request in flight or probe a listener, for the graceful-shutdown tests. */
import * as http from 'http';
import * as net from 'net';
import { eventually } from '../../support/eventually';

/** A POST whose headers and half of whose body are sent now; `finish()` sends the rest. */
export function slowPost(url: string, body: string): Promise<{ finish: () => Promise<{ status: number; connection?: string; text: string }> }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = http.request({ host: hostname, port, method: 'POST', path: '/tasks', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const answer = new Promise<{ status: number; connection?: string; text: string }>((done, fail) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      });
      req.on('error', (error) => fail(new Error(`in-flight request failed: ${error.message}`)));
    });
    // A test that never finishes the request still sees the hang-up through finish(), not as an unhandled rejection.
    answer.catch(() => undefined);
    req.on('error', reject);
    req.flushHeaders();
    req.write(body.slice(0, 5));
    req.on('socket', (socket) =>
      socket.once('connect', () =>
        resolve({
          finish: () => {
            req.end(body.slice(5));
            return answer;
          },
        }),
      ),
    );
  });
}

export function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * `count` GETs of `path`, each on its own connection, once every one of them is connected (the
 * kernel has it queued even if the server has not accepted it yet); resolves to their statuses.
 * Not keep-alive: an idle kept-alive socket that a draining server closes while a client reuses it
 * is the race the ALB's deregistration delay exists for, not a request in flight.
 */
export async function connectedBurst(url: string, path: string, count: number): Promise<{ statuses: Promise<number[]> }> {
  const connected: Array<Promise<void>> = [];
  const answers = Array.from({ length: count }, () =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(`${url}${path}`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', (error) => reject(new Error(`burst request failed: ${error.message}`)));
      connected.push(new Promise((done) => req.on('socket', (socket) => socket.once('connect', () => done()))));
    }),
  );
  await Promise.all(connected);
  return { statuses: Promise.all(answers) };
}

/** Whether the listener stops accepting (polled, within TIME_LIMITS.event). */
export async function becomesRefused(url: string): Promise<boolean> {
  return eventually(() => connectionRefused(url), `${url} refusing connections`).then(() => true, () => false);
}
