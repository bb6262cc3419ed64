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
import { bundleLambda, LAMBDA_HANDLER, LambdaBundle } from './lambda-package';

/** TypeScript entry point of the worker, relative to the repository root. */
export const WORKER_ENTRY = 'api/worker/index.ts';
/** The Lambda `handler` setting for the bundle. */
export const WORKER_HANDLER = LAMBDA_HANDLER;
/** Default output directory (zip this directory; it holds index.js and index.js.map). */
export const WORKER_OUT_DIR = path.join('dist', 'bundles', 'worker');
/** Budget the tests enforce. */
export const WORKER_BUNDLE_MAX_BYTES = 1024 * 1024;

/** Bundles the worker under `root` (the repository) into `outDir` (absolute or relative to `root`). */
export function bundleWorker(root: string, outDir: string = WORKER_OUT_DIR): LambdaBundle {
  return bundleLambda(root, WORKER_ENTRY, outDir);
}
