/** The benchmark's summary: each server's mean over its runs, the ratios against the targets, and whether writes added up. */
import * as os from 'os';
import type { Measured } from './bench-load';
import type { EndpointKey, Target } from './bench-targets';

export const ENDPOINT_LABELS: Record<EndpointKey, string> = {
  page: 'GET /tasks (page of 20)',
  rows100: 'GET /tasks (100 rows)',
  post: 'POST /tasks',
};

/** A target of the issues: the API's throughput at least `minThroughput` times the baseline's, its p99 at most `maxP99` times. */
export interface Goal {
  readonly baseline: string;
  readonly endpoints: readonly EndpointKey[];
  readonly minThroughput: number;
  readonly maxP99: number;
}

interface Row {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpu?: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const pad = (v: string | number, n: number): string => String(v).padStart(n);

/** Prints the table and the goals; true when every run of our servers was clean and every write accounted for. */
export function report(results: readonly Measured[], targets: readonly Target[], api: Target, goals: readonly Goal[]): boolean {
  console.log(`\n${'endpoint'.padEnd(24)} ${'server'.padEnd(22)} ${pad('req/s', 7)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('CPU µs', 7)} ${pad('2xx', 8)} ${pad('non-2xx', 8)} ${pad('errors', 7)}  rows created / 201s sent`);
  const rows = new Map<string, Row>();
  let clean = true;
  for (const endpoint of Object.keys(ENDPOINT_LABELS) as EndpointKey[]) {
    for (const target of targets) {
      const runs = results.filter((r) => r.endpoint === endpoint && r.target === target.name);
      if (runs.length === 0) continue;
      const row: Row = {
        rps: mean(runs.map((r) => r.rps)),
        p50: mean(runs.map((r) => r.p50)),
        p99: mean(runs.map((r) => r.p99)),
        cpu: runs.every((r) => r.cpuMicros !== undefined) ? mean(runs.map((r) => r.cpuMicros as number)) : undefined,
      };
      rows.set(`${target.name} ${endpoint}`, row);
      const non2xx = runs.reduce((a, r) => a + r.non2xx, 0);
      const errors = runs.reduce((a, r) => a + r.errors, 0);
      const counted = runs.reduce((a, r) => a + r.ok, 0);
      const created = runs.reduce((a, r) => a + (r.rowsCreated ?? 0), 0);
      const sent = runs.every((r) => r.server201 !== undefined) ? runs.reduce((a, r) => a + (r.server201 ?? 0), 0) : undefined;
      // Every 201 autocannon counted was sent by the server, and every row has its 201.
      const writesOk = endpoint !== 'post' || sent === undefined || (created === sent && counted <= sent);
      if (target.ours) clean &&= writesOk && non2xx === 0 && errors === 0;
      const writes = endpoint !== 'post' ? '' : sent === undefined ? `${created} / -` : `${created} / ${sent} ${writesOk ? '(equal)' : '(MISMATCH)'}`;
      console.log(
        `${ENDPOINT_LABELS[endpoint].padEnd(24)} ${target.name.padEnd(22)} ${pad(row.rps.toFixed(0), 7)} ${pad(row.p50.toFixed(1), 7)} ${pad(row.p99.toFixed(1), 7)} ${pad(row.cpu?.toFixed(0) ?? '-', 7)} ${pad(counted, 8)} ${pad(non2xx, 8)} ${pad(errors, 7)}  ${writes}`,
      );
    }
  }

  console.log('');
  for (const goal of goals) {
    for (const endpoint of goal.endpoints) {
      const base = rows.get(`${goal.baseline} ${endpoint}`);
      const ours = rows.get(`${api.name} ${endpoint}`);
      if (!base || !ours) continue;
      const ratio = ours.rps / base.rps;
      const p99 = ours.p99 / base.p99;
      console.log(
        `${ENDPOINT_LABELS[endpoint]}: ${api.name} / ${goal.baseline} = ${ratio.toFixed(2)}x throughput (goal >= ${goal.minThroughput}x: ${ratio >= goal.minThroughput ? 'ok' : 'BELOW'}), ` +
          `p99 ${ours.p99.toFixed(1)} vs ${base.p99.toFixed(1)} ms = ${p99.toFixed(2)}x (goal <= ${goal.maxP99}x: ${p99 <= goal.maxP99 ? 'ok' : 'ABOVE'})`,
      );
    }
  }
  // CPU per request is what decides an instance's capacity: the API alone on all cores.
  const cores = os.availableParallelism();
  for (const endpoint of Object.keys(ENDPOINT_LABELS) as EndpointKey[]) {
    const ours = rows.get(`${api.name} ${endpoint}`);
    if (ours?.cpu) console.log(`${ENDPOINT_LABELS[endpoint]}: ${ours.cpu.toFixed(0)} µs CPU per request -> about ${((cores * 1e6) / ours.cpu).toFixed(0)} req/s with the API alone on ${cores} cores`);
  }
  return clean;
}
