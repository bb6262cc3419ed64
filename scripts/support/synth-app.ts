/**
 * Runs the synth entry point (`dist/main.js`; `node scripts/build.mjs` brings it up to date) into a
 * folder of the caller's, with a clean environment: PATH, HOME and the given settings only, so a
 * developer's own TM_* variables never change what a script or a test synthesizes.
 */
import { execFileSync, type StdioOptions } from 'child_process';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..');

export interface SynthOptions {
  /** @default 'pipe' (the output is dropped unless the synth fails: then it is in the error) */
  readonly stdio?: StdioOptions;
  /** Milliseconds after which a hanging synth fails. @default no limit */
  readonly timeout?: number;
}

/** Synthesizes the app into `outDir` with `settings` (TASKMANAGER_CONFIG, TM_ENVIRONMENTS, ...) as its only settings. */
export function synthesizeApp(outDir: string, settings: NodeJS.ProcessEnv = {}, options: SynthOptions = {}): void {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outDir, ...settings };
  execFileSync(process.execPath, ['dist/main.js'], { cwd: REPO, env, stdio: options.stdio ?? 'pipe', timeout: options.timeout });
}
