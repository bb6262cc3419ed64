/**
 * The policy check (delivery/policy/) of a synthesized app and, when given, its plans:
 *
 *   npm run policy -- [<synth-dir>] [--plan <stack>=<plan.json> ...] [--json]
 *
 * <synth-dir> defaults to CDKTF_OUTDIR or cdktf.out. Settings (allow-lists, waivers) are the ones
 * synth resolved into <synth-dir>/taskmanager.resolved.json: the check judges what was synthesized. Prints every failure and waiver; exit 1 when a failure
 * of severity high or critical is not waived, 64 for a usage error.
 */
import { parseArgs } from 'util';
import { ResolvedConfigError } from '../delivery/resolved-config';
import { checkPolicy } from '../delivery/policy/check';
import { policyJson, policyText } from '../delivery/policy/report';
import { readPlanFile, UsageError } from '../delivery/plan/comment';

const USAGE = 'usage: policy [<synth-dir>] [--plan <stack>=<plan.json> ...] [--json]';

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { output: string; exitCode: number } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: { plan: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(USAGE);
  const plans: Record<string, ReturnType<typeof readPlanFile>> = {};
  for (const spec of values.plan ?? []) {
    const eq = spec.indexOf('=');
    if (eq < 1 || eq === spec.length - 1) throw new UsageError(`--plan expects <stack>=<plan.json>, got ${JSON.stringify(spec)}`);
    plans[spec.slice(0, eq)] = readPlanFile(spec.slice(eq + 1));
  }
  const result = checkPolicy({ outDir: positionals[0] ?? env.CDKTF_OUTDIR ?? 'cdktf.out', plans });
  return { output: values.json ? policyJson(result) : policyText(result), exitCode: result.blocking > 0 ? 1 : 0 };
}

if (require.main === module) {
  try {
    const { output, exitCode } = run(process.argv.slice(2));
    process.stdout.write(output);
    process.exitCode = exitCode;
  } catch (error) {
    console.error(error instanceof ResolvedConfigError || error instanceof UsageError ? error.message : `policy: ${(error as Error).message}`);
    process.exitCode = error instanceof UsageError ? 64 : 1;
  }
}
