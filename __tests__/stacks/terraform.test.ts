/**
 * Real Terraform over the synthesized JSON, offline: `terraform validate` and an offline
 * `terraform plan` for every stack. Skipped loudly where terraform is missing, except under
 * CI=true, where a missing terraform fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { planStackOffline, synthesizedStacks, validateStack } from '../../delivery/offline-checks';
import { terraformVersion as findTerraform } from '../../delivery/terraform';
import { buildSynthEntryPoint, Json, resourceCounts, synthApp } from './synth';

let stacks: { name: string; dir: string }[] = [];
let terraformVersion: string | undefined;

beforeAll(async () => {
  terraformVersion = await findTerraform();
  if (!terraformVersion) {
    if (process.env.CI === 'true') throw new Error('terraform is not on the PATH, and CI=true requires the terraform checks');
    console.warn('\n*** terraform is not on the PATH: SKIPPING terraform validate / plan checks ***\n');
    return;
  }
  buildSynthEntryPoint();
  const { outdir, status, stderr } = synthApp();
  if (status !== 0) throw new Error(stderr);
  stacks = synthesizedStacks(outdir);
}, 60_000);

const names = ['bootstrap', 'dev', 'prod'];

describe('terraform', () => {
  test('synthesizes the stacks the checks expect', () => {
    if (!terraformVersion) return;
    expect(stacks.map((s) => s.name).sort()).toEqual(names);
  });

  test.each(names)('validate passes for %s', async (name) => {
    if (!terraformVersion) return;
    await validateStack(stacks.find((s) => s.name === name)!.dir);
  }, 120_000);

  test.each(names)('an offline plan of %s creates exactly the synthesized resources', async (name) => {
    if (!terraformVersion) return;
    const stack = stacks.find((s) => s.name === name)!;
    const plan = JSON.parse(await planStackOffline(stack.dir));
    expect(plan.errored).toBe(false);
    const created: Record<string, number> = {};
    for (const change of plan.resource_changes as Json[]) {
      expect(change.change.actions).toEqual(['create']);
      created[change.type] = (created[change.type] ?? 0) + 1;
    }
    const synthesized = JSON.parse(fs.readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8'));
    expect(created).toEqual(resourceCounts(synthesized));
  }, 180_000);
});
