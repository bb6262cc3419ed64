// @ts-check
/**
 * esbuild with a make-like cache: a build is skipped when its options and every input file
 * (esbuild's own metafile list, node_modules included) are unchanged since the last build.
 * Plain CommonJS so that both scripts/build.mjs (before anything is compiled) and the
 * TypeScript bundler can use it.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

/** @param {string} file */
function stamp(file) {
  try {
    const stat = fs.statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * Runs esbuild unless `stampFile` says nothing changed. Returns whether it built.
 * @param {import('esbuild').BuildOptions} options
 * @param {string} stampFile where the inputs of the last build are recorded
 * @returns {boolean}
 */
function buildIfStale(options, stampFile) {
  const key = crypto.createHash('sha256').update(JSON.stringify(options)).digest('hex');
  const outputs = options.outfile ? [options.outfile] : [];
  try {
    const last = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    const unchanged =
      last.key === key &&
      outputs.every((f) => fs.existsSync(f)) &&
      (!options.outdir || fs.existsSync(options.outdir)) &&
      Object.entries(last.inputs).every(([file, was]) => stamp(file) === was);
    if (unchanged) return false;
  } catch {
    // No usable record of a previous build: build.
  }
  // Loaded only when needed: a fresh build skips esbuild's start-up entirely.
  const result = require('esbuild').buildSync({ ...options, metafile: true });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((f) => [f, stamp(path.resolve(options.absWorkingDir ?? '.', f))]));
  fs.mkdirSync(path.dirname(stampFile), { recursive: true });
  fs.writeFileSync(stampFile, JSON.stringify({ key, inputs }));
  return true;
}

module.exports = { buildIfStale };
