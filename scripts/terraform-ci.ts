/**
 * The Terraform steps of the delivery workflows (delivery/ci.ts), as the YAML calls them:
 *
 *   node dist/scripts/terraform-ci.js plan  --stack dev --dir cdktf.out/stacks/dev --out plans
 *        [--lock-file .github/terraform/.terraform.lock.hcl] [--detailed-exitcode] [--title TEXT]
 *
 * Exit code: 0, or 2 for "changes" with --detailed-exitcode (drift check), 1 on failure.
 */
import { parseArgs } from 'util';
import { planStack } from '../delivery/ci';

const USAGE = 'usage: terraform-ci plan --stack NAME --dir STACK_DIR --out DIR [--lock-file FILE] [--detailed-exitcode] [--title TEXT]';

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      dir: { type: 'string' },
      out: { type: 'string' },
      'lock-file': { type: 'string' },
      'detailed-exitcode': { type: 'boolean', default: false },
      title: { type: 'string' },
    },
  });
  const required = (name: 'stack' | 'dir' | 'out'): string => {
    const value = values[name];
    if (value === undefined) throw new Error(`--${name} is required\n${USAGE}`);
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
  throw new Error(USAGE);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error: Error) => { console.error(error.message); process.exitCode = 1; },
  );
}
