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
import { parseArgs } from 'util';
import { eachLimited, planStackOffline, synthesizedStacks, validateStack } from '../delivery/offline-checks';
import { terraformVersion } from '../delivery/terraform';

async function main(argv: readonly string[]): Promise<void> {
  const { positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: {} });
  const [command, ...only] = positionals;
  if (command !== 'validate' && command !== 'plan') throw new Error('usage: terraform-check (validate|plan) [stack ...]');
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

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
