/**
 * A database outage mid-run, staged with a TCP proxy in front of MariaDB: /ready goes 503, task
 * requests fail with a clean 503 JSON error (never a 500, never a hang), /health stays 200, and
 * everything recovers by itself when the database is back.
 */
import { postJson, request, RunningApi, startApi } from './support/api-harness';
import { createMysqlDatabase, dropMysqlDatabase, mysqlSettings, silentLogger, uniqueDatabaseName } from './support/databases';
import { TcpProxy } from './support/tcp-proxy';
import { createKnex, migrateToLatest } from '../../api/src/db/database';
import type { Knex } from 'knex';
import { eventually } from '../support/eventually';

describe('database outage (MySQL behind a cuttable proxy)', () => {
  const database = uniqueDatabaseName('outage');
  let proxy: TcpProxy;
  let knex: Knex;
  let api: RunningApi;

  beforeAll(async () => {
    await createMysqlDatabase(database);
    const direct = mysqlSettings(database);
    proxy = new TcpProxy(direct.host, direct.port);
    const port = await proxy.start();
    knex = createKnex({ ...direct, host: '127.0.0.1', port, acquireTimeoutMs: 1500 }, silentLogger);
    await migrateToLatest(knex, silentLogger);
    api = await startApi(knex);
  });
  afterAll(async () => {
    await api?.close();
    await knex?.destroy();
    await proxy?.stop();
    await dropMysqlDatabase(database);
  });

  it('answers 503 while the database is gone and recovers when it returns', async () => {
    const before = await postJson(api.url, '/tasks', { title: 'before the outage' });
    expect(before.status).toBe(201);
    expect((await request(api.url, 'GET', '/ready')).status).toBe(200);

    await proxy.cut();

    const ready = await request(api.url, 'GET', '/ready');
    expect(ready.status).toBe(503);
    // A stable reason code; what the driver said (hosts, ports, accounts) goes to the log only.
    expect(ready.body).toEqual({ status: 'not_ready', checks: { database: 'down' }, reason: 'database_unreachable' });
    expect(api.logs().filter((l) => l.msg === 'not ready: database unreachable')).toEqual([expect.objectContaining({ level: 'warn', error: expect.any(String) })]);
    expect((await request(api.url, 'GET', '/health')).status).toBe(200);

    const started = Date.now();
    const during = await Promise.all([
      request(api.url, 'GET', '/tasks'),
      request(api.url, 'GET', `/tasks/${before.body.id}`),
      postJson(api.url, '/tasks', { title: 'during the outage' }),
      postJson(api.url, `/tasks/${before.body.id}`, { status: 'Done' }, 'PATCH'),
      request(api.url, 'DELETE', `/tasks/${before.body.id}`),
    ]);
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: { code: 'database_unavailable', message: expect.any(String) } });
      expect(res.headers['retry-after']).toBe('5');
    }
    // Bounded by the pool's acquire timeout, not left hanging.
    // (The cut proxy never answers: without the bound these would wait for the test's own timeout.)
    expect(Date.now() - started).toBeLessThan(30_000);
    // Validation still answers without the database.
    expect((await postJson(api.url, '/tasks', { nope: 1 })).status).toBe(400);

    await proxy.start();

    // The pool replaces its dead connections on its own.
    await eventually(async () => (await request(api.url, 'GET', '/ready')).status === 200, 'ready again after the database is back');
    const after = await postJson(api.url, '/tasks', { title: 'after the outage' });
    expect(after.status).toBe(201);
    const list = await request(api.url, 'GET', '/tasks');
    // Nothing written before the outage was lost, nothing half-written during it appeared.
    expect(list.body.tasks.map((t: { title: string; status: string }) => [t.title, t.status])).toEqual([
      ['before the outage', 'To Do'],
      ['after the outage', 'To Do'],
    ]);
    const logs = api.logs();
    expect(logs.some((l) => l.msg === 'database unavailable' && l.level === 'warn')).toBe(true);
    expect(logs.filter((l) => l.msg === 'request' && l.status === 503).length).toBeGreaterThanOrEqual(5);
    expect(logs.some((l) => l.msg === 'request' && l.status === 500)).toBe(false);
  });
});
