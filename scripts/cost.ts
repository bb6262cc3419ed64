/**
 * The estimated monthly list price of stacks after their plans, and the change (delivery/cost/):
 *
 *   npm run cost -- <stack>=<plan.json> ... [--markdown] [--update-readme README.md]
 *   npm run cost:readme        offline plans of dev and prod, then their figures into the README
 *
 * Exit code: 0, 64 for a usage error, 1 otherwise.
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { readPlanFile, UsageError } from '../delivery/plan/comment';
import { estimateStack, type StackCost } from '../delivery/cost/estimate';
import { costMarkdown, costText, updateReadme } from '../delivery/cost/report';

const USAGE = 'usage: cost <stack>=<plan.json> ... [--markdown] [--update-readme README.md]';

export function run(argv: readonly string[]): string {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { markdown: { type: 'boolean', default: false }, 'update-readme': { type: 'string' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError(USAGE);
  const costs: StackCost[] = positionals.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq < 1 || eq === spec.length - 1) throw new UsageError(`expected <stack>=<plan.json>, got ${JSON.stringify(spec)}\n${USAGE}`);
    return estimateStack(spec.slice(0, eq), readPlanFile(spec.slice(eq + 1)));
  });
  const readme = values['update-readme'];
  if (readme) {
    fs.writeFileSync(readme, updateReadme(fs.readFileSync(readme, 'utf8'), costs));
    return `${readme}: cost figures of ${costs.map((c) => c.stack).join(', ')} updated\n`;
  }
  return values.markdown ? `${costMarkdown(costs)}\n` : costText(costs);
}

if (require.main === module) {
  try {
    process.stdout.write(run(process.argv.slice(2)));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = error instanceof UsageError ? 64 : 1;
  }
}
