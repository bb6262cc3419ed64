/**
 * What the API's container image holds (the Dockerfile's build stage runs this): the same API
 * bundle that ships to EC2, the container's health check, and the web page, so that the
 * container serves what `npm run api` serves. Nothing else: no node_modules, no sources, no secrets.
 */
import * as fs from 'fs';
import * as path from 'path';
import { API_BASE_PATH } from '../../api/contract/web';
import { bundle } from './bundle';
import { API_BUNDLE_EXTERNALS, bundleApi } from './bundle-api';
import { bundleSite } from './bundle-site';

/** Where the image's files go by default (`/app` in the image). */
export const IMAGE_OUT_DIR = 'dist/image';

export interface ImageFiles {
  readonly outDir: string;
  /** Each file's path in the image (relative to /app) and size. */
  readonly files: readonly { readonly path: string; readonly bytes: number }[];
}

export function bundleImageFiles(root: string, outDir: string = IMAGE_OUT_DIR): ImageFiles {
  const out = path.resolve(root, outDir);
  fs.rmSync(out, { recursive: true, force: true });
  bundleApi(path.join(out, 'index.js'), root);
  bundle({ entry: path.join(root, 'api/src/healthcheck.ts'), outFile: path.join(out, 'healthcheck.js'), external: API_BUNDLE_EXTERNALS });
  // The page talks to the API that serves it, at /api; sign-in settings come with the deployment's config.json.
  bundleSite(root, { outDir: path.join(out, 'site'), runtimeConfig: { apiBase: API_BASE_PATH, auth: null } });
  // Build bookkeeping (esbuild's input lists) and source maps (8 MB the process never reads) stay out of the image.
  for (const file of fs.readdirSync(out)) if (file.endsWith('.inputs.json') || file.endsWith('.map')) fs.rmSync(path.join(out, file));
  const files = listFiles(out).map((file) => ({ path: path.relative(out, file), bytes: fs.statSync(file).size }));
  return { outDir: out, files };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}
