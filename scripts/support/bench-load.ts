/** One measured run: autocannon, in a process of its own, against one server and endpoint. */
import { spawn } from 'child_process';
import * as path from 'path';
import type { EndpointKey, Target } from './bench-targets';

export const POST_BODY = JSON.stringify({ title: 'benchmark task', description: 'created by npm run bench:api', status: 'In Progress' });

export interface LoadSettings {
  readonly root: string;
  readonly connections: number;
  readonly seconds: number;
}

export interface Measured {
  readonly target: string;
  readonly endpoint: EndpointKey;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Server CPU time (all its processes) per answered request, microseconds. */
  readonly cpuMicros?: number;
  /** Rows the run added and 201s the server sent: equal when no write was lost or invented. */
  readonly rowsCreated?: number;
  readonly server201?: number;
}

/** autocannon in its own process, so the load generator does not share the server's event loop. */
function autocannon(settings: LoadSettings, url: string, method: 'GET' | 'POST', seconds: number): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const args = [path.join(settings.root, 'node_modules', 'autocannon', 'autocannon.js'), '-c', String(settings.connections), '-d', String(seconds), '--json', '-m', method];
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

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 500));

/**
 * Warm-up (JIT, pools, connections), back to the seeded rows, then the measured run. `reseed`
 * restores the seeded rows and `countRows` counts the target's table.
 */
export async function measure(
  settings: LoadSettings,
  target: Target,
  endpoint: EndpointKey,
  tables: { reseed(): Promise<void>; countRows(target: Target): Promise<number> },
): Promise<Measured> {
  const url = `${target.url}${target.paths[endpoint]}`;
  const method = endpoint === 'post' ? 'POST' : 'GET';
  await tables.reseed();
  await autocannon(settings, url, method, 2);
  // Warm-up requests still on the wire must land before the counters below are read.
  await settle();
  await tables.reseed();
  const post = method === 'POST';
  const rowsBefore = post ? await tables.countRows(target) : 0;
  const sentBefore = post ? await target.created201?.() : undefined;
  const cpuBefore = target.cpuSeconds();
  const r = await autocannon(settings, url, method, settings.seconds);
  // autocannon stops after its duration with requests possibly still on the wire: let them land.
  await settle();
  const cpuAfter = target.cpuSeconds();
  const answered = r['2xx'] + r.non2xx;
  const sentAfter = post ? await target.created201?.() : undefined;
  return {
    target: target.name,
    endpoint,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    cpuMicros: cpuBefore !== undefined && cpuAfter !== undefined && answered > 0 ? ((cpuAfter - cpuBefore) * 1e6) / answered : undefined,
    rowsCreated: post ? (await tables.countRows(target)) - rowsBefore : undefined,
    server201: sentBefore !== undefined && sentAfter !== undefined ? sentAfter - sentBefore : undefined,
  };
}
