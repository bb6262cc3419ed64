/**
 * `npm run build:site`: builds the web page into dist/site with a local runtime config (the API
 * serving the page itself, at `/api`) and prints its files and JavaScript size. `npm run api` runs
 * it first and serves the folder (SITE_DIR).
 *
 * No sign-in, unless the API's AUTH_ISSUER and AUTH_CLIENT_ID are set: then AUTH_DOMAIN (the hosted
 * UI's base URL) is needed too, and AUTH_SCOPES (default `openid email`) may be, so that
 * `npm run api` with those settings signs in against a real user pool at http://localhost:3000/.
 */
import * as path from 'path';
import { ConfigError } from '../api/contract/config-error';
import { API_BASE_PATH, parseRuntimeConfig, RuntimeConfig } from '../api/contract/web';
import { bundleSite, SITE_JS_BUDGET_GZIP_BYTES, SITE_OUT_DIR } from '../stacks/build/bundle-site';
import { commandLineOrExit } from './support/cli';

const ROOT = path.resolve(__dirname, '..', '..');

/** The page's sign-in settings from the same environment the API reads. */
function localRuntimeConfig(env: NodeJS.ProcessEnv): RuntimeConfig {
  const { AUTH_ISSUER: issuer, AUTH_CLIENT_ID: clientId, AUTH_DOMAIN: domain, AUTH_SCOPES: scopes = 'openid email' } = env;
  // The API makes pictures only with a queue and a bucket (never in plain local SQLite mode).
  const images = Boolean(env.QUEUE_URL && env.IMAGES_BUCKET);
  if (!issuer && !clientId) return { apiBase: API_BASE_PATH, auth: null, images };
  if (!domain) throw ConfigError.of('AUTH_DOMAIN', 'is required with AUTH_ISSUER and AUTH_CLIENT_ID (the hosted UI base URL the page signs in at)');
  return parseRuntimeConfig({ apiBase: API_BASE_PATH, auth: { issuer, clientId, domain, scopes: scopes.split(/\s+/).filter(Boolean) }, images });
}

const COMMAND = {
  invocation: 'npm run build:site --',
  summary: 'Builds the web page with a local runtime config and prints its files and JavaScript size.\nSign-in: AUTH_ISSUER, AUTH_CLIENT_ID and AUTH_DOMAIN (AUTH_SCOPES, default "openid email"); none without them.',
  flags: {
    out: { type: 'string', default: SITE_OUT_DIR, value: 'DIR', description: `where the page goes (default ${SITE_OUT_DIR})` },
    quiet: { type: 'boolean', default: false, description: 'print the summary line only, not every file' },
  },
} as const;

function main(): void {
  const { values } = commandLineOrExit(COMMAND);
  const runtimeConfig = localRuntimeConfig(process.env);
  const site = bundleSite(ROOT, { outDir: values.out, runtimeConfig });
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  if (!values.quiet) {
    for (const file of site.files) console.log(`${file.key.padEnd(34)} ${kib(file.bytes).padStart(10)}  ${file.contentType}; ${file.cacheControl}`);
  }
  console.log(`site: ${path.relative(ROOT, site.outDir)}, ${runtimeConfig.auth ? `sign-in at ${runtimeConfig.auth.domain}` : 'no sign-in'}, JavaScript ${kib(site.jsGzipBytes)} gzipped (budget ${kib(SITE_JS_BUDGET_GZIP_BYTES)})`);
  if (site.jsGzipBytes > SITE_JS_BUDGET_GZIP_BYTES) {
    console.error('the page is over its JavaScript budget');
    process.exit(1);
  }
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
