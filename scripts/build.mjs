// Builds what synth and the scripts run, with esbuild and no type-check (that is `npm run lint`):
//   dist/main.js       the synth entry point as one bundle (one file loads far faster than
//                      cdktf's ~1,000 modules), rebuilt only when an input changed;
//   dist/scripts/*.js  the project's command-line scripts, transpiled.
// `node scripts/build.mjs` builds both; scripts/synth.mjs builds both and then synthesizes.
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { buildIfStale } = require('../stacks/build/incremental-build.cjs');

const common = { platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' };

export function buildSynthApp() {
  // esbuild runs a native binary of its own, so it stays a package at run time.
  buildIfStale(
    { ...common, entryPoints: ['main.ts'], outfile: 'dist/main.js', bundle: true, external: ['esbuild'] },
    'dist/main.js.inputs.json',
  );
}

export function buildScripts() {
  const scripts = readdirSync('scripts').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => `scripts/${f}`);
  buildIfStale({ ...common, entryPoints: scripts, outdir: 'dist/scripts', bundle: true, packages: 'external' }, 'dist/scripts.inputs.json');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildSynthApp();
  buildScripts();
}
