// Transpiles the TypeScript that synth and the scripts run into dist/ with esbuild (tens of
// milliseconds), so `synth` never pays for ts-node; type-checking happens in `npm run lint`.
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['main.ts', 'stacks', 'scripts'];

function typescriptFiles(path) {
  if (statSync(path).isFile()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path).flatMap((entry) => typescriptFiles(join(path, entry)));
}

await build({
  entryPoints: roots.flatMap(typescriptFiles),
  outdir: 'dist',
  outbase: '.',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
});
