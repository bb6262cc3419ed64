/**
 * Lambda deployables: a bundle whose `handler` export is the function (`index.handler`), and its
 * deployment package, the bundle zipped as `index.js` and rewritten only when the bundle changed,
 * so that Lambda updates only then. The AWS SDK clients are bundled rather than taken from the
 * runtime, so the deployed code runs exactly the versions the tests ran.
 */
import * as crypto from 'crypto';
import * as path from 'path';
import { bundle, BundleResult } from './bundle';
import { zipUnlessCurrent } from './zip';

/** What a Lambda construct deploys. */
export interface LambdaPackage {
  /** The deployment package on this machine. */
  readonly zipFile: string;
  /** Base64 SHA-256 of the zip, as Lambda reports it: the function updates only when this changes. */
  readonly zipSha256Base64: string;
  /** The Lambda `handler` setting. */
  readonly handler: string;
}

/** The Lambda `handler` of every bundle: its `handler` export. */
export const LAMBDA_HANDLER = 'index.handler';

export type LambdaBundle = BundleResult & { readonly handler: string; readonly outDir: string };

/**
 * Bundles `entry` (relative to `root`) into `outDir` (absolute or relative to `root`) as `index.js`;
 * `external` lists packages left out (e.g. the database drivers knex names but never loads).
 */
export function bundleLambda(root: string, entry: string, outDir: string, external: readonly string[] = []): LambdaBundle {
  const out = path.resolve(root, outDir);
  const result = bundle({ entry: path.join(root, entry), outFile: path.join(out, 'index.js'), external });
  return { ...result, handler: LAMBDA_HANDLER, outDir: out };
}

/** The bundle's deployment package, `<outDir>/../<name>.zip`. */
export function packageLambda(built: LambdaBundle): LambdaPackage {
  const zipFile = path.join(built.outDir, '..', `${path.basename(built.outDir)}.zip`);
  const zip = zipUnlessCurrent(zipFile, { 'index.js': built.outFile });
  return { zipFile, zipSha256Base64: crypto.createHash('sha256').update(zip).digest('base64'), handler: built.handler };
}
