/**
 * `npm run bench:api`: throughput, latency and CPU per request of the API against MySQL, beside
 * servers doing the same work, in one run, so the ratios mean something on a shared machine whose
 * absolute figures swing.
 *
 *   npm run bench:api               the API (API_WORKERS=1: one process) vs a bare node:http +
 *                                   mysql2 server; goals of issue 14: >= 0.8x throughput, p99 <= 1.5x
 *   npm run bench:api -- --peers    the API with API_WORKERS=2 vs the course's Flask app (gunicorn,
 *                                   3 workers) and the bare node peer, from ../shared/peers when
 *                                   present (--peers-dir DIR or BENCH_PEERS_DIR), skipped otherwise;
 *                                   goals of issue 15: >= 3x Flask's throughput, p99 <= Flask's
 *
 * MariaDB on 127.0.0.1:3306 (scripts/mariadb.sh starts it when needed); every server reads the
 * same 100 seeded rows; autocannon, a separate process, 64 connections for BENCH_SECONDS (10) per
 * run after a 2 s warm-up: GET /tasks (page of 20), GET /tasks (100 rows), POST /tasks. Servers are
 * measured in mirrored order (A B C C B A) so a machine getting busier or quieter biases none.
 * Prints req/s, p50/p99, server CPU per request, non-2xx and errors, the goals, and checks that the
 * rows created equal the 201s sent (exit 1 when our servers erred or a write is unaccounted for).
 *
 * Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS (64), BENCH_API_WORKERS (1, or 2 with --peers),
 * TEST_MYSQL_URL (the server's URL). Traffic only ever goes to 127.0.0.1.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import mysql from 'mysql2/promise';
import { bundleApi } from '../stacks/build/bundle-api';
import { serveBare } from './support/bench-bare-server';
import { measure, Measured } from './support/bench-load';
import { ENDPOINT_LABELS, Goal, report } from './support/bench-report';
import { EndpointKey, MysqlAccount, peersDirectory, startApi, startBare, startFlask, startNodePeer, Target } from './support/bench-targets';
import { commandLineOrExit } from './support/cli';
import { freePort } from './support/free-port';

const ROOT = process.cwd();
const PEERS = process.argv.includes('--peers');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const API_WORKERS = Number(process.env.BENCH_API_WORKERS ?? (PEERS ? 2 : 1));
const SERVER_URL = new URL(process.env.TEST_MYSQL_URL ?? 'mysql://taskmanager_test:taskmanager-test@127.0.0.1:3306');
// Named tm_* so the tests' own account (scripts/mariadb.sh) may create them.
const DATABASE = 'tm_bench';
const FLASK_DATABASE = 'tm_bench_flask';
const SEED_ROWS = 100;

const account: MysqlAccount = {
  host: SERVER_URL.hostname,
  port: Number(SERVER_URL.port || 3306),
  user: decodeURIComponent(SERVER_URL.username),
  password: decodeURIComponent(SERVER_URL.password),
};

/** The same rows for every server: ours in `tasks`, Flask's in its own `task` table (id, title, description, status). */
function seededRows(): Array<[string, string, string]> {
  return Array.from({ length: SEED_ROWS }, (_, i) => [`seeded task ${i + 1}`, `description ${i + 1}`, ['To Do', 'In Progress', 'Done'][i % 3]]);
}

async function createDatabases(db: mysql.Connection): Promise<void> {
  for (const name of [DATABASE, FLASK_DATABASE]) {
    await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await db.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  }
  // Flask-SQLAlchemy's table for its Task model; the app has no migrations.
  await db.query(`CREATE TABLE \`${FLASK_DATABASE}\`.task (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT NULL, description VARCHAR(200), status VARCHAR(20))`);
}

function tables(db: mysql.Connection, flask: Target | undefined) {
  const tableOf = (target: Target): string => (target === flask ? `\`${FLASK_DATABASE}\`.task` : `\`${DATABASE}\`.tasks`);
  return {
    /** Back to exactly the seeded rows, so every run starts from the same tables. */
    async reseed(): Promise<void> {
      const now = new Date();
      await db.query(`TRUNCATE TABLE \`${DATABASE}\`.tasks`);
      await db.query(`INSERT INTO \`${DATABASE}\`.tasks (title, description, status, created_at, updated_at) VALUES ?`, [seededRows().map((r) => [...r, now, now])]);
      await db.query(`TRUNCATE TABLE \`${FLASK_DATABASE}\`.task`);
      await db.query(`INSERT INTO \`${FLASK_DATABASE}\`.task (title, description, status) VALUES ?`, [seededRows()]);
    },
    async countRows(target: Target): Promise<number> {
      const [rows] = await db.query(`SELECT COUNT(*) AS n FROM ${tableOf(target)}`);
      return Number((rows as Array<{ n: number }>)[0].n);
    },
  };
}

async function main(): Promise<void> {
  execFileSync('bash', [path.join(ROOT, 'scripts', 'mariadb.sh')], { stdio: 'inherit' });
  const db = await mysql.createConnection({ ...account, multipleStatements: false });
  await createDatabases(db);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-api-'));
  const bundle = bundleApi('dist/bundles/api-bench/index.js', ROOT).outFile;
  const databaseUrl = `mysql://${SERVER_URL.username}:${SERVER_URL.password}@${account.host}:${account.port}/${DATABASE}`;
  const started: Target[] = [];
  const results: Measured[] = [];
  let clean = false;
  const start = async <T extends Target | undefined>(starting: Promise<T>): Promise<T> => {
    const target = await starting;
    if (target) started.push(target);
    return target;
  };
  try {
    // The API first: its migrations create the `tasks` table the bare servers read.
    const api = await start(startApi(bundle, await freePort(), databaseUrl, API_WORKERS, work));
    const peersDir = peersDirectory(ROOT, process.argv);
    const flask = PEERS ? await start(startFlask(peersDir, await freePort(), account, FLASK_DATABASE)) : undefined;
    const nodePeer = PEERS ? await start(startNodePeer(peersDir, await freePort(), account, DATABASE, ROOT)) : undefined;
    const bare = await start(startBare(process.argv[1], await freePort()));
    const targets = [...[flask, nodePeer, bare].filter((t): t is Target => t !== undefined), api];
    const goals: Goal[] = [
      { baseline: bare.name, endpoints: ['page', 'rows100', 'post'], minThroughput: 0.8, maxP99: 1.5 },
      ...(nodePeer ? [{ baseline: nodePeer.name, endpoints: ['page', 'rows100'] as EndpointKey[], minThroughput: 0.8, maxP99: 1.5 }] : []),
      ...(flask ? [{ baseline: flask.name, endpoints: ['rows100', 'post'] as EndpointKey[], minThroughput: 3, maxP99: 1 }] : []),
    ];
    const load = { root: ROOT, connections: CONNECTIONS, seconds: SECONDS };
    console.log(`bench: ${CONNECTIONS} connections, ${SECONDS} s per run, ${SEED_ROWS} seeded rows, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(1)}, node ${process.version}`);
    for (const endpoint of Object.keys(ENDPOINT_LABELS) as EndpointKey[]) {
      const serving = targets.filter((t) => t.paths[endpoint] !== undefined);
      for (const target of [...serving, ...[...serving].reverse()]) {
        const result = await measure(load, target, endpoint, tables(db, flask));
        results.push(result);
        const cpu = result.cpuMicros !== undefined ? `  server CPU ${result.cpuMicros.toFixed(0)} µs/request` : '';
        console.log(`  ${ENDPOINT_LABELS[endpoint].padEnd(24)} ${target.name.padEnd(22)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms${cpu}`);
      }
    }
    clean = report(results, targets, api, goals);
    const logLines = fs.readFileSync(path.join(work, 'taskmanager.log'), 'utf8').split('\n').filter((l) => l.includes('"msg":"request"')).length;
    console.log(`API request log lines written to LOG_FILE: ${logLines}`);
  } finally {
    await Promise.all(started.map((t) => t.stop()));
    for (const name of [DATABASE, FLASK_DATABASE]) await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await db.end();
    fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (!clean) process.exitCode = 1;
}

const COMMAND = {
  invocation: 'npm run bench:api --',
  summary: 'Throughput, latency and CPU per request of the API against MySQL, beside servers doing the same work.\nSettings: BENCH_SECONDS (10), BENCH_CONNECTIONS (64), BENCH_API_WORKERS, TEST_MYSQL_URL.',
  flags: {
    peers: { type: 'boolean', default: false, description: 'also the course\'s Flask app and the bare node peer, with API_WORKERS=2 (issue 15\'s goals)' },
    'peers-dir': { type: 'string', value: 'DIR', description: 'where the peers are (default BENCH_PEERS_DIR, else ../shared/peers)' },
  },
} as const;

// The benchmark starts its bare server as `bench-api.js --serve-bare <port>` (internal).
if (process.argv[2] === '--serve-bare') {
  serveBare(Number(process.argv[3]), SERVER_URL, DATABASE);
} else {
  commandLineOrExit(COMMAND);
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
