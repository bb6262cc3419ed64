import { App } from 'cdktf';
import * as path from 'path';
import { API_BUNDLE_EXTERNALS, API_BUNDLE_FILE, bundleApi } from './build/bundle-api';
import { bundleWorker } from './build/bundle-worker';
import { bundleLambda, packageLambda } from './build/lambda-package';
import { bundleSite } from './build/bundle-site';
import type { ProjectConfig } from './config';
import { BootstrapStack } from './bootstrap-stack';
import { Builds, EnvironmentStack } from './environment-stack';

export const BOOTSTRAP_STACK = 'bootstrap';
/** The database set-up function's entry point, relative to the repository root. */
const DATABASE_SETUP_ENTRY = 'api/db-setup/index.ts';
/** The migration function's entry point, relative to the repository root. */
const DATABASE_MIGRATIONS_ENTRY = 'api/db-setup/migrate.ts';

export interface BuildAppOptions {
  /** The repository root: where the API and worker sources are and dist/ goes. */
  readonly projectRoot: string;
  /** cdktf's output folder (default: CDKTF_OUTDIR or cdktf.out). */
  readonly outdir?: string;
}

/** Bundles what the environments deploy (cached: unchanged sources are not rebuilt). */
export function buildDeployables(projectRoot: string): Builds {
  const api = bundleApi(API_BUNDLE_FILE, projectRoot);
  return {
    api: { file: api.outFile, sha256: api.sha256 },
    worker: packageLambda(bundleWorker(projectRoot)),
    databaseSetup: packageLambda(bundleLambda(projectRoot, DATABASE_SETUP_ENTRY, path.join('dist', 'bundles', 'db-setup'))),
    // knex, as in the API: the drivers it names but never loads stay out.
    databaseMigrations: packageLambda(bundleLambda(projectRoot, DATABASE_MIGRATIONS_ENTRY, path.join('dist', 'bundles', 'db-migrate'), API_BUNDLE_EXTERNALS)),
    // Not dist/site, which `npm run api` serves with a local config.json of its own.
    site: bundleSite(projectRoot, { outDir: path.join('dist', 'bundles', 'site') }).files,
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
