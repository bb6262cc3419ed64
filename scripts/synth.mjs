// `npm run synth` (and the cdktf CLI's app): brings dist/ up to date and runs dist/main.js in this
// same process, so a synth costs one Node start-up, not two. Then it says what it wrote, one line
// per stack, and removes the folders of stacks this synth did not produce (e.g. after
// TM_ENVIRONMENTS=dev), so cdktf.out never mixes a fresh stack with a stale one.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildScripts, buildSynthApp } from './build.mjs';

const started = process.hrtime.bigint();
buildSynthApp();
buildScripts();
createRequire(import.meta.url)('../dist/main.js');

if (!process.exitCode) {
  const outDir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const manifest = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8'));
  const written = new Set();
  for (const stack of Object.values(manifest.stacks)) {
    const dir = path.join(outDir, stack.workingDirectory);
    const json = JSON.parse(readFileSync(path.join(outDir, stack.synthesizedStackPath), 'utf8'));
    const resources = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    written.add(path.basename(dir));
    console.log(`${stack.name}: ${resources} resources -> ${dir}`);
  }
  const stacksDir = path.join(outDir, 'stacks');
  for (const name of existsSync(stacksDir) ? readdirSync(stacksDir) : []) {
    if (!written.has(name)) {
      rmSync(path.join(stacksDir, name), { recursive: true, force: true });
      console.log(`${name}: removed (not in this synth)`);
    }
  }
  console.log(`synthesized ${written.size} stacks in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s`);
}
