// Jest runs CommonJS; a few dependencies (jose) ship only ES modules. esbuild (already the
// project's bundler) rewrites those files to CommonJS as jest loads them.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { loader: 'js', format: 'cjs', target: 'node20', sourcefile: filename, sourcemap: 'external' });
    return { code, map };
  },
};
