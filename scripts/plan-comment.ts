/**
 * Prints the Markdown of the pull-request plan comment (see scripts/plan/render.ts).
 *
 *   npm run plan-comment -- [options] <stack>=<plan.json> [<stack>=<plan.json> ...]
 *
 * Each argument names a stack and what became of its plan:
 *   dev=plans/dev.json              the output of `terraform show -json <planfile>`
 *   dev=error:plans/dev.stderr      terraform failed: the file holds its output (shown as a failure)
 *   dev=skipped:<reason>            not planned on purpose (e.g. a pull request from a fork)
 * A plan file that is missing, empty or not a plan is reported as a failed plan, so a broken
 * plan step can never turn into a comment that says "No changes".
 *
 * Options:
 *   --marker NAME      hidden marker `<!-- NAME -->` (default taskmanager-plan)
 *   --title TEXT       heading (default "Terraform plan")
 *   --output FILE      write to FILE instead of stdout
 *   --github-context   add the commit and a link to the run from GITHUB_* variables
 *   --max-length N     cap below GitHub's 65,536 characters (default 65,000)
 */
import * as fs from 'fs';
import { parsePlan } from './plan/model';
import { renderComment, type RenderOptions, type StackResult } from './plan/render';

export interface CliOptions {
  readonly stacks: readonly StackSpec[];
  readonly marker?: string;
  readonly title?: string;
  readonly output?: string;
  readonly githubContext: boolean;
  readonly maxLength?: number;
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
    else if (arg === '--max-length') {
      maxLength = Number(value());
      if (!Number.isInteger(maxLength) || maxLength < 1000) throw new UsageError('--max-length must be an integer of at least 1000');
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else {
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
  if (stacks.length === 0) throw new UsageError('usage: plan-comment [options] <stack>=<plan.json> [<stack>=error:<stderr file>] [<stack>=skipped:<reason>] ...');
  return { stacks, marker, title, output, githubContext, maxLength };
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

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { markdown: string; options: CliOptions } {
  const options = parseArgs(argv);
  const render: RenderOptions = {
    marker: options.marker,
    title: options.title,
    maxLength: options.maxLength,
    context: options.githubContext ? githubContextLine(env) : undefined,
  };
  return { markdown: renderComment(options.stacks.map(loadStack), render), options };
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
