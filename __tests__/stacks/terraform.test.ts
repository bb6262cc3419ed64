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
import { TIME_LIMITS } from '../support/time-limits';

let stacks: { name: string; dir: string }[] = [];
let placeholderBootstrap: string;
let terraformVersion: string | undefined;
/** Real-looking deploy settings: a bootstrap plan refuses the placeholders. */
const DEPLOY_SETTINGS = { TM_GITHUB_REPOSITORY: 'acme/tasks', TM_STATE_BUCKET: 'acme-tfstate' };

beforeAll(async () => {
  terraformVersion = await findTerraform();
  if (!terraformVersion) {
    if (process.env.CI === 'true') throw new Error('terraform is not on the PATH, and CI=true requires the terraform checks');
    console.warn('\n*** terraform is not on the PATH: SKIPPING terraform validate / plan checks ***\n');
    return;
  }
  buildSynthEntryPoint();
  const { outdir, status, stderr } = synthApp(DEPLOY_SETTINGS);
  if (status !== 0) throw new Error(stderr);
  stacks = synthesizedStacks(outdir);
  placeholderBootstrap = synthesizedStacks(synthApp({ TM_ENVIRONMENTS: 'dev' }).outdir).find((s) => s.name === 'bootstrap')!.dir;
}, TIME_LIMITS.realEngine);

const names = ['bootstrap', 'dev', 'prod'];

describe('terraform', () => {
  test('synthesizes the stacks the checks expect', () => {
    if (!terraformVersion) return;
    expect(stacks.map((s) => s.name).sort()).toEqual(names);
  });

  test.each(names)('validate passes for %s', async (name) => {
    if (!terraformVersion) return;
    await validateStack(stacks.find((s) => s.name === name)!.dir);
  }, TIME_LIMITS.realEngine);

  test.each(names)('an offline plan of %s creates exactly the synthesized resources, and reads its data sources only at apply', async (name) => {
    if (!terraformVersion) return;
    const stack = stacks.find((s) => s.name === name)!;
    const plan = JSON.parse(await planStackOffline(stack.dir));
    expect(plan.errored).toBe(false);
    const created: Record<string, number> = {};
    const readAtApply: Record<string, number> = {};
    for (const change of plan.resource_changes as Json[]) {
      // A data source would call AWS if read while planning; its arguments are unknown until apply (the VPC origin's group).
      const [expected, counts] = change.mode === 'data' ? ['read', readAtApply] : ['create', created];
      expect(change.change.actions).toEqual([expected]);
      counts[change.type] = (counts[change.type] ?? 0) + 1;
    }
    const synthesized = JSON.parse(fs.readFileSync(path.join(stack.dir, 'cdk.tf.json'), 'utf8'));
    expect(created).toEqual(resourceCounts(synthesized));
    expect(readAtApply).toEqual(resourceCounts({ resource: synthesized.data }));
  }, TIME_LIMITS.realEngine);

  test('an offline plan of bootstrap with the placeholder repository and bucket fails, naming both settings', async () => {
    if (!terraformVersion) return;
    const failure = await planStackOffline(placeholderBootstrap).then(() => 'planned', (error: Error) => error.message);
    expect(failure).toContain('githubRepository (TM_GITHUB_REPOSITORY) is still the placeholder');
    expect(failure).toContain('state.bucket (TM_STATE_BUCKET) is still the placeholder');
  }, TIME_LIMITS.realEngine);
});
