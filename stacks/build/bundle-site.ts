/**
 * Builds the web page (api/web/) into a folder of static files for the static bucket: hashed
 * asset names under `assets/` (cached for a year, immutable), `index.html` revalidated on every
 * load. Synth calls it and uploads every file as an `aws_s3_object` with the content type and
 * cache control listed here; the runtime config (`config.json`) is written by the stacks as its
 * own object, since it holds values only known at apply time.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { buildSync } from 'esbuild';
import { RUNTIME_CONFIG_FILE, RuntimeConfig, siteObjectHeaders } from '../../api/contract/web';

export const SITE_ENTRY = 'api/web/main.tsx';
export const SITE_TEMPLATE = 'api/web/index.html';
export const SITE_TSCONFIG = 'api/web/tsconfig.json';
/** Default output folder, relative to the repository. */
export const SITE_OUT_DIR = path.join('dist', 'site');
/** The page's JavaScript budget, gzipped (the tests enforce it). */
export const SITE_JS_BUDGET_GZIP_BYTES = 100 * 1024;

export interface SiteFile {
  /** The object key, relative to the site root: `index.html`, `assets/main-5ZQ3KX2A.js`. */
  readonly key: string;
  /** The file on disk. */
  readonly path: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly bytes: number;
  /** SHA-256, hex: changes whenever the content does (an object's etag source). */
  readonly sha256: string;
}

export interface SiteBuild {
  readonly outDir: string;
  /** Every file of the site, sorted by key. */
  readonly files: readonly SiteFile[];
  /** All JavaScript of the page, gzipped (what a first visit downloads). */
  readonly jsGzipBytes: number;
}

export interface BundleSiteOptions {
  /**
   * Output folder, absolute or relative to the repository; emptied first.
   * @default SITE_OUT_DIR
   */
  readonly outDir?: string;
  /**
   * Also write `config.json` with this content (local use and tests; on AWS the stacks write it).
   * @default none written
   */
  readonly runtimeConfig?: RuntimeConfig;
}

/** Builds the site under `root` (the repository) and lists its files with their headers. */
export function bundleSite(root: string, options: BundleSiteOptions = {}): SiteBuild {
  const outDir = path.resolve(root, options.outDir ?? SITE_OUT_DIR);
  fs.rmSync(outDir, { recursive: true, force: true });
  const result = buildSync({
    entryPoints: [path.join(root, SITE_ENTRY)],
    outdir: outDir,
    entryNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(root, SITE_TSCONFIG),
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.relative(outDir, path.resolve(file)).split(path.sep).join('/'));
  const script = outputs.find((key) => key.endsWith('.js'));
  const stylesheet = outputs.find((key) => key.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`the site build made no script or no stylesheet: ${outputs.join(', ')}`);
  const html = fs.readFileSync(path.join(root, SITE_TEMPLATE), 'utf8').replace('%SCRIPT%', script).replace('%STYLESHEET%', stylesheet);
  fs.writeFileSync(path.join(outDir, 'index.html'), html);
  if (options.runtimeConfig) fs.writeFileSync(path.join(outDir, RUNTIME_CONFIG_FILE), `${JSON.stringify(options.runtimeConfig, null, 2)}\n`);

  const files = listFiles(outDir).map((key): SiteFile => {
    const file = path.join(outDir, key);
    const headers = siteObjectHeaders(key);
    if (!headers) throw new Error(`the site build made ${key}, a type the site does not serve`);
    const contents = fs.readFileSync(file);
    return { key, path: file, ...headers, bytes: contents.length, sha256: crypto.createHash('sha256').update(contents).digest('hex') };
  });
  const jsGzipBytes = files.filter((f) => f.key.endsWith('.js')).reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(f.path), { level: 9 }).length, 0);
  return { outDir, files, jsGzipBytes };
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}
