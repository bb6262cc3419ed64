/**
 * Prints the Markdown of the pull-request plan comment (delivery/plan/, delivery/review/).
 *
 *   npm run plan-comment -- [options] <stack>=<plan.json> [<stack>=<plan.json> ...]
 *
 * Stack arguments: see `parseStackSpecs` in delivery/plan/comment.ts.
 * Options:
 *   --marker NAME      hidden marker `<!-- NAME -->` (default taskmanager-plan)
 *   --title TEXT       heading (default "Terraform plan")
 *   --output FILE      write to FILE instead of stdout
 *   --step-summary     append to $GITHUB_STEP_SUMMARY instead of stdout
 *   --github-context   add the commit and a link to the run from GITHUB_* variables
 *   --max-length N     cap below GitHub's 65,536 characters (default 65,000)
 *   --dir DIR          where bare stack names are looked up (the layout terraform-ci writes)
 *   --github-output    append `has_changes` and `failed` (true/false) to $GITHUB_OUTPUT
 *   --synth DIR        the synthesized app the plans are of: adds the policy section, the cost
 *                      table and the plan's fingerprint (the typed config is loaded as synth loads it)
 *   --review FILE      also write what the PR gets (comment, labels, status) as JSON, for publishPlan
 *   --head SHA, --base SHA   the pull request's head and base commits (the fingerprint, the status)
 *   --require-plan     a stack that was not planned (a fork) fails the command
 *   --changes FILE     the pull request's changed files, classified (pipeline-changes --output): a change
 *                      to the pipeline opens the comment with a warning; with nothing synth reads changed,
 *                      the comment says so and no plan is read
 * Exit code: 0; 1 when a stack's plan failed or is unreadable, or was not planned with
 * --require-plan (the Markdown is written all the same); 64 for a usage error.
 */
import * as fs from 'fs';
import { parseArgs as parseCommandLine } from 'util';
import { loadConfig } from '../stacks/config';
import { githubContextLine, loadStack, outcome, parseStackSpecs, type StackSpec, UsageError } from '../delivery/plan/comment';
import { renderComment } from '../delivery/plan/render';
import type { ChangeSummary } from '../delivery/review/changes';
import { nothingToPlanReview, planReview } from '../delivery/review/pull-request';

export interface CliOptions {
  readonly stacks: readonly StackSpec[];
  readonly marker?: string;
  readonly title?: string;
  readonly output?: string;
  readonly stepSummary: boolean;
  readonly githubContext: boolean;
  readonly maxLength?: number;
  readonly dir?: string;
  readonly githubOutput: boolean;
  readonly synth?: string;
  readonly review?: string;
  readonly head?: string;
  readonly base?: string;
  readonly requirePlan: boolean;
  readonly changes?: string;
}

const SHA = /^[0-9a-f]{40}$/;

export function parseArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseCommandLine({
      args: [...argv],
      allowPositionals: true,
      options: {
        marker: { type: 'string' },
        title: { type: 'string' },
        output: { type: 'string' },
        'step-summary': { type: 'boolean', default: false },
        'github-context': { type: 'boolean', default: false },
        'github-output': { type: 'boolean', default: false },
        'max-length': { type: 'string' },
        dir: { type: 'string' },
        synth: { type: 'string' },
        review: { type: 'string' },
        head: { type: 'string' },
        base: { type: 'string' },
        'require-plan': { type: 'boolean', default: false },
        changes: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  let maxLength: number | undefined;
  if (values['max-length'] !== undefined) {
    maxLength = Number(values['max-length']);
    if (!Number.isInteger(maxLength) || maxLength < 1000) throw new UsageError('--max-length must be an integer of at least 1000');
  }
  for (const name of ['head', 'base'] as const) {
    if (values[name] !== undefined && !SHA.test(values[name]!)) throw new UsageError(`--${name} must be a 40-hex commit SHA`);
  }
  if (values.review && !values.synth) throw new UsageError('--review needs --synth (the fingerprint digests the synthesized code)');
  return {
    stacks: parseStackSpecs(positionals, values.dir),
    marker: values.marker,
    title: values.title,
    output: values.output,
    stepSummary: values['step-summary'],
    githubContext: values['github-context'],
    maxLength,
    dir: values.dir,
    githubOutput: values['github-output'],
    synth: values.synth,
    review: values.review,
    head: values.head,
    base: values.base,
    requirePlan: values['require-plan'],
    changes: values.changes,
  };
}

export interface RunResult {
  readonly markdown: string;
  readonly options: CliOptions;
  readonly exitCode: number;
  /** Why the exit code is 1. */
  readonly problem?: string;
}

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RunResult {
  const options = parseArgs(argv);
  const changes = options.changes ? (JSON.parse(fs.readFileSync(options.changes, 'utf8')) as ChangeSummary) : undefined;
  if (changes && !changes.plan) {
    const context = options.githubContext ? githubContextLine(options.head ? { ...env, GITHUB_SHA: options.head } : env) : undefined;
    const review = nothingToPlanReview(changes, options.head, context);
    if (options.review) fs.writeFileSync(options.review, JSON.stringify(review));
    return { markdown: review.body, options, exitCode: 0 };
  }
  const results = options.stacks.map(loadStack);
  const o = outcome(results);
  if (options.githubOutput) {
    if (!env.GITHUB_OUTPUT) throw new UsageError('--github-output: GITHUB_OUTPUT is not set');
    fs.appendFileSync(env.GITHUB_OUTPUT, `has_changes=${o.hasChanges}\nfailed=${o.failed}\n`);
  }
  const context = options.githubContext ? githubContextLine(options.head ? { ...env, GITHUB_SHA: options.head } : env) : undefined;
  let markdown: string;
  if (options.synth) {
    const review = planReview({ results, synthDir: options.synth, config: loadConfig({ env }), head: options.head, base: options.base, context, maxLength: options.maxLength, changes });
    markdown = review.body;
    if (options.review) fs.writeFileSync(options.review, JSON.stringify(review));
  } else {
    markdown = renderComment(results, { marker: options.marker, title: options.title, maxLength: options.maxLength, context });
  }
  const unplanned = results.filter((r) => r.status === 'skipped').map((r) => r.stack);
  if (o.failed) return { markdown, options, exitCode: 1, problem: 'a plan failed or could not be read' };
  if (options.requirePlan && unplanned.length) return { markdown, options, exitCode: 1, problem: `not planned: ${unplanned.join(', ')} (see the job summary for how a maintainer plans it)` };
  return { markdown, options, exitCode: 0 };
}

if (require.main === module) {
  try {
    const { markdown, options, exitCode, problem } = run(process.argv.slice(2));
    if (options.output) fs.writeFileSync(options.output, markdown);
    else if (options.stepSummary && process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
    else process.stdout.write(markdown);
    if (problem) {
      // A workflow command is read from stdout, which is free when the Markdown went elsewhere.
      const annotation = process.env.GITHUB_ACTIONS === 'true' ? `::error title=Terraform plan::${problem}\n` : `${problem}\n`;
      if (options.output || options.stepSummary) process.stdout.write(annotation);
      else process.stderr.write(annotation);
    }
    process.exitCode = exitCode;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = error instanceof UsageError ? 64 : 1;
  }
}
