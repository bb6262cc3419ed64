/**
 * The deployable itself: the esbuild bundle run as `node index.js` in a child process, the way
 * systemd runs it on EC2. Start-up (SQLite, MySQL with the password from a Secrets Manager
 * secret), configuration errors, start-up retries, and graceful shutdown with requests in flight.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import knexFactory from 'knex';
import { ApiProcess, buildTestBundle, spawnApi } from './support/api-process';
import { freePort } from '../../scripts/support/free-port';
import { request } from './support/api-harness';
import { createMysqlDatabase, dropMysqlDatabase, mysqlSettings, uniqueDatabaseName } from './support/databases';
import { becomesRefused, connectedBurst, slowPost } from './support/http-clients';
import { TcpProxy } from './support/tcp-proxy';
import { TIME_LIMITS } from '../support/time-limits';

let bundle: string;
let workDir: string;
const running: ApiProcess[] = [];

beforeAll(() => {
  bundle = buildTestBundle('server-process');
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-server-'));
});
afterEach(() => {
  for (const api of running.splice(0)) if (api.child.exitCode === null) api.child.kill('SIGKILL');
});
afterAll(() => {
  fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  fs.rmSync(workDir, { recursive: true, force: true });
});

async function startSqlite(extra: Record<string, string> = {}): Promise<{ api: ApiProcess; file: string }> {
  const dir = fs.mkdtempSync(path.join(workDir, 'sqlite-'));
  const file = path.join(dir, 'nested', 'tasks.sqlite');
  const api = spawnApi(bundle, { SQLITE_FILE: file, ...extra }, dir);
  running.push(api);
  await api.waitForLine((l) => l.msg === 'listening');
  return { api, file };
}

describe('the bundled API as a process', () => {
  it('starts from the bundle on embedded SQLite (creating its directory), serves /health, logs to stdout and LOG_FILE', async () => {
    const logFile = path.join(workDir, 'api.log');
    const { api, file } = await startSqlite({ LOG_FILE: logFile });
    const health = await request(api.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect(fs.existsSync(file)).toBe(true);
    const created = await request(api.url, 'POST', '/tasks', { body: '{"title":"from the bundle"}', headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(201);
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    const fileLines = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(fileLines.filter((l) => l.msg === 'request').map((l) => [l.method, l.path, l.status])).toEqual([
      ['GET', '/health', 200],
      ['POST', '/tasks', 201],
    ]);
    expect(fileLines.filter((l) => l._aws)).toHaveLength(1);
    expect(api.lines().map((l) => l.msg)).toEqual(expect.arrayContaining(['starting', 'migrations up to date', 'listening', 'request', 'stopped']));
  });

  it('without AUTH_* settings (local use) starts with authentication off and says so loudly', async () => {
    const { api } = await startSqlite();
    expect(api.lines().find((l) => String(l.msg).startsWith('AUTHENTICATION IS OFF'))).toMatchObject({ level: 'warn', owner: 'local' });
    expect((await request(api.url, 'GET', '/tasks')).status).toBe(200);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://u:p@localhost/db' }, 'DATABASE_URL'],
    [{ DB_HOST: 'db.internal' }, 'DB_HOST'],
    [{ DB_SSL: 'maybe', DATABASE_URL: 'mysql://u:p@127.0.0.1/db' }, 'DB_SSL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LOG_FILE: '/nonexistent-dir/x.log' }, 'LOG_FILE'],
    [{ NODE_ENV: 'production' }, 'AUTH_ISSUER'],
  ])('refuses to start with %j, naming %s, exit code 1', async (env, variable) => {
    const api = spawnApi(bundle, { PORT: '0', SQLITE_FILE: path.join(workDir, 'never.sqlite'), ...env }, workDir);
    running.push(api);
    expect(await api.exited).toBe(1);
    expect(api.stderr()).toContain(variable);
    expect(JSON.parse(api.stderr().trim())).toMatchObject({ level: 'error', msg: 'invalid configuration' });
  });

  it('retries an unreachable database with backoff, logs why, and starts once it is back', async () => {
    const database = uniqueDatabaseName('startup_retry');
    await createMysqlDatabase(database);
    const direct = mysqlSettings(database);
    const proxy = new TcpProxy(direct.host, direct.port);
    const port = await proxy.start();
    await proxy.cut();
    try {
      const url = `mysql://${direct.user}:${encodeURIComponent(direct.password ?? '')}@127.0.0.1:${port}/${database}`;
      const api = spawnApi(bundle, { DATABASE_URL: url, DB_CONNECT_RETRY_SECONDS: '30' }, workDir);
      running.push(api);
      const retry = await api.waitForLine((l) => l.msg === 'database not reachable yet, retrying');
      expect(retry).toMatchObject({ level: 'warn', attempt: 1, retryInMs: 500, database: { kind: 'mysql', host: '127.0.0.1', database } });
      expect(JSON.stringify(retry)).not.toContain(direct.password);
      await api.waitForLine((l) => l.msg === 'database not reachable yet, retrying' && l.attempt === 2);
      await proxy.start();
      await api.waitForLine((l) => l.msg === 'listening');
      expect((await request(api.url, 'GET', '/ready')).status).toBe(200);
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
    } finally {
      await proxy.stop();
      await dropMysqlDatabase(database);
    }
  });

  it('gives up after DB_CONNECT_RETRY_SECONDS with a clear line and exit code 1', async () => {
    const api = spawnApi(bundle, { PORT: '0', DATABASE_URL: `mysql://u:p@127.0.0.1:${await freePort()}/db`, DB_CONNECT_RETRY_SECONDS: '1' }, workDir);
    running.push(api);
    expect(await api.exited).toBe(1);
    const failed = api.lines().find((l) => l.msg === 'start-up failed');
    expect(String(failed?.error)).toMatch(/database not reachable after \d+ attempts over 1 s \(DB_CONNECT_RETRY_SECONDS=1\): .*ECONNREFUSED/);
  });

  it('logs each failed connection attempt once, and the final error names DATABASE_URL and DB_CONNECT_RETRY_SECONDS', async () => {
    const port = await freePort();
    const api = spawnApi(bundle, { PORT: '0', DATABASE_URL: `mysql://u:p@127.0.0.1:${port}/db`, DB_CONNECT_RETRY_SECONDS: '2' }, workDir);
    running.push(api);
    expect(await api.exited).toBe(1);
    const retries = api.lines().filter((l) => l.msg === 'database not reachable yet, retrying');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(api.lines().filter((l) => /ECONNREFUSED/.test(JSON.stringify(l)) && l.msg !== 'start-up failed')).toEqual(retries);
    const failed = String(api.lines().find((l) => l.msg === 'start-up failed')?.error);
    expect(failed).toContain(`Check DATABASE_URL (it points at 127.0.0.1:${port})`);
    expect(failed).toContain('wait longer with DB_CONNECT_RETRY_SECONDS');
  });

  it('reads the MySQL password from the RDS-managed Secrets Manager secret (DB_HOST + DB_SECRET_ARN)', async () => {
    const database = uniqueDatabaseName('secret');
    await createMysqlDatabase(database);
    const direct = mysqlSettings(database);
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-abcdef';
    const calls: Array<{ target?: string; body: Record<string, unknown>; authorization?: string }> = [];
    // A local stand-in for the Secrets Manager API (JSON 1.1 protocol), so no call leaves the machine.
    const fake = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls.push({ target: req.headers['x-amz-target'] as string, body: JSON.parse(body), authorization: req.headers.authorization });
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(JSON.stringify({ ARN: arn, Name: 'rds!db-0123', SecretString: JSON.stringify({ username: direct.user, password: direct.password }) }));
      });
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const api = spawnApi(
        bundle,
        {
          DB_HOST: '127.0.0.1',
          DB_PORT: String(direct.port),
          DB_NAME: database,
          DB_SECRET_ARN: arn,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`,
          AWS_ACCESS_KEY_ID: 'AKIDTEST',
          AWS_SECRET_ACCESS_KEY: 'test-secret',
        },
        workDir,
      );
      running.push(api);
      await api.waitForLine((l) => l.msg === 'listening');
      const created = await request(api.url, 'POST', '/tasks', { body: '{"title":"via the secret"}', headers: { 'content-type': 'application/json' } });
      expect(created.status).toBe(201);
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(calls[0]).toMatchObject({ target: 'secretsmanager.GetSecretValue', body: { SecretId: arn } });
      // Signed for the region in the ARN.
      expect(calls[0].authorization).toContain('/eu-west-1/secretsmanager/aws4_request');
      const started = api.lines().find((l) => l.msg === 'starting');
      expect(started?.database).toMatchObject({ kind: 'mysql', passwordFrom: 'secret', database });
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
    } finally {
      fake.close();
      await dropMysqlDatabase(database);
    }
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM stops accepting, finishes every request in flight, then exits 0', async () => {
    const { api, file } = await startSqlite();
    // Requests that are truly in flight: connected, headers and half the body sent.
    const slow = await Promise.all(Array.from({ length: 20 }, (_, i) => slowPost(api.url, JSON.stringify({ title: `in flight ${i}` }))));
    // And a burst of reads on their own connections, each connected before the signal.
    const burst = await connectedBurst(api.url, '/tasks?limit=5', 50);
    // A barrier: the server accepts connections in the order the kernel queued them, so once this
    // later request is answered, every burst connection has been taken in by the server.
    expect((await request(api.url, 'GET', '/health')).status).toBe(200);
    api.child.kill('SIGTERM');
    await api.waitForLine((l) => l.msg === 'shutting down: no new connections, finishing requests in flight');
    // The listener closes within moments of the signal (after accepting what the kernel had queued).
    expect(await becomesRefused(api.url)).toBe(true);
    expect(api.child.exitCode).toBeNull(); // still waiting for the slow requests

    const answers = await Promise.all(slow.map((s) => s.finish()));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    // Clients are told not to reuse the connection of a draining server.
    expect(answers.every((a) => a.connection === 'close')).toBe(true);
    expect(await burst.statuses).toEqual(Array(50).fill(200));

    expect(await api.exited).toBe(0);
    expect(api.lines().at(-1)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM', clean: true });
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
    try {
      const titles = (await knex('tasks').select('title')).map((r: { title: string }) => r.title).sort();
      expect(titles).toEqual(Array.from({ length: 20 }, (_, i) => `in flight ${i}`).sort());
    } finally {
      await knex.destroy();
    }
  });

  it('exits 0 within SHUTDOWN_TIMEOUT_MS even when a client never finishes its request', async () => {
    const { api } = await startSqlite({ SHUTDOWN_TIMEOUT_MS: '800' });
    const stuck = await slowPost(api.url, '{"title":"never finished"}');
    // Answered on a connection opened after the stuck one: the server has read the stuck request's headers by now.
    expect((await request(api.url, 'GET', '/health')).status).toBe(200);
    const started = Date.now();
    api.child.kill('SIGINT');
    expect(await api.exited).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(Date.now() - started).toBeLessThan(TIME_LIMITS.event); // bounded: the client alone would hold it open forever
    expect(api.lines().some((l) => l.msg === 'shutdown timeout: closed connections with requests still running')).toBe(true);
    await stuck.finish().catch(() => undefined);
  });
});

it('keeps idle keep-alive connections longer than the ALB (60 s)', async () => {
  const { api } = await startSqlite();
  const res = await request(api.url, 'GET', '/health', { headers: { connection: 'keep-alive' } });
  expect(res.headers['keep-alive']).toBe('timeout=65');
});
