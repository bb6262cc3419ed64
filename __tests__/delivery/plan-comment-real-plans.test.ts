/**
 * Our own stacks through real offline plans that terraform 1.11.4 makes with the AWS provider from
 * the local mirror (no AWS account, no network): the plan comment, the cost estimate (the README's
 * figures, what a NAT gateway adds), and the CI plan script with the committed provider lock file.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { planStackOffline, writeOfflineOverride } from '../../delivery/offline-checks';
import { classify, parsePlan, type PlanJson } from '../../delivery/plan/model';
import { compareByRisk, riskOf } from '../../delivery/plan/risk';
import { GITHUB_COMMENT_LIMIT, renderComment } from '../../delivery/plan/render';
import { estimateStack } from '../../delivery/cost/estimate';
import { PRICE_TABLES } from '../../delivery/cost/prices';
import { costMarkdown, money, README_BEGIN, README_END, readmeBlock } from '../../delivery/cost/report';
import { README_ENVIRONMENTS, README_VARIANTS } from '../../delivery/cost/readme-variants';
import type { CostPlan } from '../../delivery/cost/snapshot';
import { reviewMerge } from '../../delivery/review/merge';
import { describeWithTerraform, LOCK_FILE, mirrorCliConfig, REPO, synthTo, tempDir, itShowingTerraformOutput, planQuietly } from './support/terraform';
import { TIME_LIMITS } from '../support/time-limits';

describeWithTerraform('plan comment of our own stacks (real offline terraform plans)', true, () => {
  const work = tempDir('real-plans-');
  const outdir = path.join(work, 'cdktf.out');
  const natOutdir = path.join(work, 'nat.out');
  const fargateOutdir = path.join(work, 'fargate.out');
  let devPlan: PlanJson;
  let prodPlan: PlanJson;
  /** dev with one NAT gateway (the same config otherwise). */
  let natPlan: PlanJson;
  /** dev and prod with the API on Fargate (the README's second variant). */
  let fargatePlans: PlanJson[];

  beforeAll(async () => {
    synthTo(outdir);
    const natConfig = path.join(work, 'nat.json');
    fs.writeFileSync(natConfig, JSON.stringify({ environments: { dev: { network: { natGateways: 1 } } } }));
    synthTo(natOutdir, { TASKMANAGER_CONFIG: natConfig, TM_ENVIRONMENTS: 'dev' });
    const fargateConfig = path.join(work, 'fargate.json');
    const committed = JSON.parse(fs.readFileSync(path.join(REPO, 'taskmanager.config.json'), 'utf8'));
    fs.writeFileSync(fargateConfig, JSON.stringify(README_VARIANTS[1].settings!(committed, README_ENVIRONMENTS)));
    synthTo(fargateOutdir, { TASKMANAGER_CONFIG: fargateConfig, TM_ENVIRONMENTS: README_ENVIRONMENTS.join(',') });
    const [dev, prod, nat, ...fargate] = await Promise.all([
      planStackOffline(path.join(outdir, 'stacks', 'dev')),
      planStackOffline(path.join(outdir, 'stacks', 'prod')),
      planStackOffline(path.join(natOutdir, 'stacks', 'dev')),
      ...README_ENVIRONMENTS.map((env) => planStackOffline(path.join(fargateOutdir, 'stacks', env))),
    ]);
    devPlan = parsePlan(dev);
    prodPlan = parsePlan(prod);
    natPlan = parsePlan(nat);
    fargatePlans = fargate.map(parsePlan);
  }, TIME_LIMITS.realEngine);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  itShowingTerraformOutput('counts every resource the dev stack creates, made by terraform 1.11.4', () => {
    expect(devPlan.terraform_version).toBe('1.11.4');
    expect(devPlan).toMatchObject({ errored: false, applyable: true, complete: true });
    const creates = (devPlan.resource_changes ?? []).filter((r) => r.change.actions.join() === 'create');
    expect(creates.length).toBeGreaterThanOrEqual(10);
    // A first apply only creates, and reads at apply time the data sources whose arguments are not known yet
    // (the VPC origin's security group).
    expect(devPlan.resource_changes!.filter((r) => !creates.includes(r)).map((r) => [r.mode, r.change.actions.join()])).toEqual([['data', 'read']]);
    const md = renderComment([{ stack: 'dev', status: 'planned', plan: devPlan }, { stack: 'prod', status: 'planned', plan: prodPlan }]);
    expect(md).toContain(`| \`dev\` | 🟡 changes | ${creates.length} | 0 | 0 | 0 |`);
    expect(md).toContain(`**${creates.length}** to add, **0** to change, **0** to replace, **0** to destroy`);
    const prodCreates = prodPlan.resource_changes!.filter((r) => r.change.actions.join() === 'create').length;
    expect(md).toContain(`| \`prod\` | 🟡 changes | ${prodCreates} | 0 | 0 | 0 |`);
    // Every resource is either shown in the details or counted in the truncation note.
    const devDetails = md.slice(md.indexOf('Details for dev'), md.indexOf('#### `prod`'));
    const blocks = devPlan.resource_changes!;
    const shown = blocks.filter((r) => devDetails.includes(`# ${r.address} will be ${r.mode === 'data' ? 'read during apply' : 'created'}`)).length;
    const omitted = Number(/_(\d+) more resource blocks? not shown/.exec(devDetails)?.[1] ?? 0);
    expect(shown).toBeGreaterThan(0);
    expect(shown + omitted).toBe(blocks.length);
    // The stack alone: the same resources, in order, each exactly once, or counted as cut.
    const alone = renderComment([{ stack: 'dev', status: 'planned', plan: devPlan }]);
    const headers = [...alone.matchAll(/^# (\S+) will be (?:created|read during apply)/gm)].map((m) => m[1]);
    const cut = Number(/_(\d+) more resource blocks? not shown/.exec(alone)?.[1] ?? 0);
    expect(headers.length + cut).toBe(blocks.length);
    expect(new Set(headers).size).toBe(headers.length);
    // Riskiest first: IAM and resource policies, network exposure, stateful resources, then the rest.
    const byRisk = devPlan.resource_changes!.map(classify).sort(compareByRisk).map((c) => c.resource.address);
    expect(headers).toEqual(byRisk.slice(0, headers.length));
    expect(riskOf(classify(creates.find((r) => r.address === headers[0])!))).toBe('iam');
    const vpcOnly = { ...devPlan, resource_changes: creates.filter((r) => r.type === 'aws_vpc') };
    expect(vpcOnly.resource_changes).toHaveLength(1);
    expect(renderComment([{ stack: 'dev', status: 'planned', plan: vpcOnly }])).toMatch(/# aws_vpc\.\S+ will be created\n\+ resource "aws_vpc" \(dev\/network\)\n[\s\S]*?\+ {5}cidr_block = "10\.0\.0\.0\/16"/);
    expect(md).not.toContain('❌');
    expect(md).not.toContain('plan failed');
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
  });

  itShowingTerraformOutput('prices to exactly the figures in the README (regenerate them with npm run cost:readme)', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf(README_BEGIN), readme.indexOf(README_END) + README_END.length);
    const costs = [
      estimateStack('dev', devPlan), estimateStack('prod', prodPlan),
      ...README_ENVIRONMENTS.map((env, i) => estimateStack(`${env}${README_VARIANTS[1].suffix}`, fargatePlans[i])),
    ];
    expect(readmeBlock(costs)).toBe(block);
    // Every fixed-price resource of our stacks, on either kind of compute, has a price in the default region's table.
    expect(costs.map((c) => c.after.notPriced)).toEqual([0, 0, 0, 0]);
    expect(costs.slice(2).map((c) => c.after.resources.some((r) => r.address.startsWith('aws_ecs_service.')))).toEqual([true, true]);
  });

  itShowingTerraformOutput('a NAT gateway added to dev shows what it adds against the state before (instances move to private subnets and lose their public address, Secrets Manager needs no endpoint)', () => {
    // The state before is what dev's plan would leave, with the ids a real state knows (a plan leaves them unknown).
    const before = JSON.parse(JSON.stringify((devPlan as { planned_values?: unknown }).planned_values)) as { root_module: { resources: { address: string; type: string; values: Record<string, unknown> }[] } };
    before.root_module.resources.filter((r) => r.address.startsWith('aws_vpc_endpoint.database-accounts')).forEach((r) => (r.values.subnet_ids = ['subnet-private-0']));
    const withNat = { ...natPlan, prior_state: { format_version: '1.0', values: before } } as CostPlan;
    const cost = estimateStack('dev', withNat);
    const hours = PRICE_TABLES['us-east-1'].hoursPerMonth;
    expect(cost.changes.map((c) => [c.address.replace(/_[0-9A-F]{8}$/, ''), c.before === undefined])).toEqual([
      ['aws_autoscaling_group.api_asg', false],
      ['aws_eip.network_nat-eip-0', true],
      ['aws_nat_gateway.network_nat-0', true],
      ['aws_vpc_endpoint.database-accounts_secrets-endpoint', false],
    ]);
    // + NAT + its address − the instance's address − the Secrets Manager endpoint
    expect(cost.delta).toBeCloseTo((0.045 - 0.01) * hours, 10);
    expect(costMarkdown([cost])).toContain(`| \`dev\` | us-east-1 | ${money(cost.after.monthly)} | +$25.55 | 0 |`);
  });

  itShowingTerraformOutput('the CI plan script plans the stack with the committed lock file, which matches the provider init installs', async () => {
    const dir = path.join(work, 'ci-dev');
    fs.cpSync(path.join(outdir, 'stacks', 'dev'), dir, { recursive: true });
    writeOfflineOverride(dir);
    const summary = path.join(work, 'summary.md');
    const output = path.join(work, 'output.txt');
    const env = { TF_CLI_CONFIG_FILE: mirrorCliConfig(work), GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output };
    const outcome = await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'plans'), lockFile: LOCK_FILE, env });
    expect(outcome.status).toBe('changes');
    expect(outcome.exitCode).toBe(0);
    // init ran with -lockfile=readonly: it verified the hash and changed nothing.
    expect(fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8')).toBe(fs.readFileSync(LOCK_FILE, 'utf8'));
    expect(fs.existsSync(path.join(dir, 'tfplan'))).toBe(true);
    const json = parsePlan(fs.readFileSync(path.join(work, 'plans', 'dev.json'), 'utf8'));
    expect(json.resource_changes!.length).toBe(devPlan.resource_changes!.length);
    expect(fs.readFileSync(path.join(work, 'plans', 'dev.txt'), 'utf8')).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(fs.readFileSync(summary, 'utf8')).toContain('### Terraform plan: dev');
    expect(fs.readFileSync(output, 'utf8')).toBe('status=changes\nexitcode=0\n');
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('a lock file whose hash does not match the provider fails init', async () => {
    const dir = path.join(work, 'ci-bad-lock');
    fs.cpSync(path.join(outdir, 'stacks', 'dev'), dir, { recursive: true });
    writeOfflineOverride(dir);
    const badLock = path.join(work, 'bad.lock.hcl');
    fs.writeFileSync(badLock, fs.readFileSync(LOCK_FILE, 'utf8').replace(/h1:[^"]+/, 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    const env = { TF_CLI_CONFIG_FILE: mirrorCliConfig(work), GITHUB_STEP_SUMMARY: '', GITHUB_OUTPUT: '' };
    const outcome = await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'bad-plans'), lockFile: badLock, env });
    expect(outcome.status).toBe('failed');
    expect(fs.readFileSync(outcome.stderrFile!, 'utf8')).toMatch(/terraform init failed[\s\S]*checksum/i);
    expect(outcome.markdown).toContain('#### ❌ `dev`: plan failed');
  }, TIME_LIMITS.realEngine);

  it('the comment, the policy and the review judge with the settings the app was synthesized with, from the artifact alone', () => {
    // As the workflows run them: an empty working folder (no settings file), no TM_* variables, no TASKMANAGER_CONFIG.
    const job = path.join(work, 'artifact-only');
    fs.mkdirSync(job);
    fs.writeFileSync(path.join(job, 'dev.json'), JSON.stringify(natPlan));
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const node = (script: string, args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'dist/scripts', script), ...args], { cwd: job, env, encoding: 'utf8' });
    expect(JSON.parse(fs.readFileSync(path.join(natOutdir, 'taskmanager.resolved.json'), 'utf8')).config.environments[0].network.natGateways).toBe(1);

    const policy = node('policy.js', [natOutdir, '--plan', `dev=${path.join(job, 'dev.json')}`]);
    expect(policy.stdout).not.toContain('TM_COST_NAT_GATEWAY'); // judged against defaults (natGateways 0), it failed
    expect(policy.status).toBe(0);
    const comment = node('plan-comment.js', ['--synth', natOutdir, '--review', path.join(job, 'review.json'), `dev=${path.join(job, 'dev.json')}`]);
    expect(comment.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(job, 'review.json'), 'utf8')).status).toMatchObject({ state: 'success', description: expect.stringContaining('policy passed') });
    const review = reviewMerge({ results: [{ stack: 'dev', status: 'planned', plan: natPlan }], synthDir: natOutdir, reviewed: { missing: 'a push straight to main' }, sha: 'a'.repeat(40) });
    expect(review.verdicts[0]).toMatchObject({ verdict: 'not-reviewed' }); // not 'policy-failed'

    // An app without the file is refused, saying what is missing.
    const bare = path.join(work, 'bare.out');
    fs.cpSync(natOutdir, bare, { recursive: true });
    fs.rmSync(path.join(bare, 'taskmanager.resolved.json'));
    const refused = node('plan-comment.js', ['--synth', bare, `dev=${path.join(job, 'dev.json')}`]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`${path.join(bare, 'taskmanager.resolved.json')} not found: the synthesized app carries no resolved configuration`);
  });
});
