/**
 * The servers `npm run bench:api` measures, each a child process on 127.0.0.1: the API as shipped,
 * the bare baseline, and, with `--peers`, the course's Flask app and the bare node peer when their
 * files are there (the project never depends on them: without them they are skipped, said so).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** What the benchmark asks each server for. */
export type EndpointKey = 'page' | 'rows100' | 'post';

export interface Target {
  readonly name: string;
  readonly url: string;
  /** The path that does each endpoint's work on this server; absent when it has no such endpoint. */
  readonly paths: Partial<Record<EndpointKey, string>>;
  /** The project's own servers: a non-2xx or an error from them fails the benchmark. */
  readonly ours: boolean;
  /** 201s the server itself says it sent (in-flight answers at autocannon's cut-off included), when it can tell. */
  created201?(): Promise<number>;
  /** CPU seconds used by the server and all its processes (workers) so far (Linux /proc). */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

/** The peers' files, from `--peers-dir`, BENCH_PEERS_DIR, or ../shared/peers beside the repository. */
export function peersDirectory(root: string, argv: readonly string[]): string {
  const flag = argv.indexOf('--peers-dir');
  return path.resolve(root, flag >= 0 ? argv[flag + 1] : (process.env.BENCH_PEERS_DIR ?? path.join('..', 'shared', 'peers')));
}

/**
 * CPU seconds of a process and its descendants (a cluster primary and its workers, gunicorn and
 * its workers), utime + stime from /proc in USER_HZ (100) ticks. Steadier than requests/s on a
 * shared machine: it does not depend on who else wants the cores.
 */
export function processTreeCpuSeconds(root: number | undefined): number | undefined {
  if (!root) return undefined;
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  if (!stats.has(root)) return undefined;
  const inTree = (pid: number): boolean => {
    for (let p = pid; p > 1; p = stats.get(p)?.parent ?? 0) if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) ticks += stat.ticks;
  return ticks / 100;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(child.exitCode !== null ? `exited with code ${child.exitCode}` : `${url} did not answer 200 within ${timeoutMs} ms`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface ServerProcess {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  readonly readyPath: string;
  readonly paths: Target['paths'];
  readonly ours: boolean;
  readonly cwd?: string;
  /** Where its stdout goes (the API's: a file, like journald taking it on EC2). */
  readonly stdoutFile?: string;
  created201?(url: string): Promise<number>;
}

async function startServer(server: ServerProcess): Promise<Target> {
  const stdout = server.stdoutFile ? fs.openSync(server.stdoutFile, 'w') : 'ignore';
  let stderr = '';
  const child = spawn(server.command, server.args, { env: server.env, cwd: server.cwd, stdio: ['ignore', stdout, 'pipe'] });
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const url = `http://127.0.0.1:${server.port}`;
  try {
    await spawned;
    await waitFor(`${url}${server.readyPath}`, child);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`${server.name} did not start: ${(error as Error).message}${stderr ? `\n${stderr.trim()}` : ''}`);
  }
  return {
    name: server.name,
    url,
    paths: server.paths,
    ours: server.ours,
    created201: server.created201 ? () => server.created201!(url) : undefined,
    cpuSeconds: () => processTreeCpuSeconds(child.pid),
    stop: () => stopProcess(child),
  };
}

const ALL_ENDPOINTS = { page: '/tasks', rows100: '/tasks?limit=100', post: '/tasks' } as const;

export function startApi(bundle: string, port: number, databaseUrl: string, workers: number, workDir: string): Promise<Target> {
  return startServer({
    name: `API (API_WORKERS=${workers})`,
    command: process.execPath,
    args: [bundle],
    // Request logging on, to stdout and LOG_FILE, as on EC2.
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, API_WORKERS: String(workers), LOG_FILE: path.join(workDir, 'taskmanager.log'), LOG_LEVEL: 'info' },
    stdoutFile: path.join(workDir, 'api.stdout.log'),
    port,
    readyPath: '/ready',
    paths: ALL_ENDPOINTS,
    ours: true,
    created201: async (url) => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      return Number(/^http_requests_total\{method="POST",route="\/tasks",status="201"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    },
  });
}

/** The bare baseline: this script again, as `--serve-bare <port>`. */
export function startBare(script: string, port: number): Promise<Target> {
  return startServer({
    name: 'bare node+mysql2',
    command: process.execPath,
    args: [script, '--serve-bare', String(port)],
    env: process.env,
    port,
    readyPath: '/stats',
    paths: ALL_ENDPOINTS,
    ours: true,
    created201: async (url) => ((await (await fetch(`${url}/stats`)).json()) as { created: number }).created,
  });
}

/** Says why a peer is skipped and goes on without it. */
async function optionalPeer(name: string, file: string, start: () => Promise<Target>): Promise<Target | undefined> {
  if (!fs.existsSync(file)) {
    console.log(`${name}: skipped, ${file} is not there (pass --peers-dir or set BENCH_PEERS_DIR)`);
    return undefined;
  }
  try {
    return await start();
  } catch (error) {
    console.log(`${name}: skipped, ${(error as Error).message}`);
    return undefined;
  }
}

export interface MysqlAccount {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
}

/** `raw_node_api.js`: bare node:http + mysql2 on our `tasks` table, GET only. */
export function startNodePeer(dir: string, port: number, account: MysqlAccount, database: string, root: string): Promise<Target | undefined> {
  const file = path.join(dir, 'raw_node_api.js');
  return optionalPeer('bare node peer', file, () =>
    startServer({
      name: 'bare node peer',
      command: process.execPath,
      args: [file],
      env: { PATH: process.env.PATH ?? '', NODE_PATH: path.join(root, 'node_modules'), PORT: String(port), DB_HOST: account.host, DB_PORT: String(account.port), DB_USER: account.user, DB_PASSWORD: account.password, DB_NAME: database },
      port,
      readyPath: '/tasks',
      paths: { page: '/tasks', rows100: '/tasks?limit=100' },
      ours: false,
    }),
  );
}

/** `flask_app.py` under gunicorn with 3 workers, as the course deploys it; its GET /tasks returns every row. */
export function startFlask(dir: string, port: number, account: MysqlAccount, database: string): Promise<Target | undefined> {
  const credentials = `${encodeURIComponent(account.user)}:${encodeURIComponent(account.password)}`;
  return optionalPeer('Flask peer', path.join(dir, 'flask_app.py'), () =>
    startServer({
      name: 'Flask (gunicorn -w 3)',
      command: 'gunicorn',
      args: ['--workers', '3', '--bind', `127.0.0.1:${port}`, 'flask_app:app'],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', DATABASE_URI: `mysql+pymysql://${credentials}@${account.host}:${account.port}/${database}` },
      port,
      readyPath: '/tasks',
      paths: { rows100: '/tasks', post: '/tasks' },
      ours: false,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n  (it needs: apt-get install python3-flask python3-flask-sqlalchemy python3-pymysql gunicorn)`);
    }),
  );
}
