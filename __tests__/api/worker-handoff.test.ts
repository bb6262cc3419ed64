/**
 * `API_WORKERS=2`: Node's round-robin scheduling hands each accepted connection to one worker and
 * waits for it to take it. A worker killed before it does (here: stopped, handed a connection, then
 * killed) never will, and Node would keep that connection open until the client gives up. The
 * primary hands it to a live worker when it sees the worker exit, so the client gets its answer.
 */
import * as http from 'http';
import { ApiProcess, buildTestBundle, spawnApi } from './support/api-process';
import { createMysqlDatabase, dropMysqlDatabase, mysqlSettings, uniqueDatabaseName } from './support/databases';

/** Far beyond how long the primary takes to notice a worker's exit, far below "until the client gives up". */
const CLIENT_PATIENCE_MS = 20_000;

const database = uniqueDatabaseName('worker_handoff');
let bundle: string;
let api: ApiProcess;

beforeAll(async () => {
  bundle = buildTestBundle('worker-handoff');
  await createMysqlDatabase(database);
});
afterAll(async () => {
  if (api?.child.exitCode === null) api.child.kill('SIGKILL');
  await dropMysqlDatabase(database);
});

/** A GET on its own connection: its status, `closed` when the connection ends without an answer, or `no answer`. */
function get(url: string): Promise<number | 'closed' | 'no answer'> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { agent: false, timeout: CLIENT_PATIENCE_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => {
      resolve('no answer');
      req.destroy();
    });
    req.on('error', () => resolve('closed'));
  });
}

it('hands the connection a killed worker had been handed but had not taken to the live worker, and logs it', async () => {
  const { user, password, host, port } = mysqlSettings(database);
  api = spawnApi(bundle, { DATABASE_URL: `mysql://${user}:${encodeURIComponent(password ?? '')}@${host}:${port}/${database}`, API_WORKERS: '2' }, process.cwd());
  await api.waitForLine((l) => l.msg === 'listening');
  await api.waitForLine(() => api.lines().filter((l) => l.msg === 'worker listening').length >= 2);
  const pid = Number(api.lines().find((l) => l.msg === 'worker started' && l.worker === 1)?.pid);

  process.kill(pid, 'SIGSTOP');
  const answers = Array.from({ length: 4 }, () => get(api.url));
  // Worker 1 was idle, so it was handed one of the four; it never takes it, so worker 2 answers the others.
  await api.waitForLine(() => api.lines().filter((l) => l.msg === 'request' && l.path === '/health' && l.worker === 2).length === 3, CLIENT_PATIENCE_MS);
  process.kill(pid, 'SIGKILL');

  expect(await Promise.all(answers)).toEqual([200, 200, 200, 200]);
  expect(await api.waitForLine((l) => l.msg === 'connections the exited worker had not taken')).toMatchObject({ level: 'warn', worker: 1, connections: 1, handedTo: 2 });
  // The worker's log buffers a moment: wait for its line of the fourth request.
  await api.waitForLine(() => api.lines().filter((l) => l.msg === 'request' && l.path === '/health' && l.worker === 2).length === 4);
});
