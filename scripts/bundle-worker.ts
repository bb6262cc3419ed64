/**
 * The worker Lambda's deployable: one minified CommonJS file, `index.js`, whose `handler` export
 * is the Lambda handler (`index.handler`). The infrastructure calls `bundleWorker()` during synth
 * and zips the output directory.
 *
 * The AWS SDK v3 clients the worker uses (S3, Bedrock Runtime) are bundled rather than taken from
 * the Lambda runtime, so the deployed code runs exactly the SDK versions the tests ran; the whole
 * bundle stays well under 1 MB (see docs/worker.md for the measured size).
 */
import * as path from 'path';
import { bundle, BundleResult } from './bundle';

/** TypeScript entry point of the worker, relative to the repository root. */
export const WORKER_ENTRY = 'api/worker/index.ts';
/** The Lambda `handler` setting for the bundle. */
export const WORKER_HANDLER = 'index.handler';
/** Nothing is left out: the SDK clients are pinned by bundling them. */
export const WORKER_EXTERNALS: readonly string[] = [];
/** Default output directory (zip this directory; it holds index.js and index.js.map). */
export const WORKER_OUT_DIR = path.join('dist', 'bundles', 'worker');
/** Budget the tests enforce. */
export const WORKER_BUNDLE_MAX_BYTES = 1024 * 1024;

export interface WorkerBundleOptions {
  /** Repository root (defaults to this file's parent folder, so it works from dist/ as well). */
  readonly rootDir?: string;
  /** Output directory, absolute or relative to rootDir. */
  readonly outDir?: string;
}

export function bundleWorker(options: WorkerBundleOptions = {}): BundleResult & { handler: string; outDir: string } {
  const rootDir = options.rootDir ?? findRoot();
  const outDir = path.resolve(rootDir, options.outDir ?? WORKER_OUT_DIR);
  const result = bundle({
    entry: path.join(rootDir, WORKER_ENTRY),
    outFile: path.join(outDir, 'index.js'),
    external: WORKER_EXTERNALS,
  });
  return { ...result, handler: WORKER_HANDLER, outDir };
}

function findRoot(): string {
  // scripts/bundle-worker.ts when run from source, dist/scripts/bundle-worker.js when built.
  const here = __dirname;
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '..', '..') : path.resolve(here, '..');
}

// Run as a script (not when imported, nor when bundled into another script).
if (require.main === module && /bundle-worker\.[jt]s$/.test(require.main.filename)) {
  const result = bundleWorker();
  const kib = (result.bytes / 1024).toFixed(1);
  process.stdout.write(`${result.outFile}: ${kib} KiB, sha256 ${result.sha256}, handler ${result.handler}\n`);
}
