/**
 * `API_WORKERS=2`: the deployable bundle as a cluster (a primary and two HTTP workers) on real
 * MariaDB, over real HTTP on 127.0.0.1. Migrations once, counters summed across workers, a
 * crashed worker replaced with back-off, and a drain of every worker on SIGTERM that loses nothing.
 */
import * as http from 'http';
import { FIRST_RESTART_DELAY_MS, MAX_RESTART_DELAY_MS, RestartBackoff, restartDelayMs, STABLE_WORKER_MS } from '../../api/src/cluster/restart-backoff';
import { MIGRATIONS } from '../../api/src/db/migrations';
import { ApiProcess, buildTestBundle, spawnApi } from './support/api-process';
import { postJson, request } from './support/api-harness';
import { createMysqlDatabase, dropMysqlDatabase, mysqlSettings, uniqueDatabaseName, withServer } from './support/databases';
import { becomesRefused, connectedBurst, slowPost } from './support/http-clients';

type Line = Record<string, unknown>;

let bundle: string;
const running: ApiProcess[] = [];
const databases: string[] = [];

beforeAll(() => {
  bundle = buildTestBundle('workers');
});
afterEach(async () => {
  for (const api of running.splice(0)) {
    // The workers go with the primary (they exit when its IPC channel closes).
    if (api.child.exitCode === null) api.child.kill('SIGKILL');
  }
  for (const database of databases.splice(0)) await dropMysqlDatabase(database);
});

/** Two workers on a new, empty MySQL database; resolves once the primary says all of them listen. */
async function startCluster(name: string, extra: Record<string, string> = {}): Promise<{ api: ApiProcess; database: string }> {
  const database = uniqueDatabaseName(name);
  await createMysqlDatabase(database);
  databases.push(database);
  const { user, password, host, port } = mysqlSettings(database);
  const url = `mysql://${user}:${encodeURIComponent(password ?? '')}@${host}:${port}/${database}`;
  const api = spawnApi(bundle, { DATABASE_URL: url, API_WORKERS: '2', ...extra }, process.cwd());
  running.push(api);
  await api.waitForLine((l) => l.msg === 'listening');
  // The primary announces once every worker listens, but each worker's own line leaves its log
  // buffer up to 20 ms later: wait for the lines themselves, not for the time they usually take.
  await api.waitForLine(() => api.lines().filter((l) => l.msg === 'worker listening').length >= 2);
  return { api, database };
}

const primaryLines = (api: ApiProcess): Line[] => api.lines().filter((l) => l.worker === undefined);
const workerPid = (api: ApiProcess, worker: number): number =>
  Number(api.lines().filter((l) => l.msg === 'worker started' && l.worker === worker).at(-1)?.pid);
const requestLines = (api: ApiProcess, path: string): Line[] => api.lines().filter((l) => l.msg === 'request' && l.path === path);

/** A GET on its own connection, so that the primary hands it to the next worker in turn. */
async function getStatus(url: string, path: string): Promise<number> {
  return (await request(url, 'GET', path)).status;
}

describe('API_WORKERS=2', () => {
  it('runs the migrations once, in the primary, before any worker listens, on an empty MySQL database', async () => {
    const { api, database } = await startCluster('workers_migrate');
    const migrated = api.lines().filter((l) => l.msg === 'migrations up to date');
    expect(migrated).toEqual([expect.objectContaining({ applied: MIGRATIONS.map((m) => m.name) })]);
    expect(migrated[0].worker).toBeUndefined();
    const listening = api.lines().filter((l) => l.msg === 'worker listening');
    expect(listening.map((l) => l.worker).sort()).toEqual([1, 2]);
    for (const line of listening) expect(Date.parse(String(line.time))).toBeGreaterThanOrEqual(Date.parse(String(migrated[0].time)));
    const applied = await withServer((admin) => admin.raw('SELECT name FROM ??.knex_migrations ORDER BY id', [database]));
    expect(applied[0].map((r: { name: string }) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it('/metrics after N creates reports exactly N however many scrapes and whichever worker answers', async () => {
    const { api } = await startCluster('workers_metrics');
    const created = await Promise.all(Array.from({ length: 30 }, (_, i) => postJson(api.url, '/tasks', { title: `counted ${i}` })));
    expect(created.map((r) => r.status)).toEqual(Array(30).fill(201));
    const scrapes = [];
    for (let i = 0; i < 8; i += 1) scrapes.push(await request(api.url, 'GET', '/metrics'));
    for (const scrape of scrapes) {
      expect(scrape.status).toBe(200);
      expect(scrape.text).toContain('tasks_created_total 30\n');
      expect(scrape.text).toContain('http_requests_total{method="POST",route="/tasks",status="201"} 30\n');
      expect(scrape.text).toContain('http_request_duration_seconds_count{method="POST",route="/tasks",status="201"} 30\n');
      expect(scrape.text).toMatch(/process_resident_memory_bytes\{worker="1"\} \d+\n/);
      expect(scrape.text).toMatch(/process_resident_memory_bytes\{worker="2"\} \d+\n/);
      expect(scrape.text).toContain('api_workers 2\n');
    }
    // Both workers answered scrapes, and every request line says which worker wrote it.
    await api.waitForLine(() => requestLines(api, '/metrics').length === scrapes.length);
    expect(new Set(requestLines(api, '/metrics').map((l) => l.worker))).toEqual(new Set([1, 2]));
    expect(new Set(requestLines(api, '/tasks').map((l) => l.worker))).toEqual(new Set([1, 2]));
  });

  it('writes one TasksCreated EMF line per created task, in the same format as one process', async () => {
    const { api } = await startCluster('workers_emf');
    const created = await Promise.all(Array.from({ length: 6 }, (_, i) => postJson(api.url, '/tasks', { title: `emf ${i}` })));
    await api.waitForLine(() => api.lines().filter((l) => '_aws' in l).length === 6);
    const emf = api.lines().filter((l) => '_aws' in l);
    expect(emf.map((l) => l.taskId).sort()).toEqual(created.map((r) => r.body.id).sort());
    for (const line of emf) {
      expect(Object.keys(line)).toEqual(['_aws', 'TasksCreated', 'taskId', 'requestId']);
      expect(line).toMatchObject({ TasksCreated: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'TaskManagerMetrics', Dimensions: [[]], Metrics: [{ Name: 'TasksCreated', Unit: 'Count' }] }] } });
    }
  });

  it('replaces a worker killed with SIGKILL while the other keeps answering, and SIGTERM to the primary alone still drains both', async () => {
    const { api } = await startCluster('workers_crash');
    const killed = workerPid(api, 1);
    process.kill(killed, 'SIGKILL');
    const exited = await api.waitForLine((l) => l.msg === 'worker exited, replacing it');
    expect(exited).toMatchObject({ level: 'error', worker: 1, pid: killed, signal: 'SIGKILL', restartInMs: FIRST_RESTART_DELAY_MS, failures: 1 });
    // Meanwhile every request is answered (by worker 2, then by both).
    const statuses = [];
    for (let i = 0; i < 20; i += 1) statuses.push(await getStatus(api.url, '/tasks?limit=5'));
    expect(statuses).toEqual(Array(20).fill(200));
    const replacement = await api.waitForLine((l) => l.msg === 'worker listening' && l.worker === 1 && l.pid !== killed);
    // Requests until the replacement's own request line shows up (its logger buffers a moment): bounded by time, not by a count.
    const servedByReplacement = (): boolean => api.lines().some((l) => l.msg === 'request' && l.worker === 1 && Date.parse(String(l.time)) >= Date.parse(String(replacement.time)));
    for (const until = Date.now() + 15_000; !servedByReplacement() && Date.now() < until; ) {
      expect(await getStatus(api.url, '/health')).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(servedByReplacement()).toBe(true);
    expect((await request(api.url, 'GET', '/metrics')).text).toContain('api_worker_restarts_total 1\n');

    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
    expect(api.lines().filter((l) => l.msg === 'stopped').map((l) => l.worker ?? 'primary').sort()).toEqual([1, 2, 'primary']);
    expect(primaryLines(api).at(-1)).toMatchObject({ msg: 'stopped', signal: 'SIGTERM', clean: true });
  });

  it('restarts a worker that keeps crashing ever later (back-off doubling), never in a hot loop', async () => {
    const { api } = await startCluster('workers_backoff');
    const pids = new Set([workerPid(api, 1)]);
    for (let crash = 1; crash <= 3; crash += 1) {
      const pid = workerPid(api, 1);
      process.kill(pid, 'SIGKILL');
      const exited = await api.waitForLine((l) => l.msg === 'worker exited, replacing it' && l.pid === pid);
      expect(exited).toMatchObject({ worker: 1, failures: crash, restartInMs: restartDelayMs(crash) });
      const started = await api.waitForLine((l) => l.msg === 'worker started' && l.worker === 1 && !pids.has(Number(l.pid)));
      pids.add(Number(started.pid));
      expect(Date.parse(String(started.time)) - Date.parse(String(exited.time))).toBeGreaterThanOrEqual(restartDelayMs(crash) - 5);
      expect(await getStatus(api.url, '/health')).toBe(200);
    }
    expect(api.lines().filter((l) => l.msg === 'worker exited, replacing it').map((l) => l.restartInMs)).toEqual([250, 500, 1000]);
  });

  it('on SIGTERM to every process (as systemd sends it) answers every request in flight on either worker, loses none, exits 0', async () => {
    const { api, database } = await startCluster('workers_drain');
    // Two kept-alive connections, one per worker (handed out in turn), to ask /ready while draining.
    const keptAlive = [new http.Agent({ keepAlive: true, maxSockets: 1 }), new http.Agent({ keepAlive: true, maxSockets: 1 })];
    const getOn = (agent: http.Agent, path: string) =>
      new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
        http
          .get(`${api.url}${path}`, { agent }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
          })
          .on('error', reject);
      });
    for (const agent of keptAlive) expect((await getOn(agent, '/ready')).status).toBe(200);
    // Requests truly in flight on both workers: connected, headers and half the body sent.
    const slow = await Promise.all(Array.from({ length: 20 }, (_, i) => slowPost(api.url, JSON.stringify({ title: `in flight ${i}` }))));
    const burst = await connectedBurst(api.url, '/tasks?limit=5', 40);
    // A barrier: the primary hands connections out in the order it accepted them.
    expect(await getStatus(api.url, '/health')).toBe(200);
    for (const pid of [api.child.pid as number, workerPid(api, 1), workerPid(api, 2)]) process.kill(pid, 'SIGTERM');
    expect(await becomesRefused(api.url)).toBe(true);
    expect(api.child.exitCode).toBeNull(); // still waiting for the slow requests
    // Each worker, draining, says it is not ready (and asks the client to reconnect elsewhere).
    for (const agent of keptAlive) {
      expect(await getOn(agent, '/ready')).toMatchObject({ status: 503, body: expect.stringContaining('"shutting_down"'), connection: 'close' });
    }

    const answers = await Promise.all(slow.map((s) => s.finish()));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(answers.every((a) => a.connection === 'close')).toBe(true);
    expect(await burst.statuses).toEqual(Array(40).fill(200));
    expect(await api.exited).toBe(0);

    expect(new Set(requestLines(api, '/tasks').filter((l) => l.method === 'POST').map((l) => l.worker))).toEqual(new Set([1, 2]));
    expect(requestLines(api, '/ready').filter((l) => l.status === 503).map((l) => l.worker).sort()).toEqual([1, 2]);
    expect(primaryLines(api).at(-1)).toMatchObject({
      msg: 'stopped',
      clean: true,
      workers: [expect.objectContaining({ worker: 1, clean: true }), expect.objectContaining({ worker: 2, clean: true })],
    });
    const [rows] = await withServer((admin) => admin.raw('SELECT title FROM ??.tasks', [database]));
    expect(rows.map((r: { title: string }) => r.title).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `in flight ${i}`).sort());
  });
});

describe('restart back-off', () => {
  it('doubles from 0.25 s with each consecutive crash of a slot and stops growing at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map(restartDelayMs)).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, MAX_RESTART_DELAY_MS]);
  });

  it('starts over for a worker that ran a while, and counts each slot on its own', () => {
    const backoff = new RestartBackoff();
    expect([backoff.next(1, 100), backoff.next(1, 100), backoff.next(1, 100)].map((n) => n.delayMs)).toEqual([250, 500, 1000]);
    expect(backoff.next(2, 100)).toEqual({ delayMs: 250, failures: 1 });
    expect(backoff.next(1, STABLE_WORKER_MS)).toEqual({ delayMs: 250, failures: 1 });
  });
});
