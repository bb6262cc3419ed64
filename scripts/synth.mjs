// `npm run synth` (and the cdktf CLI's app): brings dist/ up to date and runs dist/main.js in this
// same process, so a synth costs one Node start-up, not two.
import { createRequire } from 'node:module';
import { buildScripts, buildSynthApp } from './build.mjs';

buildSynthApp();
buildScripts();
createRequire(import.meta.url)('../dist/main.js');
