/**
 * `API_WORKERS=1` (what `npm run api` runs) has the same hard deadline on SIGTERM as the cluster
 * primary: SHUTDOWN_TIMEOUT_MS for the requests, then EXIT_GRACE_MS to close the pool and flush the
 * log; a query the database never answers (black-holed behind a proxy) cannot keep it running.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT_GRACE_MS } from '../../api/src/lifecycle/exit-deadline';
import { ApiProcess, buildTestBundle, spawnApi } from './support/api-process';
import { request } from './support/api-harness';
import { createMysqlDatabase, dropMysqlDatabase, mysqlSettings, uniqueDatabaseName } from './support/databases';
import { TcpProxy } from './support/tcp-proxy';

const database = uniqueDatabaseName('shutdown_deadline');
let bundle: string;
let proxy: TcpProxy;
let api: ApiProcess | undefined;

beforeAll(async () => {
  bundle = buildTestBundle('shutdown-deadline');
  await createMysqlDatabase(database);
  const direct = mysqlSettings(database);
  proxy = new TcpProxy(direct.host, direct.port);
  await proxy.start();
});
afterAll(async () => {
  if (api?.child.exitCode === null) api.child.kill('SIGKILL');
  await proxy?.stop();
  await dropMysqlDatabase(database);
  fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
});

it('exits after SIGTERM within SHUTDOWN_TIMEOUT_MS + EXIT_GRACE_MS while a query is stuck, saying why', async () => {
  const { user, password } = mysqlSettings(database);
  const url = `mysql://${user}:${encodeURIComponent(password ?? '')}@127.0.0.1:${proxy.port}/${database}`;
  // The query timeout is far beyond the test, so only the shutdown deadline can end the process.
  api = spawnApi(bundle, { DATABASE_URL: url, API_WORKERS: '1', SHUTDOWN_TIMEOUT_MS: '500', DB_QUERY_TIMEOUT_MS: '600000' }, process.cwd());
  await api.waitForLine((l) => l.msg === 'listening');
  expect((await request(api.url, 'GET', '/tasks')).status).toBe(200);

  proxy.blackHole();
  const swallowed = proxy.swallowed();
  const stuck = request(api.url, 'GET', '/tasks').catch((error: Error) => error);
  await swallowed; // its query reached the black hole
  api.child.kill('SIGTERM');
  const code = await api.exited;
  expect(code).toBe(0);
  expect(api.lines().find((l) => l.msg === 'did not stop in time, exiting anyway')).toMatchObject({ level: 'warn', deadlineMs: 500 + EXIT_GRACE_MS });
  expect(await stuck).toMatchObject({ message: expect.stringMatching(/socket hang up|ECONNRESET/) }); // closed, never answered
  proxy.restore();
});
