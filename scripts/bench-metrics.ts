/**
 * `npm run bench:metrics`: how a `/metrics` flood affects new connections with `API_WORKERS=2`
 * (issue 24: the primary both sums the metrics and hands out every connection). The bundle runs on
 * SQLite on 127.0.0.1; autocannon, in its own process, floods `/metrics` with 64 connections while
 * this process opens one new connection per `GET /health`, one after another. It prints the
 * /health latencies without and with the flood, the flood's requests/s, and the primary's CPU per
 * /metrics answer. Figures only: nothing here passes or fails.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { bundleApi } from '../stacks/build/bundle-api';
import { commandLineOrExit } from './support/cli';
import { freePort } from './support/free-port';

const ROOT = path.resolve(__dirname, '..', '..');
const PROBES = Number(process.env.BENCH_PROBES ?? 300);
const CONNECTIONS = 64;
const FLOOD_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function get(url: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
      })
      .on('error', reject);
  });
}

/** Up to PROBES new-connection GETs, one after another, while `going()` says so. */
async function probe(url: string, going: () => boolean = () => true): Promise<{ p50: number; p99: number; max: number; count: number }> {
  const times: number[] = [];
  for (let i = 0; i < PROBES && going(); i += 1) times.push(await get(`${url}/health`));
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p99: at(0.99), max: times[times.length - 1], count: times.length };
}

/** The primary's own CPU seconds (utime + stime), not its workers'. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function flood(url: string): { child: ChildProcess; result: Promise<{ requests: number; rps: number }> } {
  const args = [path.join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'), '-c', String(CONNECTIONS), '-d', String(FLOOD_SECONDS), '--json', `${url}/metrics`];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  const result = new Promise<{ requests: number; rps: number }>((resolve) =>
    child.on('exit', () => {
      const json = JSON.parse(out.trim().split('\n').pop() || '{}');
      resolve({ requests: json.requests?.total ?? 0, rps: json.requests?.average ?? 0 });
    }),
  );
  return { child, result };
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-metrics-'));
  const bundle = bundleApi(path.join(ROOT, 'dist', 'bundles', 'api-metrics-bench', 'index.js'), ROOT).outFile;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const api = spawn(process.execPath, [bundle], {
    cwd: work,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', API_WORKERS: '2', SQLITE_FILE: path.join(work, 'tasks.sqlite'), IMDS_ENDPOINT: 'http://127.0.0.1:9' },
    stdio: 'ignore',
  });
  try {
    for (let up = false; !up; ) up = await get(`${url}/health`).then(() => true, () => new Promise((r) => setTimeout(() => r(false), 200)));
    await probe(url); // warm-up
    console.log(`bench:metrics: ${PROBES} new connections for GET /health, ${CONNECTIONS}-connection /metrics flood, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(1)}, node ${process.version}`);
    const quiet = await probe(url);
    const load = flood(url);
    await new Promise((r) => setTimeout(r, 1000)); // the flood reaches full speed
    const cpuBefore = cpuSeconds(api.pid as number);
    const floodedAt = Date.now();
    const flooded = await probe(url, () => load.child.exitCode === null);
    const primaryCpu = cpuSeconds(api.pid as number) - cpuBefore;
    const seconds = (Date.now() - floodedAt) / 1000;
    const { rps } = await load.result;
    const row = (label: string, r: { p50: number; p99: number; max: number; count: number }) =>
      console.log(`  ${label.padEnd(28)} p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  max ${r.max.toFixed(1)} ms  (${r.count} connections)`);
    row('new connections, quiet', quiet);
    row('new connections, flooded', flooded);
    console.log(`  /metrics flood: ${rps.toFixed(0)} req/s; primary CPU ${(primaryCpu / seconds * 100).toFixed(0)} % of a core, ${rps > 0 ? ((primaryCpu / (rps * seconds)) * 1e6).toFixed(0) : '-'} µs per /metrics answer`);
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const COMMAND = {
  invocation: 'npm run bench:metrics --',
  summary: 'New-connection latency of GET /health with and without a /metrics flood, API_WORKERS=2, on 127.0.0.1.\nSettings: BENCH_PROBES (300), BENCH_SECONDS (10).',
  flags: {},
} as const;

commandLineOrExit(COMMAND);
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
