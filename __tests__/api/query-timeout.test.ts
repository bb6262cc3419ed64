/**
 * DB_QUERY_TIMEOUT_MS: when the database stops answering (a black hole: connections stay open, no
 * packet comes back), a request that already holds a pooled connection gets a 503 with Retry-After
 * once its query has waited that long, instead of waiting for the whole outage; the connection it
 * held is dropped, and everything works again when the database does.
 */
import { loadConfig } from '../../api/src/config/config';
import { postJson, request, RunningApi, startApi } from './support/api-harness';
import { ProxiedMysql, proxiedMysql } from './support/proxied-mysql';
import { eventually } from '../support/eventually';

let db: ProxiedMysql;
let api: RunningApi;

beforeAll(async () => {
  db = await proxiedMysql('query_timeout', { queryTimeoutMs: 1000, acquireTimeoutMs: 1500 });
  api = await startApi(db.knex);
});
afterAll(async () => {
  await api?.close();
  await db?.cleanup();
});

it('answers 503 with Retry-After when queries on open connections get no answer, and recovers when the database does', async () => {
  const before = await postJson(api.url, '/tasks', { title: 'before' });
  expect(before.status).toBe(201);
  // Open pooled connections, so the requests below reach the database on them at once.
  await Promise.all(Array.from({ length: 4 }, () => request(api.url, 'GET', '/tasks')));

  db.proxy.blackHole();
  const during = await Promise.all([
    request(api.url, 'GET', '/tasks'),
    request(api.url, 'GET', `/tasks/${before.body.id}`),
    postJson(api.url, '/tasks', { title: 'during' }),
    postJson(api.url, `/tasks/${before.body.id}`, { status: 'Done' }, 'PATCH'),
  ]);
  for (const res of during) {
    expect([res.status, res.body.error.code, res.headers['retry-after']]).toEqual([503, 'database_unavailable', '5']);
  }

  db.proxy.restore();
  await eventually(async () => (await request(api.url, 'GET', '/ready')).status === 200, 'ready again after the database is back');
  expect((await postJson(api.url, '/tasks', { title: 'after' })).status).toBe(201);
  const list = await request(api.url, 'GET', '/tasks');
  expect(list.body.tasks.map((t: { title: string; status: string }) => [t.title, t.status])).toEqual([
    ['before', 'To Do'],
    ['after', 'To Do'],
  ]);
});

describe('DB_QUERY_TIMEOUT_MS', () => {
  const url = { DATABASE_URL: 'mysql://u:p@127.0.0.1:3306/db' };
  it('defaults to 10 s for MySQL and takes a whole number of milliseconds', () => {
    expect(loadConfig(url).database).toMatchObject({ queryTimeoutMs: 10_000 });
    expect(loadConfig({ ...url, DB_QUERY_TIMEOUT_MS: '2500' }).database).toMatchObject({ queryTimeoutMs: 2500 });
  });

  it.each(['0', '99', 'soon', '600001'])('refuses %s, naming the setting', (raw) => {
    expect(() => loadConfig({ ...url, DB_QUERY_TIMEOUT_MS: raw })).toThrow(/DB_QUERY_TIMEOUT_MS/);
  });
});
