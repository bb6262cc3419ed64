/**
 * The Terraform steps of the delivery workflows (delivery/ci.ts), as the YAML calls them:
 *
 *   node dist/scripts/terraform-ci.js plan  --stack dev --dir cdktf.out/stacks/dev --out plans
 *        [--lock-file .github/terraform/.terraform.lock.hcl] [--detailed-exitcode] [--title TEXT]
 *
 * Exit code: 0, or 2 for "changes" with --detailed-exitcode (drift check), 1 on failure.
 */
import { planStack } from '../delivery/ci';
import { helpText, parseCommand, usageLine } from './support/cli';

export const COMMAND = {
  invocation: 'node dist/scripts/terraform-ci.js',
  positionals: 'plan',
  summary: 'The plan step of the delivery workflows: terraform init and plan of one synthesized stack, its JSON plan and stderr into --out.',
  flags: {
    stack: { type: 'string', value: 'NAME', description: 'the stack (required)' },
    dir: { type: 'string', value: 'STACK_DIR', description: 'its synthesized folder, e.g. cdktf.out/stacks/dev (required)' },
    out: { type: 'string', value: 'DIR', description: 'where <stack>.json (the plan as JSON), <stack>.txt and <stack>.stderr go (required)' },
    'lock-file': { type: 'string', value: 'FILE', description: 'the committed provider lock file to init with' },
    'detailed-exitcode': { type: 'boolean', default: false, description: 'exit 2 when the plan has changes (the drift check)' },
    title: { type: 'string', value: 'TEXT', description: 'heading of the job summary (default "Terraform plan: <stack>")' },
  },
  notes: ['Exit code: 0; 2 for changes with --detailed-exitcode; 1 on failure.'],
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(COMMAND, argv);
  if (parsed === 'help') {
    process.stdout.write(helpText(COMMAND));
    return 0;
  }
  const { values, positionals } = parsed;
  const required = (name: 'stack' | 'dir' | 'out'): string => {
    const value = values[name];
    if (value === undefined) throw new Error(`--${name} is required\n${usageLine(COMMAND)}`);
    return value;
  };
  const [command] = positionals;
  if (command === 'plan') {
    const outcome = await planStack({
      stack: required('stack'),
      dir: required('dir'),
      outDir: required('out'),
      lockFile: values['lock-file'],
      detailedExitcode: values['detailed-exitcode'],
      title: values.title,
    });
    process.stderr.write(`${values.stack}: ${outcome.status}\n`);
    return outcome.exitCode;
  }
  throw new Error(usageLine(COMMAND));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error: Error) => { console.error(error.message); process.exitCode = 1; },
  );
}
