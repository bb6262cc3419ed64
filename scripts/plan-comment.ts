/**
 * Prints the Markdown of the pull-request plan comment (delivery/plan/).
 *
 *   npm run plan-comment -- [options] <stack>=<plan.json> [<stack>=<plan.json> ...]
 *
 * Stack arguments: see `parseStackSpecs` in delivery/plan/comment.ts.
 * Options:
 *   --marker NAME      hidden marker `<!-- NAME -->` (default taskmanager-plan)
 *   --title TEXT       heading (default "Terraform plan")
 *   --output FILE      write to FILE instead of stdout
 *   --github-context   add the commit and a link to the run from GITHUB_* variables
 *   --max-length N     cap below GitHub's 65,536 characters (default 65,000)
 *   --dir DIR          where bare stack names are looked up (the layout terraform-ci writes)
 *   --github-output    append `has_changes` and `failed` (true/false) to $GITHUB_OUTPUT
 * Exit code: 0, 64 for a usage error, 1 otherwise.
 */
import * as fs from 'fs';
import { parseArgs as parseCommandLine } from 'util';
import { githubContextLine, loadStack, outcome, parseStackSpecs, type StackSpec, UsageError } from '../delivery/plan/comment';
import { renderComment } from '../delivery/plan/render';

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
        'github-context': { type: 'boolean', default: false },
        'github-output': { type: 'boolean', default: false },
        'max-length': { type: 'string' },
        dir: { type: 'string' },
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
  return {
    stacks: parseStackSpecs(positionals, values.dir),
    marker: values.marker,
    title: values.title,
    output: values.output,
    githubContext: values['github-context'],
    maxLength,
    dir: values.dir,
    githubOutput: values['github-output'],
  };
}

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { markdown: string; options: CliOptions } {
  const options = parseArgs(argv);
  const results = options.stacks.map(loadStack);
  if (options.githubOutput) {
    if (!env.GITHUB_OUTPUT) throw new UsageError('--github-output: GITHUB_OUTPUT is not set');
    const o = outcome(results);
    fs.appendFileSync(env.GITHUB_OUTPUT, `has_changes=${o.hasChanges}\nfailed=${o.failed}\n`);
  }
  const markdown = renderComment(results, {
    marker: options.marker,
    title: options.title,
    maxLength: options.maxLength,
    context: options.githubContext ? githubContextLine(env) : undefined,
  });
  return { markdown, options };
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
