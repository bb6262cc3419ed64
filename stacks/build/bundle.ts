/**
 * One esbuild call for every deployable we ship as a single file: the API (run by systemd on
 * EC2) and the queue worker (a Lambda). Minified CommonJS for Node 20, with a source map.
 * Synth calls this on every run, so an unchanged bundle is not rebuilt.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildIfStale } from './incremental-build.cjs';

export interface BundleOptions {
  /** TypeScript entry point, e.g. `api/src/server.ts`. */
  readonly entry: string;
  /** Output file, e.g. `dist/bundles/api/index.js`. */
  readonly outFile: string;
  /** Packages left out of the bundle (native modules, drivers the code never loads). */
  readonly external?: readonly string[];
}

export interface BundleResult {
  readonly outFile: string;
  readonly bytes: number;
  /** SHA-256 of the bundle, hex: changes whenever the code does. */
  readonly sha256: string;
}

export function bundle(options: BundleOptions): BundleResult {
  fs.mkdirSync(path.dirname(options.outFile), { recursive: true });
  buildIfStale({
    entryPoints: [options.entry],
    outfile: options.outFile,
    bundle: true,
    platform: 'node',
    // The syntax both Node 20 (development machines) and Node 22 (EC2, Lambda) run.
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: 'external',
    legalComments: 'none',
    external: [...(options.external ?? [])],
    logLevel: 'error',
  }, `${options.outFile}.inputs.json`);
  const contents = fs.readFileSync(options.outFile);
  return {
    outFile: options.outFile,
    bytes: contents.length,
    sha256: crypto.createHash('sha256').update(contents).digest('hex'),
  };
}
