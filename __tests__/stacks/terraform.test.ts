/**
 * Real Terraform over the synthesized JSON, offline: `terraform validate` and an offline
 * `terraform plan` for every stack. Skipped loudly where terraform is missing, except under
 * CI=true, where a missing terraform fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planStackOffline, synthesizedStacks, validateStack } from '../../delivery/offline-checks';
import { terraformVersion as findTerraform } from '../../delivery/terraform';
import { buildSynthEntryPoint, Json, resourceCounts, synthApp } from './synth';
import { TIME_LIMITS } from '../support/time-limits';

let stacks: { name: string; dir: string }[] = [];
let placeholderBootstrap: string;
let fargateProd: string;
/** prod on ECS Fargate (the container path), with an image digest as the image workflow prints it. */
const FARGATE_CONFIG = { environments: { prod: { compute: { kind: 'fargate', image: `sha256:${'0f'.repeat(32)}` } } } };
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
  const configFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fargate-config-')), 'taskmanager.config.json');
  fs.writeFileSync(configFile, JSON.stringify(FARGATE_CONFIG));
  const fargate = synthApp({ ...DEPLOY_SETTINGS, TM_ENVIRONMENTS: 'prod', TASKMANAGER_CONFIG: configFile });
  if (fargate.status !== 0) throw new Error(fargate.stderr);
  fargateProd = synthesizedStacks(fargate.outdir).find((s) => s.name === 'prod')!.dir;
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

  test('validate passes for prod on Fargate', async () => {
    if (!terraformVersion) return;
    await validateStack(fargateProd);
  }, TIME_LIMITS.realEngine);

  test('an offline plan of prod on Fargate creates the ECS service, its task and scaling, and no instances', async () => {
    if (!terraformVersion) return;
    const plan = JSON.parse(await planStackOffline(fargateProd));
    expect(plan.errored).toBe(false);
    const types = new Set((plan.resource_changes as Json[]).map((c) => c.type));
    for (const type of ['aws_ecs_cluster', 'aws_ecs_service', 'aws_ecs_task_definition', 'aws_appautoscaling_target', 'aws_ecr_repository']) expect(types.has(type)).toBe(true);
    expect(types.has('aws_autoscaling_group')).toBe(false);
    const synthesized = JSON.parse(fs.readFileSync(path.join(fargateProd, 'cdk.tf.json'), 'utf8'));
    const created = (plan.resource_changes as Json[]).filter((c) => c.mode === 'managed');
    expect(created.length).toBe(Object.values(resourceCounts(synthesized)).reduce((a, b) => a + b, 0));
  }, TIME_LIMITS.realEngine);

  test('an offline plan of bootstrap with the placeholder repository and bucket fails, naming both settings', async () => {
    if (!terraformVersion) return;
    const failure = await planStackOffline(placeholderBootstrap).then(() => 'planned', (error: Error) => error.message);
    expect(failure).toContain('githubRepository (TM_GITHUB_REPOSITORY) is still the placeholder');
    expect(failure).toContain('state.bucket (TM_STATE_BUCKET) is still the placeholder');
  }, TIME_LIMITS.realEngine);
});
