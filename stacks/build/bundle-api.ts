/**
 * Builds the API as the single file that ships to EC2 (`node index.js` under systemd). Synth
 * calls it (stacks/app.ts) for the build it uploads; tests call it for the build they start.
 */
import * as path from 'path';
import { bundle, BundleResult } from './bundle';

export const API_ENTRY = 'api/src/server.ts';
export const API_BUNDLE_FILE = 'dist/bundles/api/index.js';

/**
 * Left out of the bundle. knex `require`s every dialect's driver by name, but only the configured
 * one is ever loaded, so the drivers we never use are external (esbuild would fail to resolve
 * them). better-sqlite3 is a native addon: it cannot be bundled and is only loaded for the
 * embedded database; on EC2 (MySQL) it is never required.
 */
export const API_BUNDLE_EXTERNALS: readonly string[] = [
  'better-sqlite3',
  'sqlite3',
  'mysql',
  'mariadb',
  'pg',
  'pg-native',
  'pg-query-stream',
  'tedious',
  'oracledb',
];

export function bundleApi(outFile: string, root: string): BundleResult {
  // Paths relative to the repository root, whether this runs from source (jest) or from dist/.
  const fromRoot = (p: string): string => (path.isAbsolute(p) ? p : path.join(root, p));
  return bundle({ entry: fromRoot(API_ENTRY), outFile: fromRoot(outFile), external: API_BUNDLE_EXTERNALS });
}

