/**
 * Prints the Markdown of the pull-request plan comment (delivery/plan/, delivery/review/).
 *
 *   npm run plan-comment -- [options] <stack>=<plan.json> [<stack>=<plan.json> ...]
 *
 * `--help` lists the flags (COMMAND below). Run from the project (not in a workflow), the
 * synthesized app in cdktf.out (or CDKTF_OUTDIR) is used as `--synth` when it exists, so the
 * command gives the sections CI posts (plan, policy, cost, fingerprint); `--no-synth` renders the
 * plan alone.
 * Exit code: 0; 1 when a stack's plan failed or is unreadable, or was not planned with
 * --require-plan (the Markdown is written all the same); 64 for a usage error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { githubContextLine, loadStack, outcome, parseStackSpecs, type StackSpec } from '../delivery/plan/comment';
import { renderComment } from '../delivery/plan/render';
import type { ChangeSummary } from '../delivery/review/changes';
import { nothingToPlanReview, planReview } from '../delivery/review/pull-request';
import { exitCodeOf, helpText, parseCommand, UsageError } from './support/cli';

export const COMMAND = {
  invocation: 'npm run plan-comment --',
  positionals: '<stack>=<plan.json> ...',
  summary: [
    'Renders the pull-request comment of saved plans (`terraform show -json`). A stack argument is',
    '<stack>=<plan.json>, <stack>=error:<stderr file>, <stack>=skipped:<reason>, <stack>=fork:<pr>:<head sha>,',
    'or a bare <stack> looked up in --dir (<stack>.json, else <stack>.stderr).',
  ].join('\n'),
  flags: {
    synth: { type: 'string', value: 'DIR', description: 'the synthesized app the plans are of: adds the policy section, the cost table and the\nplan\'s fingerprint (default outside GitHub Actions: cdktf.out, or CDKTF_OUTDIR, when it exists)' },
    'no-synth': { type: 'boolean', default: false, description: 'the plan sections only, even when cdktf.out exists' },
    dir: { type: 'string', value: 'DIR', description: 'where bare stack names are looked up (the layout terraform-ci writes)' },
    marker: { type: 'string', value: 'NAME', description: 'hidden marker <!-- NAME --> the comment is found by (default taskmanager-plan)' },
    title: { type: 'string', value: 'TEXT', description: 'heading (default "Terraform plan")' },
    output: { type: 'string', value: 'FILE', description: 'write to FILE instead of stdout' },
    'step-summary': { type: 'boolean', default: false, description: 'append to $GITHUB_STEP_SUMMARY instead of stdout' },
    'github-context': { type: 'boolean', default: false, description: 'add the commit and a link to the run from the GITHUB_* variables' },
    'github-output': { type: 'boolean', default: false, description: 'append has_changes and failed (true/false) to $GITHUB_OUTPUT' },
    'max-length': { type: 'string', value: 'N', description: 'cap below GitHub\'s 65,536 characters (default 65,000)' },
    review: { type: 'string', value: 'FILE', description: 'also write what the PR gets (comment, labels, status) as JSON, for publishPlan' },
    head: { type: 'string', value: 'SHA', description: 'the pull request\'s head commit (the fingerprint, the status)' },
    base: { type: 'string', value: 'SHA', description: 'the pull request\'s base commit' },
    'require-plan': { type: 'boolean', default: false, description: 'a stack that was not planned (a fork) fails the command' },
    changes: { type: 'string', value: 'FILE', description: 'the pull request\'s changed files, classified (pipeline-changes --output): a change to the\npipeline opens the comment with a warning; with nothing synth reads changed, the comment says so and no plan is read' },
  },
  notes: [
    'Settings (allow-lists, waivers) for the policy section are those synth resolved (<synth>/taskmanager.resolved.json).',
    'Exit code: 0; 1 when a plan failed or is unreadable (or was not planned, with --require-plan); 64 for a usage error.',
  ],
} as const;

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
  /** Plan sections only: no default --synth. */
  readonly noSynth: boolean;
  readonly review?: string;
  readonly head?: string;
  readonly base?: string;
  readonly requirePlan: boolean;
  readonly changes?: string;
}

const SHA = /^[0-9a-f]{40}$/;

/** The options of a command line; `--help` is answered by `run`, so here it is a usage error carrying the help. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const parsed = parseCommand(COMMAND, argv);
  if (parsed === 'help') throw new UsageError(helpText(COMMAND));
  const { values, positionals } = parsed;
  let maxLength: number | undefined;
  if (values['max-length'] !== undefined) {
    maxLength = Number(values['max-length']);
    if (!Number.isInteger(maxLength) || maxLength < 1000) throw new UsageError('--max-length must be an integer of at least 1000');
  }
  for (const name of ['head', 'base'] as const) {
    if (values[name] !== undefined && !SHA.test(values[name]!)) throw new UsageError(`--${name} must be a 40-hex commit SHA`);
  }
  if (values.synth && values['no-synth']) throw new UsageError('--synth and --no-synth contradict each other');
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
    noSynth: values['no-synth'],
    review: values.review,
    head: values.head,
    base: values.base,
    requirePlan: values['require-plan'],
    changes: values.changes,
  };
}

export interface RunResult {
  readonly markdown: string;
  /** The parsed options; undefined for --help (the markdown is then the help text). */
  readonly options?: CliOptions;
  readonly exitCode: number;
  /** Why the exit code is 1. */
  readonly problem?: string;
  /** What the user should know, for stderr (the synthesized app used by default). */
  readonly notice?: string;
}

/**
 * The synthesized app a run from the project uses by default: CDKTF_OUTDIR or cdktf.out, when it
 * has a manifest. None in a GitHub Actions workflow, whose steps each say what they render (the
 * drift report and the fork summary have cdktf.out at hand and want the plan sections only).
 */
export function defaultSynthDir(env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (env.GITHUB_ACTIONS === 'true') return undefined;
  const dir = path.resolve(cwd, env.CDKTF_OUTDIR ?? 'cdktf.out');
  return fs.existsSync(path.join(dir, 'manifest.json')) ? path.relative(process.cwd(), dir) || '.' : undefined;
}

export interface RunDefaults {
  /** The synthesized app to use when neither --synth nor --no-synth is given (defaultSynthDir). */
  readonly synthDir?: string;
}

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, defaults: RunDefaults = {}): RunResult {
  if (parseCommand(COMMAND, argv) === 'help') return { markdown: helpText(COMMAND), exitCode: 0 };
  const options = parseArgs(argv);
  const changes = options.changes ? (JSON.parse(fs.readFileSync(options.changes, 'utf8')) as ChangeSummary) : undefined;
  if (changes && !changes.plan) {
    const context = options.githubContext ? githubContextLine(options.head ? { ...env, GITHUB_SHA: options.head } : env) : undefined;
    const review = nothingToPlanReview(changes, options.head, context);
    if (options.review) fs.writeFileSync(options.review, JSON.stringify(review));
    return { markdown: review.body, options, exitCode: 0 };
  }
  const synth = options.synth ?? (options.noSynth ? undefined : defaults.synthDir);
  const notice = synth !== undefined && options.synth === undefined
    ? `plan-comment: with the synthesized app in ${synth} (policy, cost and fingerprint, as CI posts them); --no-synth for the plan sections only`
    : undefined;
  if (options.review && !synth) throw new UsageError('--review needs --synth (the fingerprint digests the synthesized code)');
  const results = options.stacks.map(loadStack);
  const o = outcome(results);
  if (options.githubOutput) {
    if (!env.GITHUB_OUTPUT) throw new UsageError('--github-output: GITHUB_OUTPUT is not set');
    fs.appendFileSync(env.GITHUB_OUTPUT, `has_changes=${o.hasChanges}\nfailed=${o.failed}\n`);
  }
  const context = options.githubContext ? githubContextLine(options.head ? { ...env, GITHUB_SHA: options.head } : env) : undefined;
  let markdown: string;
  if (synth) {
    const review = planReview({ results, synthDir: synth, head: options.head, base: options.base, context, maxLength: options.maxLength, changes });
    markdown = review.body;
    if (options.review) fs.writeFileSync(options.review, JSON.stringify({ body: review.body, labels: review.labels, status: review.status, head: review.head, fingerprint: review.fingerprint }));
  } else {
    markdown = renderComment(results, { marker: options.marker, title: options.title, maxLength: options.maxLength, context });
  }
  const unplanned = results.filter((r) => r.status === 'skipped').map((r) => r.stack);
  if (o.failed) return { markdown, options, exitCode: 1, problem: 'a plan failed or could not be read', notice };
  if (options.requirePlan && unplanned.length) return { markdown, options, exitCode: 1, problem: `not planned: ${unplanned.join(', ')} (see the job summary for how a maintainer plans it)`, notice };
  return { markdown, options, exitCode: 0, notice };
}

if (require.main === module) {
  try {
    const { markdown, options, exitCode, problem, notice } = run(process.argv.slice(2), process.env, { synthDir: defaultSynthDir(process.env, process.cwd()) });
    if (notice) process.stderr.write(`${notice}\n`);
    if (options?.output) fs.writeFileSync(options.output, markdown);
    else if (options?.stepSummary && process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
    else process.stdout.write(markdown);
    if (problem) {
      // A workflow command is read from stdout, which is free when the Markdown went elsewhere.
      const annotation = process.env.GITHUB_ACTIONS === 'true' ? `::error title=Terraform plan::${problem}\n` : `${problem}\n`;
      if (options?.output || options?.stepSummary) process.stdout.write(annotation);
      else process.stderr.write(annotation);
    }
    process.exitCode = exitCode;
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = exitCodeOf(error);
  }
}
