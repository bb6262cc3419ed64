/**
 * Prints the Markdown of the pull-request plan comment (see scripts/plan/render.ts).
 *
 *   npm run plan-comment -- [options] <stack>=<plan.json> [<stack>=<plan.json> ...]
 *
 * Each argument names a stack and what became of its plan:
 *   dev=plans/dev.json              the output of `terraform show -json <planfile>`
 *   dev=error:plans/dev.stderr      terraform failed: the file holds its output (shown as a failure)
 *   dev=skipped:<reason>            not planned on purpose (e.g. a pull request from a fork)
 *   dev                             with --dir DIR: DIR/dev.stderr if it exists (failed), else DIR/dev.json
 * A plan file that is missing, empty or not a plan is reported as a failed plan, so a broken
 * plan step can never turn into a comment that says "No changes".
 *
 * Options:
 *   --marker NAME      hidden marker `<!-- NAME -->` (default taskmanager-plan)
 *   --title TEXT       heading (default "Terraform plan")
 *   --output FILE      write to FILE instead of stdout
 *   --github-context   add the commit and a link to the run from GITHUB_* variables
 *   --max-length N     cap below GitHub's 65,536 characters (default 65,000)
 *   --dir DIR          where bare stack names are looked up (the layout terraform-ci writes)
 *   --github-output    append `has_changes` and `failed` (true/false) to $GITHUB_OUTPUT
 */
import * as fs from 'fs';
import * as path from 'path';
import { hasChanges, parsePlan, summarize } from './plan/model';
import { renderComment, type RenderOptions, type StackResult } from './plan/render';

export interface CliOptions {
  readonly stacks: readonly StackSpec[];
  readonly marker?: string;
  readonly title?: string;
  readonly output?: string;
  readonly githubContext: boolean;
  readonly maxLength?: number;
  readonly dir?: string;
  readonly githubOutput: boolean;
}

export type StackSpec =
  | { readonly stack: string; readonly kind: 'plan'; readonly file: string }
  | { readonly stack: string; readonly kind: 'error'; readonly file: string }
  | { readonly stack: string; readonly kind: 'skipped'; readonly reason: string };

export class UsageError extends Error {}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function parseArgs(argv: readonly string[]): CliOptions {
  const stacks: StackSpec[] = [];
  let marker: string | undefined;
  let title: string | undefined;
  let output: string | undefined;
  let maxLength: number | undefined;
  let githubContext = false;
  let githubOutput = false;
  let dir: string | undefined;
  const bare: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--marker') marker = value();
    else if (arg === '--title') title = value();
    else if (arg === '--output') output = value();
    else if (arg === '--github-context') githubContext = true;
    else if (arg === '--github-output') githubOutput = true;
    else if (arg === '--dir') dir = value();
    else if (arg === '--max-length') {
      maxLength = Number(value());
      if (!Number.isInteger(maxLength) || maxLength < 1000) throw new UsageError('--max-length must be an integer of at least 1000');
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (!arg.includes('=')) {
      if (!STACK_NAME.test(arg)) throw new UsageError(`not a stack name: ${JSON.stringify(arg)}`);
      bare.push(arg);
    } else {
      const eq = arg.indexOf('=');
      const stack = eq > 0 ? arg.slice(0, eq) : '';
      const target = eq > 0 ? arg.slice(eq + 1) : '';
      if (!STACK_NAME.test(stack) || target === '') throw new UsageError(`expected <stack>=<plan.json>, got ${JSON.stringify(arg)}`);
      if (stacks.some((s) => s.stack === stack)) throw new UsageError(`stack ${stack} given twice`);
      if (target.startsWith('error:')) stacks.push({ stack, kind: 'error', file: target.slice('error:'.length) });
      else if (target.startsWith('skipped:')) stacks.push({ stack, kind: 'skipped', reason: target.slice('skipped:'.length) || 'Not planned.' });
      else stacks.push({ stack, kind: 'plan', file: target });
    }
  }
  for (const stack of bare) {
    if (dir === undefined) throw new UsageError(`a bare stack name (${stack}) needs --dir`);
    if (stacks.some((s) => s.stack === stack)) throw new UsageError(`stack ${stack} given twice`);
    const stderr = path.join(dir, `${stack}.stderr`);
    stacks.push(fs.existsSync(stderr) ? { stack, kind: 'error', file: stderr } : { stack, kind: 'plan', file: path.join(dir, `${stack}.json`) });
  }
  if (stacks.length === 0) throw new UsageError('usage: plan-comment [options] <stack>=<plan.json> [<stack>=error:<stderr file>] [<stack>=skipped:<reason>] ...');
  return { stacks, marker, title, output, githubContext, maxLength, dir, githubOutput };
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads what a stack spec points at; every problem becomes a failed stack, never an exception. */
export function loadStack(spec: StackSpec): StackResult {
  if (spec.kind === 'skipped') return { stack: spec.stack, status: 'skipped', reason: spec.reason };
  if (spec.kind === 'error') {
    const text = readIfExists(spec.file);
    return { stack: spec.stack, status: 'failed', error: text ?? `(the error output ${spec.file} was not found)` };
  }
  const text = readIfExists(spec.file);
  if (text === undefined) return { stack: spec.stack, status: 'failed', error: `No plan: ${spec.file} was not found (the plan step failed before writing it).` };
  if (text.trim() === '') return { stack: spec.stack, status: 'failed', error: `No plan: ${spec.file} is empty.` };
  try {
    return { stack: spec.stack, status: 'planned', plan: parsePlan(text) };
  } catch (error) {
    return { stack: spec.stack, status: 'failed', error: `${spec.file} is not a Terraform JSON plan: ${(error as Error).message}` };
  }
}

/** "Commit abc1234 · workflow run" from the variables GitHub Actions sets, or undefined outside it. */
export function githubContextLine(env: NodeJS.ProcessEnv): string | undefined {
  const sha = env.GITHUB_SHA;
  if (!sha) return undefined;
  const parts = [`Commit \`${sha.slice(0, 7)}\``];
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
    parts.push(`[workflow run](${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt})`);
  }
  if (env.GITHUB_EVENT_NAME) parts.push(`event \`${env.GITHUB_EVENT_NAME}\``);
  return `<sub>${parts.join(' · ')}</sub>`;
}

/** Whether any stack has changes or drift, and whether any failed: for the workflow's next steps. */
export function outcome(results: readonly StackResult[]): { hasChanges: boolean; failed: boolean } {
  let changes = false;
  let failed = false;
  for (const r of results) {
    if (r.status === 'failed') failed = true;
    if (r.status !== 'planned') continue;
    const s = summarize(r.plan);
    if (s.failed) failed = true;
    if (hasChanges(s) || s.drift.length > 0) changes = true;
  }
  return { hasChanges: changes, failed };
}

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { markdown: string; options: CliOptions } {
  const options = parseArgs(argv);
  const results = options.stacks.map(loadStack);
  if (options.githubOutput) {
    if (!env.GITHUB_OUTPUT) throw new UsageError('--github-output: GITHUB_OUTPUT is not set');
    const o = outcome(results);
    fs.appendFileSync(env.GITHUB_OUTPUT, `has_changes=${o.hasChanges}\nfailed=${o.failed}\n`);
  }
  const render: RenderOptions = {
    marker: options.marker,
    title: options.title,
    maxLength: options.maxLength,
    context: options.githubContext ? githubContextLine(env) : undefined,
  };
  return { markdown: renderComment(results, render), options };
}

if (require.main === module) {
  try {
    const { markdown, options } = run(process.argv.slice(2));
    if (options.output) fs.writeFileSync(options.output, markdown);
    else process.stdout.write(markdown);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = error instanceof UsageError ? 64 : 1;
  }
}
