/**
 * What a pull request or a push changes, for the workflows (delivery/review/changes.ts): run in the
 * synth job after checkout.
 *
 *   node dist/scripts/pipeline-changes.js --base REF [--head REF] [--output FILE] [--github-output]
 *
 * The changed files are `git diff --name-only BASE HEAD` (a pull request's merge commit: its first
 * parent; a push: the commit main was at). An empty base, all zeros (a new branch) or a base git
 * does not have means "unknown": everything is planned. Writes the summary as JSON to --output and
 * `plan` and `pipeline` (true/false) to $GITHUB_OUTPUT.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { parseArgs } from 'util';
import { type ChangeSummary, classifyChanges } from '../delivery/review/changes';
import { commandLineOrExit } from './support/cli';

/** The files changed between two commits, or undefined when git cannot tell. */
export function changedFiles(base: string, head = 'HEAD', cwd = process.cwd()): string[] | undefined {
  if (!base || /^0+$/.test(base)) return undefined;
  try {
    return execFileSync('git', ['diff', '--name-only', '--no-renames', base, head], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    return undefined;
  }
}

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ChangeSummary {
  const { values } = parseArgs({ args: [...argv], options: { base: { type: 'string', default: '' }, head: { type: 'string', default: 'HEAD' }, output: { type: 'string' }, 'github-output': { type: 'boolean', default: false } } });
  const summary = classifyChanges(changedFiles(values.base!, values.head));
  if (values.output) fs.writeFileSync(values.output, JSON.stringify(summary));
  if (values['github-output']) {
    if (!env.GITHUB_OUTPUT) throw new Error('--github-output: GITHUB_OUTPUT is not set');
    fs.appendFileSync(env.GITHUB_OUTPUT, `plan=${summary.plan}\npipeline=${summary.pipeline.length > 0}\n`);
  }
  return summary;
}

const COMMAND = {
  invocation: 'node dist/scripts/pipeline-changes.js --',
  summary: 'Classifies the files a pull request changes: does synth read any, does it change the pipeline.',
  flags: {
    base: { type: 'string', value: 'SHA', description: 'the base commit (default: none)' },
    head: { type: 'string', value: 'SHA', description: 'the head commit (default HEAD)' },
    output: { type: 'string', value: 'FILE', description: 'write the classification as JSON' },
    'github-output': { type: 'boolean', default: false, description: 'append its outputs to $GITHUB_OUTPUT' },
  },
} as const;

if (require.main === module) {
  commandLineOrExit(COMMAND);
  try {
    const s = run(process.argv.slice(2));
    console.log(`${s.files} changed files: ${s.synthInputs.length} read by synth (${s.plan ? 'plan' : 'nothing to plan'}), ${s.pipeline.length} of the pipeline`);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 64;
  }
}
