import { App } from 'cdktf';
import { API_BUNDLE_FILE, bundleApi } from './build/bundle-api';
import * as crypto from 'crypto';
import * as path from 'path';
import { bundleWorker } from './build/bundle-worker';
import { zipUnlessCurrent } from './build/zip';
import type { ProjectConfig } from './config';
import { BootstrapStack } from './bootstrap-stack';
import { Builds, EnvironmentStack } from './environment-stack';

export const BOOTSTRAP_STACK = 'bootstrap';

export interface BuildAppOptions {
  /** The repository root: where the API and worker sources are and dist/ goes. */
  readonly projectRoot: string;
  /** cdktf's output folder (default: CDKTF_OUTDIR or cdktf.out). */
  readonly outdir?: string;
}

/** Bundles what the environments deploy (cached: unchanged sources are not rebuilt). */
export function buildDeployables(projectRoot: string): Builds {
  const api = bundleApi(API_BUNDLE_FILE, projectRoot);
  const worker = bundleWorker(projectRoot);
  const zipFile = path.join(worker.outDir, '..', 'worker.zip');
  const zip = zipUnlessCurrent(zipFile, { 'index.js': worker.outFile });
  return {
    api: { file: api.outFile, sha256: api.sha256 },
    worker: { zipFile, zipSha256Base64: crypto.createHash('sha256').update(zip).digest('base64'), handler: worker.handler },
  };
}

/** The whole app: the bootstrap stack and one stack per configured environment, named after it. */
export function buildApp(config: ProjectConfig, options: BuildAppOptions): App {
  // No construct stack traces in the output: they cost a tenth of the synth time and nobody reads them.
  const app = new App({ outdir: options.outdir, stackTraces: false });
  new BootstrapStack(app, BOOTSTRAP_STACK, { config });
  const builds = buildDeployables(options.projectRoot);
  for (const env of config.environments) {
    new EnvironmentStack(app, env.name, { project: config.project, env, builds });
  }
  return app;
}
