/**
 * `npm run bench:worker`: the worker bundle's size, its cold-start import time (fresh `node`
 * processes, median), the first-invocation set-up time (config + AWS SDK + clients), and the
 * throughput of the bundled handler on batches of 100 messages against the local servers
 * (s3rver and the local Bedrock used by the tests), with fresh keys every run.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { startLocalServers, uniqueId } from './support/env';
import { bundleWorker, WORKER_BUNDLE_MAX_BYTES } from '../stacks/build/bundle-worker';
import { commandLineOrExit } from './support/cli';

const COLD_RUNS = 9;
const BATCH = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One fresh process: time to require the bundle, then time of a first (empty) invocation. */
function coldStart(bundleFile: string): { importMs: number; firstInvokeMs: number } {
  const script = `
    const t0 = process.hrtime.bigint();
    const { handler } = require(${JSON.stringify(bundleFile)});
    const t1 = process.hrtime.bigint();
    handler({ Records: [] }, { getRemainingTimeInMillis: () => 30000 }).then(() => {
      const t2 = process.hrtime.bigint();
      process.stderr.write('\\n__BENCH__' + JSON.stringify({ importMs: Number(t1 - t0) / 1e6, firstInvokeMs: Number(t2 - t1) / 1e6 }) + '\\n');
    });`;
  const child = spawnSync(process.execPath, ['-e', script], {
    cwd: path.dirname(bundleFile),
    env: {
      PATH: process.env.PATH ?? '',
      IMAGES_BUCKET: 'bench-bucket',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`cold start run failed: ${child.stderr}`);
  const marker = /^__BENCH__(.*)$/m.exec(child.stderr);
  if (!marker) throw new Error(`cold start run printed no timing: ${child.stderr}`);
  return JSON.parse(marker[1]);
}

interface Handler {
  (event: unknown, context: unknown): Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
}

async function main(): Promise<void> {
  const built = bundleWorker(process.cwd());
  const runs = Array.from({ length: COLD_RUNS }, () => coldStart(built.outFile));
  const importMs = median(runs.map((r) => r.importMs));
  const firstInvokeMs = median(runs.map((r) => r.firstInvokeMs));

  const servers = await startLocalServers();
  Object.assign(process.env, servers.env());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require(built.outFile) as { handler: Handler };

  const scenarios: { label: string; modelDelayMs: number }[] = [
    { label: 'model answers at once (worker + S3 overhead)', modelDelayMs: 0 },
    { label: 'model takes 200 ms per image', modelDelayMs: 200 },
  ];
  const results: { label: string; seconds: number; perSecond: number }[] = [];
  const write = process.stdout.write.bind(process.stdout);
  try {
    for (const scenario of scenarios) {
      servers.bedrock.fallback = { kind: 'ok', delayMs: scenario.modelDelayMs };
      const callsBefore = servers.bedrock.calls.length;
      const records = Array.from({ length: BATCH }, (_, i) => ({
        messageId: `bench-${i}`,
        body: JSON.stringify({ prompt: `Benchmark picture number ${i}`, requestId: uniqueId('bench') }),
      }));
      let logLines = 0;
      // The handler logs JSON lines to stdout; count them instead of printing 200 lines.
      process.stdout.write = ((chunk: string | Uint8Array) => {
        logLines += String(chunk).split('\n').length - 1;
        return true;
      }) as typeof process.stdout.write;
      const started = process.hrtime.bigint();
      const result = await handler({ Records: records }, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 900_000 });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stdout.write = write;
      const calls = servers.bedrock.calls.length - callsBefore;
      if (result.batchItemFailures.length > 0 || calls !== BATCH || logLines < BATCH) {
        throw new Error(`bench run "${scenario.label}" was not clean: ${result.batchItemFailures.length} failures, ${calls} model calls`);
      }
      results.push({ label: scenario.label, seconds, perSecond: BATCH / seconds });
    }
  } finally {
    process.stdout.write = write;
    await servers.close();
  }

  const concurrency = process.env.WORKER_CONCURRENCY ?? '4 (default)';
  const lines = [
    `worker bundle      ${built.outFile}`,
    `  size             ${(built.bytes / 1024).toFixed(1)} KiB (${built.bytes} bytes; budget ${WORKER_BUNDLE_MAX_BYTES / 1024} KiB)`,
    `cold start (median of ${COLD_RUNS} fresh node ${process.version} processes)`,
    `  import           ${importMs.toFixed(1)} ms   (aim < 150 ms)`,
    `  first invocation ${firstInvokeMs.toFixed(1)} ms   (config + AWS SDK evaluation + clients, empty batch)`,
    `throughput, batch of ${BATCH}, bundled handler, WORKER_CONCURRENCY=${concurrency}`,
    ...results.map((r) => `  ${r.label.padEnd(46)} ${r.perSecond.toFixed(1).padStart(7)} messages/s  (${r.seconds.toFixed(2)} s)`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (built.bytes >= WORKER_BUNDLE_MAX_BYTES) process.exitCode = 1;
}

const COMMAND = {
  invocation: 'npm run bench:worker --',
  summary: 'The worker bundle\'s size, its cold-start import time, the first-invocation set-up time, and the handler\'s throughput on\nbatches of 100 messages against local stand-ins of S3 and Bedrock.',
  flags: {},
} as const;

commandLineOrExit(COMMAND);
main().catch((error) => {
  process.stderr.write(`bench:worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
