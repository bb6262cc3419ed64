/**
 * Real Terraform plans and applies of the built-in `terraform_data` resource: no provider, no
 * network, local state. Enough to make every kind of change Terraform plans (create, update,
 * delete, replace, no-op) and to run the apply job's exact command on a saved plan.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parsePlan, type PlanJson } from '../../../delivery/plan/model';
import { terraform, terraformOrThrow } from '../../../delivery/terraform';

/** No CLI configuration: nothing to install, nothing to ask a registry. */
export const NO_CLI_CONFIG = { TF_CLI_CONFIG_FILE: '/dev/null' };

export type TerraformJson = Record<string, unknown>;

/** Writes the configuration as the folder's only `main.tf.json`, with the empty lock file a plan carries. */
export function writeTerraform(dir: string, config: TerraformJson): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
  if (!fs.existsSync(path.join(dir, '.terraform.lock.hcl'))) fs.writeFileSync(path.join(dir, '.terraform.lock.hcl'), '');
}

/** Exactly what the apply job runs on the downloaded plan (.github/workflows/ci.yml): terraform, nothing else. */
export async function applySavedPlan(dir: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const init = await terraform(['init', '-input=false', '-no-color', '-lockfile=readonly'], { dir, env: NO_CLI_CONFIG });
  if (init.code !== 0) return init;
  return terraform(['apply', '-json', '-input=false', '-lock-timeout=5m', 'tfplan'], { dir, env: NO_CLI_CONFIG });
}

/** Copies a stack folder the way the artifact carries it: without .terraform/. */
export function artifactCopy(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true, filter: (src) => !src.split(path.sep).includes('.terraform') });
}

/**
 * Applies each of `applied` in turn in `dir` (one state), then plans `planned` and returns the
 * JSON plan: a real plan of the changes from the last applied configuration to `planned`.
 */
export async function planAfter(dir: string, applied: readonly TerraformJson[], planned: TerraformJson): Promise<PlanJson> {
  const options = { dir, env: NO_CLI_CONFIG };
  writeTerraform(dir, planned);
  await terraformOrThrow(['init', '-input=false', '-no-color'], options);
  for (const config of applied) {
    writeTerraform(dir, config);
    await terraformOrThrow(['apply', '-auto-approve', '-input=false', '-no-color'], options);
  }
  writeTerraform(dir, planned);
  await terraformOrThrow(['plan', '-input=false', '-no-color', '-lock=false', '-out=tfplan'], options);
  return parsePlan(await terraformOrThrow(['show', '-json', '-no-color', 'tfplan'], options));
}
