/**
 * Real Terraform checks of the synthesized stacks, offline (delivery/offline-checks.ts):
 *
 *   node dist/scripts/terraform-check.js validate [stack ...]   terraform init -backend=false + validate
 *   node dist/scripts/terraform-check.js plan [stack ...]       offline plan into cdktf.out/plans/<stack>.json
 *
 * Providers come from TF_PLUGIN_DIR (default /opt/tf-plugins), never the registry.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { eachLimited, planStackOffline, synthesizedStacks, validateStack } from '../delivery/offline-checks';
import { terraformVersion } from '../delivery/terraform';
import { exitCodeOf, helpText, parseCommand, UsageError, usageLine } from './support/cli';

export const COMMAND = {
  invocation: 'node dist/scripts/terraform-check.js',
  positionals: '(validate|plan) [stack ...]',
  summary: [
    'Real Terraform checks of the synthesized stacks (cdktf.out, or CDKTF_OUTDIR), offline: `validate` runs',
    'terraform init -backend=false and validate; `plan` writes an offline plan to cdktf.out/plans/<stack>.json.',
    'No stack named: every stack. `npm run validate` and `npm run plan:offline` synthesize first.',
  ].join('\n'),
  flags: {},
  notes: ['Environment: TF_PLUGIN_DIR (default /opt/tf-plugins): the providers, never the registry.'],
} as const;

async function main(argv: readonly string[]): Promise<void> {
  const parsed = parseCommand(COMMAND, argv);
  if (parsed === 'help') {
    process.stdout.write(helpText(COMMAND));
    return;
  }
  const [command, ...only] = parsed.positionals;
  if (command !== 'validate' && command !== 'plan') throw new UsageError(usageLine(COMMAND));
  const version = await terraformVersion();
  if (!version) throw new Error('terraform is not on the PATH (this project checks with 1.11.x)');
  const outDir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const stacks = synthesizedStacks(outDir).filter((s) => only.length === 0 || only.includes(s.name));
  const plansDir = path.join(outDir, 'plans');
  if (command === 'plan') fs.mkdirSync(plansDir, { recursive: true });
  // Every stack is checked even when one fails, so one run shows every problem.
  const failed: string[] = [];
  await eachLimited(stacks, os.cpus().length, async (stack) => {
    try {
      if (command === 'validate') {
        await validateStack(stack.dir);
        console.log(`${stack.name}: valid (terraform ${version})`);
        return;
      }
      const plan = await planStackOffline(stack.dir);
      const file = path.join(plansDir, `${stack.name}.json`);
      fs.writeFileSync(file, plan);
      const changes = (JSON.parse(plan) as { resource_changes?: unknown[] }).resource_changes ?? [];
      console.log(`${stack.name}: planned ${changes.length} resource changes -> ${file}`);
    } catch (error) {
      failed.push(stack.name);
      console.error(`${stack.name}: ${(error as Error).message}`);
    }
  });
  if (failed.length > 0) throw new Error(`${command} failed for ${failed.join(', ')}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exitCode = exitCodeOf(error);
  });
}
