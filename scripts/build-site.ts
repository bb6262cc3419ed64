/**
 * `npm run build:site`: builds the web page into dist/site with a local runtime config (the API
 * serving the page itself, at `/api`, no sign-in) and prints its files and JavaScript size.
 * `npm run api` runs it first and serves the folder (SITE_DIR).
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { API_BASE_PATH } from '../api/contract/web';
import { bundleSite, SITE_JS_BUDGET_GZIP_BYTES, SITE_OUT_DIR } from '../stacks/build/bundle-site';

const ROOT = path.resolve(__dirname, '..', '..');

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string', default: SITE_OUT_DIR }, quiet: { type: 'boolean', default: false } } });
  const site = bundleSite(ROOT, { outDir: values.out, runtimeConfig: { apiBase: API_BASE_PATH, auth: null } });
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  if (!values.quiet) {
    for (const file of site.files) console.log(`${file.key.padEnd(34)} ${kib(file.bytes).padStart(10)}  ${file.contentType}; ${file.cacheControl}`);
  }
  console.log(`site: ${path.relative(ROOT, site.outDir)}, JavaScript ${kib(site.jsGzipBytes)} gzipped (budget ${kib(SITE_JS_BUDGET_GZIP_BYTES)})`);
  if (site.jsGzipBytes > SITE_JS_BUDGET_GZIP_BYTES) {
    console.error('the page is over its JavaScript budget');
    process.exit(1);
  }
}

main();
