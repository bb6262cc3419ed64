/**
 * The estimated monthly list price of stacks after their plans, and the change (delivery/cost/):
 *
 *   npm run cost -- <stack>=<plan.json> ... [--markdown] [--update-readme README.md]
 *   npm run cost:readme        offline plans of dev and prod (EC2 and Fargate), their figures into the README (scripts/cost-readme.ts)
 *
 * `--help` lists the flags. Exit code: 0, 64 for a usage error, 1 otherwise.
 */
import * as fs from 'fs';
import { readPlanFile } from '../delivery/plan/comment';
import { estimateStack, type StackCost } from '../delivery/cost/estimate';
import { costMarkdown, costText, updateReadme } from '../delivery/cost/report';
import { exitCodeOf, helpText, parseCommand, UsageError, usageLine } from './support/cli';

export const COMMAND = {
  invocation: 'npm run cost --',
  positionals: '<stack>=<plan.json> ...',
  summary: [
    'Prices each stack after its plan (`terraform show -json`) and against now (the plan\'s prior state),',
    'from the checked-in list prices (delivery/cost/prices/<region>.json). Parts billed by use are named,',
    'not estimated. `npm run plan:offline` writes cdktf.out/plans/<stack>.json to try it offline.',
  ].join('\n'),
  flags: {
    markdown: { type: 'boolean', default: false, description: 'print the pull-request comment\'s cost section instead of text' },
    'update-readme': { type: 'string', value: 'FILE', description: 'replace the cost block of FILE (README.md) with these figures' },
  },
  notes: ['Exit code: 0; 64 for a usage error; 1 when a plan cannot be read.'],
} as const;

export function run(argv: readonly string[], now: Date = new Date()): string {
  const parsed = parseCommand(COMMAND, argv);
  if (parsed === 'help') return helpText(COMMAND);
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError(`no plan given\n${usageLine(COMMAND)}`);
  const costs: StackCost[] = positionals.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 1 || eq === spec.length - 1) throw new UsageError(`expected <stack>=<plan.json>, got ${JSON.stringify(spec)}\n${usageLine(COMMAND)}`);
    return estimateStack(spec.slice(0, eq), readPlanFile(spec.slice(eq + 1)));
  });
  const readme = values['update-readme'];
  if (readme) {
    fs.writeFileSync(readme, updateReadme(fs.readFileSync(readme, 'utf8'), costs));
    return `${readme}: cost figures of ${costs.map((c) => c.stack).join(', ')} updated\n`;
  }
  return values.markdown ? `${costMarkdown(costs, { now })}\n` : costText(costs, now);
}

if (require.main === module) {
  try {
    process.stdout.write(run(process.argv.slice(2)));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = exitCodeOf(error);
  }
}
