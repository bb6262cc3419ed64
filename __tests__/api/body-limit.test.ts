/**
 * A body over BODY_LIMIT_BYTES gets its 413 even while the client is still sending: the server
 * answers, then reads and discards the rest for a bounded number of bytes and time before it
 * closes, so the client is not cut off mid-write (EPIPE) before it reads the answer. Run against
 * the bundle in its own process: in the test's own process the timing hides the problem.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { DRAIN_MAX_BYTES } from '../../api/src/http/json-body';
import { ApiProcess, buildTestBundle, spawnApi } from './support/api-process';
import { request } from './support/api-harness';

let bundle: string;
let dir: string;
let api: ApiProcess;

beforeAll(async () => {
  bundle = buildTestBundle('body-limit');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-body-limit-'));
  api = spawnApi(bundle, { SQLITE_FILE: path.join(dir, 'tasks.sqlite') }, dir);
  await api.waitForLine((l) => l.msg === 'listening');
});
afterAll(() => {
  if (api?.child.exitCode === null) api.child.kill('SIGKILL');
  fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

const twoMegabytes = Buffer.from(JSON.stringify({ title: 't', description: 'x'.repeat(2 * 1024 * 1024) }));

/** The 2 MB body as a stream: fetch sends it chunked, still writing when the 413 comes. */
function streamed(): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < twoMegabytes.length; i += 64 * 1024) controller.enqueue(twoMegabytes.subarray(i, i + 64 * 1024));
      controller.close();
    },
  });
}

async function post(body: Buffer | ReadableStream<Uint8Array>): Promise<string> {
  try {
    const res = await fetch(`${api.url}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    return `${res.status} ${((await res.json()) as { error: { code: string } }).error.code}`;
  } catch (error) {
    return String((error as { cause?: { code?: string } }).cause?.code ?? error);
  }
}

it('fetch() streaming a 2 MB body gets the 413 every time, not a broken pipe', async () => {
  const outcomes = [];
  for (let attempt = 0; attempt < 8; attempt += 1) outcomes.push(await post(streamed()));
  expect(outcomes).toEqual(Array(8).fill('413 payload_too_large'));
});

it('fetch() with a 2 MB body and its Content-Length gets the 413 every time', async () => {
  const outcomes = [];
  for (let attempt = 0; attempt < 5; attempt += 1) outcomes.push(await post(twoMegabytes));
  expect(outcomes).toEqual(Array(5).fill('413 payload_too_large'));
});

it('the server keeps serving after drained 413s', async () => {
  expect((await request(api.url, 'GET', '/health')).status).toBe(200);
});

it(`a client that keeps sending past ${DRAIN_MAX_BYTES} bytes is answered 413, then cut off`, async () => {
  const socket = net.connect(Number(new URL(api.url).port), '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  let open = true;
  socket.once('close', () => (open = false));
  socket.write('POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
  const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`;
  // Sends until the server closes: without a bound on what it drains this would never end.
  while (open) {
    if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
  }
  expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  expect(answer).toContain('payload_too_large');
});
