/**
 * Synth benchmark: median wall time and peak memory of a full synth of every stack, over
 * several runs, for the three ways to run it:
 *   - `npm run synth`             our fast path (bundled app, no CLI)
 *   - `npx cdktf synth`           the cdktf CLI running our precompiled app (cdktf.json)
 *   - cdktf's default TS app      the CLI with `npx ts-node main.ts`, the baseline
 * and the ratio of the baseline to each. Peak memory comes from GNU time (Debian package `time`).
 *
 *   npm run bench:synth [-- --runs 5 --baseline-runs 3]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandLineOrExit } from './support/cli';

interface Measurement {
  readonly seconds: number;
  readonly peakKb?: number;
}

const GNU_TIME = '/usr/bin/time';

const COMMAND = {
  invocation: 'npm run bench:synth --',
  summary: 'Median wall time and peak memory of a full synth: npm run synth, npx cdktf synth, and cdktf\'s default ts-node app.',
  flags: {
    runs: { type: 'string', default: '5', value: 'N', description: 'runs of each fast way' },
    'baseline-runs': { type: 'string', default: '3', value: 'N', description: 'runs of the ts-node baseline (slow)' },
  },
} as const;

/** A positive whole number of runs. */
function runsOf(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${flag} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
    process.exit(64);
  }
  return n;
}

/** Runs a shell command once; fails loudly when it fails. */
function measure(command: string, env: NodeJS.ProcessEnv): Measurement {
  const timeFile = path.join(os.tmpdir(), `bench-synth-${process.pid}.time`);
  const withTime = fs.existsSync(GNU_TIME);
  const started = process.hrtime.bigint();
  const result = withTime
    ? spawnSync(GNU_TIME, ['-f', '%M', '-o', timeFile, 'sh', '-c', command], { env, encoding: 'utf8' })
    : spawnSync('sh', ['-c', command], { env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`\`${command}\` failed (${result.status}):\n${result.stderr || result.stdout}`);
  // GNU time's %M is the largest resident set of the command or any process it waited for.
  const peakKb = withTime ? Number(fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { seconds, peakKb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Result {
  readonly name: string;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly peakMb?: number;
}

function bench(name: string, command: string, runs: number, env: NodeJS.ProcessEnv): Result {
  measure(command, env); // warm-up: file cache, and the incremental build brought up to date
  const measurements = Array.from({ length: runs }, () => measure(command, env));
  const peaks = measurements.map((m) => m.peakKb).filter((kb): kb is number => kb !== undefined);
  return {
    name,
    medianSeconds: median(measurements.map((m) => m.seconds)),
    minSeconds: Math.min(...measurements.map((m) => m.seconds)),
    peakMb: peaks.length ? Math.max(...peaks) / 1024 : undefined,
  };
}

function main(): void {
  const { values } = commandLineOrExit(COMMAND);
  const runs = runsOf(values.runs, 'runs');
  const baselineRuns = runsOf(values['baseline-runs'], 'baseline-runs');
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-out-'));
  // No update checks against the network: they fail offline and would only add noise.
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1', CI: '1' };

  console.log(`Synth benchmark: ${runs} runs each (${baselineRuns} for the ts-node baseline), ${os.cpus().length} CPUs, node ${process.version}`);
  const results = [
    bench('npm run synth (bundled app, no CLI)', 'npm run --silent synth', runs, { ...env, CDKTF_OUTDIR: outdir }),
    bench('npx cdktf synth (precompiled app)', `npx cdktf synth --output ${outdir}`, runs, env),
    bench('npx cdktf synth (default ts-node app)', `npx cdktf synth --output ${outdir} --app "npx ts-node main.ts"`, baselineRuns, env),
  ];
  const baseline = results[2].medianSeconds;
  console.log('');
  console.log('| how | median wall (s) | fastest (s) | peak memory (MB) | baseline / this |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of results) {
    const peak = r.peakMb === undefined ? 'n/a (no GNU time)' : r.peakMb.toFixed(0);
    console.log(`| ${r.name} | ${r.medianSeconds.toFixed(2)} | ${r.minSeconds.toFixed(2)} | ${peak} | ${(baseline / r.medianSeconds).toFixed(1)}x |`);
  }
  const stacks = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).stacks as Record<string, { synthesizedStackPath: string }>;
  const resources = Object.entries(stacks).map(([name, s]) => {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, s.synthesizedStackPath), 'utf8'));
    const count = Object.values(json.resource ?? {}).reduce((n: number, byName) => n + Object.keys(byName as object).length, 0);
    return `${name} ${count}`;
  });
  console.log(`\nStacks and resources: ${resources.join(', ')}`);
  fs.rmSync(outdir, { recursive: true, force: true });
}

main();
