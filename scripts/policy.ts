/**
 * The policy check (delivery/policy/) of a synthesized app and, when given, its plans:
 *
 *   npm run policy -- [<synth-dir>] [--plan <stack>=<plan.json> ...] [--json]
 *
 * `--help` lists the flags. Exit 1 when a failure of severity high or critical is not waived,
 * 64 for a usage error.
 */
import { ResolvedConfigError } from '../delivery/resolved-config';
import { checkPolicy } from '../delivery/policy/check';
import { policyJson, policyText } from '../delivery/policy/report';
import { readPlanFile } from '../delivery/plan/comment';
import { exitCodeOf, helpText, parseCommand, UsageError, usageLine } from './support/cli';

export const COMMAND = {
  invocation: 'npm run policy --',
  positionals: '[<synth-dir>]',
  summary: [
    'Checks the synthesized stacks (and their plans, when given) against the project\'s policy rules:',
    'encryption, exposure, least privilege, operations, spend. <synth-dir> defaults to CDKTF_OUTDIR or',
    'cdktf.out. Allow-lists and waivers are those synth resolved (<synth-dir>/taskmanager.resolved.json).',
  ].join('\n'),
  flags: {
    plan: { type: 'string', multiple: true, value: '<stack>=<plan.json>', description: 'also check a stack\'s plan (`terraform show -json`): destroys and replaces of data' },
    json: { type: 'boolean', default: false, description: 'print the result as JSON instead of text' },
  },
  notes: ['Exit code: 0 when no unwaived failure is high or critical; 1 otherwise; 64 for a usage error.'],
} as const;

export function run(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { output: string; exitCode: number } {
  const parsed = parseCommand(COMMAND, argv);
  if (parsed === 'help') return { output: helpText(COMMAND), exitCode: 0 };
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one synth directory at most, got ${positionals.join(' ')}\n${usageLine(COMMAND)}`);
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
    console.error(error instanceof ResolvedConfigError || error instanceof UsageError ? (error as Error).message : `policy: ${(error as Error).message}`);
    process.exitCode = exitCodeOf(error);
  }
}
