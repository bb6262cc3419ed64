/**
 * `npm run bench:api`: throughput and latency of the API against MySQL, beside a bare Node
 * `http` + mysql2 server doing the same two endpoints, so the ratio means something on a shared
 * machine whose absolute figures swing.
 *
 *   1. MariaDB on 127.0.0.1:3306 (scripts/mariadb.sh installs/starts it when needed).
 *   2. The API as shipped (the esbuild bundle), request logging on (stdout and LOG_FILE to files),
 *      and the bare server, each a child process.
 *   3. autocannon, a separate process, 64 connections for BENCH_SECONDS (10) per run, after a
 *      short warm-up: GET /tasks (100 seeded tasks, first page of 20) and POST /tasks.
 *   4. Prints req/s, p50/p99 latency, non-2xx and errors, the API/bare ratio, and checks that the
 *      rows created equal the 201 answers counted.
 *
 * Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (64), TEST_MYSQL_URL (root URL of the server).
 * Traffic only ever goes to 127.0.0.1.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import mysql from 'mysql2/promise';
import { bundleApi } from '../stacks/build/bundle-api';
import { freePort } from './support/free-port';

const ROOT = process.cwd();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SERVER_URL = new URL(process.env.TEST_MYSQL_URL ?? 'mysql://taskmanager_test:taskmanager-test@127.0.0.1:3306');
// Named tm_* so the tests' own account (scripts/mariadb.sh) may create it.
const DATABASE = 'tm_bench';
const SEED_ROWS = 100;
const POST_BODY = JSON.stringify({ title: 'benchmark task', description: 'created by npm run bench:api', status: 'In Progress' });

interface RunResult {
  readonly target: string;
  readonly endpoint: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

// ---------------------------------------------------------------- the bare baseline server
/**
 * The same two endpoints with nothing but Node's http and a mysql2 pool of 10: same SQL, same
 * JSON, a minimal body check. No logging, no metrics, no framework: the ceiling to compare with.
 */
async function serveBare(port: number): Promise<void> {
  const pool = mysql.createPool({
    host: SERVER_URL.hostname,
    port: Number(SERVER_URL.port || 3306),
    user: decodeURIComponent(SERVER_URL.username),
    password: decodeURIComponent(SERVER_URL.password),
    database: DATABASE,
    connectionLimit: 10,
    timezone: 'Z',
  });
  const toTask = (r: Record<string, unknown>): Record<string, unknown> => ({
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
  });
  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  let created = 0;
  http
    .createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/stats') {
        send(res, 200, { created });
      } else if (req.method === 'GET' && req.url === '/tasks') {
        pool
          .query('select `id`, `title`, `description`, `status`, `created_at`, `updated_at` from `tasks` order by `id` asc limit ?', [21])
          .then(([rows]) => {
            const list = (rows as Array<Record<string, unknown>>).map(toTask);
            send(res, 200, { tasks: list.slice(0, 20), nextCursor: list.length > 20 ? 'x' : null });
          })
          .catch(() => send(res, 500, { error: 'db' }));
      } else if (req.method === 'POST' && req.url === '/tasks') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          let input: { title?: unknown; description?: unknown; status?: unknown };
          try {
            input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return send(res, 400, { error: 'json' });
          }
          if (typeof input.title !== 'string') return send(res, 400, { error: 'title' });
          const now = new Date();
          const task = { title: input.title, description: String(input.description ?? ''), status: String(input.status ?? 'To Do') };
          pool
            .query('insert into `tasks` (`title`, `description`, `status`, `created_at`, `updated_at`) values (?, ?, ?, ?, ?)', [task.title, task.description, task.status, now, now])
            .then(([result]) => {
              const id = (result as { insertId: number }).insertId;
              created += 1;
              res.setHeader('location', `/tasks/${id}`);
              send(res, 201, { id, ...task, createdAt: now.toISOString(), updatedAt: now.toISOString() });
            })
            .catch(() => send(res, 500, { error: 'db' }));
        });
      } else send(res, 404, { error: 'not found' });
    })
    .listen(port, '127.0.0.1', () => process.stdout.write(`bare server listening on ${port}\n`));
}

// ---------------------------------------------------------------- orchestration helpers

async function admin(): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: SERVER_URL.hostname,
    port: Number(SERVER_URL.port || 3306),
    user: decodeURIComponent(SERVER_URL.username),
    password: decodeURIComponent(SERVER_URL.password),
    multipleStatements: false,
  });
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Back to exactly SEED_ROWS tasks, so every run starts from the same table. */
async function reseed(db: mysql.Connection): Promise<void> {
  await db.query(`TRUNCATE TABLE \`${DATABASE}\`.tasks`);
  const now = new Date();
  const rows = Array.from({ length: SEED_ROWS }, (_, i) => [`seeded task ${i + 1}`, `description ${i + 1}`, ['To Do', 'In Progress', 'Done'][i % 3], now, now]);
  await db.query(`INSERT INTO \`${DATABASE}\`.tasks (title, description, status, created_at, updated_at) VALUES ?`, [rows]);
}

async function countRows(db: mysql.Connection): Promise<number> {
  const [rows] = await db.query(`SELECT COUNT(*) AS n FROM \`${DATABASE}\`.tasks`);
  return Number((rows as Array<{ n: number }>)[0].n);
}

/** autocannon in its own process (so the load generator does not share the server's event loop). */
function autocannon(url: string, method: 'GET' | 'POST', seconds: number): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const args = [path.join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'), '-c', String(CONNECTIONS), '-d', String(seconds), '--json', '-m', method];
  if (method === 'POST') args.push('-H', 'content-type=application/json', '-b', POST_BODY);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`autocannon printed no JSON: ${out}\n${err}`));
      }
    });
  });
}

interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid?: number;
  /** 201s the server itself says it sent (so in-flight answers at the cut-off still count). */
  created201(): Promise<number>;
}

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux). CPU per request is far
 * steadier than requests/s on a shared machine: it does not depend on who else wants the cores.
 */
function cpuSeconds(pid?: number): number | undefined {
  if (!pid) return undefined;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

interface Measured extends RunResult {
  /** Server CPU time per answered request, microseconds. */
  readonly cpuMicros?: number;
  /** Rows the run added, 201s the server sent: equal when no write was lost or invented. */
  readonly rowsCreated?: number;
  readonly server201?: number;
}

async function run(target: Target, method: 'GET' | 'POST', db: mysql.Connection): Promise<Measured> {
  await reseed(db);
  await autocannon(`${target.url}/tasks`, method, 2); // warm-up: JIT, pools, connections
  // Warm-up requests still on the wire must land before the counters below are read.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await reseed(db);
  const rowsBefore = await countRows(db);
  const sentBefore = await target.created201();
  const cpuBefore = cpuSeconds(target.pid);
  const r = await autocannon(`${target.url}/tasks`, method, SECONDS);
  // autocannon stops after its duration with requests possibly still on the wire: let them land.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const cpuAfter = cpuSeconds(target.pid);
  const answered = r['2xx'] + r.non2xx;
  const post = method === 'POST';
  return {
    target: target.name,
    endpoint: `${method} /tasks`,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    cpuMicros: cpuBefore !== undefined && cpuAfter !== undefined && answered > 0 ? ((cpuAfter - cpuBefore) * 1e6) / answered : undefined,
    rowsCreated: post ? (await countRows(db)) - rowsBefore : undefined,
    server201: post ? (await target.created201()) - sentBefore : undefined,
  };
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  return res.text();
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'mariadb.sh')], { stdio: 'inherit' });
  const db = await admin();
  await db.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await db.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-api-'));
  const bundle = bundleApi('dist/bundles/api-bench/index.js', ROOT).outFile;
  const apiPort = await freePort();
  const barePort = await freePort();
  const databaseUrl = `mysql://${SERVER_URL.username}:${SERVER_URL.password}@${SERVER_URL.hostname}:${SERVER_URL.port || 3306}/${DATABASE}`;
  // stdout to a file, like journald taking it on EC2; LOG_FILE on too, as on EC2.
  const apiOut = fs.openSync(path.join(work, 'api.stdout.log'), 'w');
  const api = spawn(process.execPath, [bundle], {
    env: { PATH: process.env.PATH ?? '', PORT: String(apiPort), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_FILE: path.join(work, 'taskmanager.log'), LOG_LEVEL: 'info' },
    stdio: ['ignore', apiOut, 'inherit'],
  });
  const bare = spawn(process.execPath, [__filename, '--serve-bare', String(barePort)], { stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
  const targets: Target[] = [
    {
      name: 'bare node+mysql2',
      url: `http://127.0.0.1:${barePort}`,
      pid: bare.pid,
      created201: async () => (JSON.parse(await fetchText(`http://127.0.0.1:${barePort}/stats`)) as { created: number }).created,
    },
    {
      name: 'API (koa+knex)',
      url: `http://127.0.0.1:${apiPort}`,
      pid: api.pid,
      created201: async () => {
        const metrics = await fetchText(`http://127.0.0.1:${apiPort}/metrics`);
        const match = /^http_requests_total\{method="POST",route="\/tasks",status="201"\} (\d+)$/m.exec(metrics);
        return match ? Number(match[1]) : 0;
      },
    },
  ];
  const results: Measured[] = [];
  try {
    await waitFor(`http://127.0.0.1:${apiPort}/ready`);
    await waitFor(`http://127.0.0.1:${barePort}/tasks`);
    console.log(`bench: ${CONNECTIONS} connections, ${SECONDS} s per run, ${SEED_ROWS} seeded tasks, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}, node ${process.version}`);
    // bare, API, API, bare: a machine getting busier or quieter during the runs biases neither side.
    for (const method of ['GET', 'POST'] as const) {
      for (const target of [targets[0], targets[1], targets[1], targets[0]]) {
        const result = await run(target, method, db);
        results.push(result);
        const cpu = result.cpuMicros !== undefined ? `  server CPU ${result.cpuMicros.toFixed(0)} µs/request` : '';
        console.log(`  ${result.target.padEnd(18)} ${result.endpoint.padEnd(12)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms${cpu}`);
      }
    }
  } finally {
    await stop(api);
    await stop(bare);
    await db.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await db.end();
    fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  }

  const logLines = fs.readFileSync(path.join(work, 'taskmanager.log'), 'utf8').split('\n').filter((l) => l.includes('"msg":"request"')).length;
  fs.rmSync(work, { recursive: true, force: true });

  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const pad = (v: string | number, n: number): string => String(v).padStart(n);
  console.log(`\n${'target'.padEnd(18)} ${'endpoint'.padEnd(12)} ${pad('req/s', 7)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('CPU µs', 7)} ${pad('2xx', 7)} ${pad('non-2xx', 8)} ${pad('errors', 7)}  rows created / 201s sent`);
  const summary = new Map<string, { rps: number; p50: number; p99: number; cpu?: number; non2xx: number; errors: number }>();
  let failed = false;
  for (const endpoint of ['GET /tasks', 'POST /tasks']) {
    for (const target of targets) {
      const runs = results.filter((r) => r.endpoint === endpoint && r.target === target.name);
      if (runs.length === 0) continue;
      const row = {
        rps: mean(runs.map((r) => r.rps)),
        p50: mean(runs.map((r) => r.p50)),
        p99: mean(runs.map((r) => r.p99)),
        cpu: runs.every((r) => r.cpuMicros !== undefined) ? mean(runs.map((r) => r.cpuMicros as number)) : undefined,
        non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
        errors: runs.reduce((a, r) => a + r.errors + r.timeouts, 0),
      };
      summary.set(`${target.name} ${endpoint}`, row);
      const writes = runs.filter((r) => r.rowsCreated !== undefined);
      const rows = writes.reduce((a, r) => a + (r.rowsCreated ?? 0), 0);
      const sent = writes.reduce((a, r) => a + (r.server201 ?? 0), 0);
      const counted = runs.reduce((a, r) => a + r.ok, 0);
      // Every 201 autocannon counted was sent by the server, and every row has its 201.
      const writesOk = writes.length === 0 || (rows === sent && counted <= sent);
      failed ||= !writesOk || row.non2xx > 0 || row.errors > 0;
      console.log(
        `${target.name.padEnd(18)} ${endpoint.padEnd(12)} ${pad(row.rps.toFixed(0), 7)} ${pad(row.p50.toFixed(1), 7)} ${pad(row.p99.toFixed(1), 7)} ${pad(row.cpu?.toFixed(0) ?? '-', 7)} ${pad(counted, 7)} ${pad(row.non2xx, 8)} ${pad(row.errors, 7)}  ${writes.length ? `${rows} / ${sent} ${writesOk ? '(equal)' : '(MISMATCH)'}` : ''}`,
      );
    }
  }
  console.log('');
  for (const endpoint of ['GET /tasks', 'POST /tasks']) {
    const bareRow = summary.get(`${targets[0].name} ${endpoint}`);
    const apiRow = summary.get(`${targets[1].name} ${endpoint}`);
    if (!bareRow || !apiRow) continue;
    const ratio = apiRow.rps / bareRow.rps;
    console.log(
      `${endpoint}: API/bare = ${(ratio * 100).toFixed(0)}% (target >= 70%: ${ratio >= 0.7 ? 'ok' : 'BELOW'}), ` +
        `API p99 ${apiRow.p99.toFixed(1)} ms (target < 30 ms: ${apiRow.p99 < 30 ? 'ok' : 'ABOVE'}), non-2xx/errors ${apiRow.non2xx + apiRow.errors}` +
        (apiRow.cpu !== undefined && bareRow.cpu !== undefined ? `; server CPU per request API/bare = ${(apiRow.cpu / bareRow.cpu).toFixed(2)}x` : ''),
    );
  }
  console.log(`API request log lines written to LOG_FILE: ${logLines}`);
  if (failed) process.exitCode = 1;
}

if (process.argv[2] === '--serve-bare') {
  void serveBare(Number(process.argv[3]));
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
