/** Clients that hold a request in flight or probe a listener, for the graceful-shutdown tests. */
import * as http from 'http';
import * as net from 'net';

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
