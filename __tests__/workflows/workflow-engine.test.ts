/**
 * The workflows' logic, decided by GitHub's own parser and expression engine (support/simulate.ts)
 * for every event that can start them, with the jobs before each one succeeding, failing or skipped:
 * which jobs run, on which ref, with which permissions, environment and AWS role. Above all: only a
 * merge to main reaches an apply job (a differing plan only through its approval environment), and
 * no event of a fork reaches `id-token: write` or a write scope.
 */
import * as path from 'path';
import { workflowFiles } from '../../scripts/lint-workflows';
import { applyRole, evaluate, interpolate, type Leg, loadWorkflow, REPOSITORY, type Result, type Scenario, simulate, VARS } from './support/simulate';

const DIR = path.resolve(__dirname, '../../.github/workflows');
const FILES = workflowFiles(DIR).map((f) => f.path);
const file = (name: string) => path.join(DIR, name);
const SHA = 'c'.repeat(40);

const EVENTS: Record<string, Scenario> = {
  'a pull request of this repository': { event: 'pull_request', ref: 'refs/pull/7/merge' },
  "a fork's pull request": { event: 'pull_request', ref: 'refs/pull/7/merge', headRepository: 'mallory/taskmanager' },
  'a push to main': { event: 'push', ref: 'refs/heads/main', sha: SHA },
  'a push to another branch': { event: 'push', ref: 'refs/heads/feature' },
  merge_group: { event: 'merge_group', ref: 'refs/heads/gh-readonly-queue/main/pr-7-aaaa' },
  schedule: { event: 'schedule', ref: 'refs/heads/main' },
};
// workflow_dispatch on main and on a branch, with every combination of the inputs the old CI
// had (pr, sha, approve): no workflow may let them choose the code or approve a plan.
for (const ref of ['refs/heads/main', 'refs/heads/feature']) {
  for (let bits = 0; bits < 8; bits++) {
    const inputs = { ...(bits & 1 ? { pr: '7' } : {}), ...(bits & 2 ? { sha: 'a'.repeat(40) } : {}), ...(bits & 4 ? { approve: `prod=${'e'.repeat(64)}` } : {}) };
    EVENTS[`workflow_dispatch on ${ref} with ${JSON.stringify(inputs)}`] = { event: 'workflow_dispatch', ref, inputs };
  }
}

/** What the jobs before may have done: everything succeeds, or one of them fails, or its outputs skip the next. */
const OUTCOMES: { name: string; results?: Record<string, Result>; outputs?: Scenario['outputs'] }[] = [
  { name: 'all succeed' },
  { name: 'synth fails', results: { 'synth/synth': 'failure' } },
  { name: 'tests fail', results: { 'tests/test': 'failure' } },
  { name: 'a plan fails', results: { plan: 'failure', 'deploy/plan': 'failure', drift: 'failure' } },
  { name: 'nothing synth reads changed', outputs: { synth: { plan: 'false', commit: SHA } } },
  { name: 'the review fails', results: { 'deploy/review': 'failure' } },
  { name: 'an approval is rejected', results: { 'deploy/approve': 'failure' } },
  { name: 'the deploy is cancelled in the queue', results: { deploy: 'cancelled' } },
];
const DEFAULT_OUTPUTS = {
  synth: { plan: 'true', pipeline: 'false', commit: SHA },
  'deploy/review': { apply: '["dev"]', approve: '["prod"]', stacks: '["dev","prod"]' },
};

async function legsOf(scenario: Scenario): Promise<Leg[]> {
  const all: Leg[] = [];
  for (const f of FILES) all.push(...(await simulate(f, scenario)).map((l) => ({ ...l, job: `${path.basename(f)}:${l.job}` })));
  return all;
}

const ran = (legs: Leg[]) => legs.filter((l) => l.result !== 'skipped');
const isApply = (l: Leg) => /:(.+\/)?apply$/.test(l.job) || (l.role ?? '').includes('-apply-');
const names = (legs: Leg[]) => ran(legs).map((l) => (l.matrix ? `${l.job}[${Object.values(l.matrix).join(',')}]` : l.job));
const isImagePush = (l: Leg) => l.matrix?.environment !== undefined && l.job.startsWith('image.yml:');

describe('every workflow, every event, every outcome of the jobs before', () => {
  const cases: [string, string, Scenario][] = [];
  for (const [event, scenario] of Object.entries(EVENTS)) {
    for (const o of OUTCOMES) cases.push([event, o.name, { ...scenario, results: o.results, outputs: { ...DEFAULT_OUTPUTS, ...o.outputs } }]);
  }

  it('parse with GitHub\'s workflow parser without an error', async () => {
    expect(FILES.map((f) => path.basename(f))).toEqual(['ci.yml', 'deploy.yml', 'drift.yml', 'fork.yml', 'image.yml', 'synth.yml', 'tests.yml']);
    for (const f of FILES) await expect(loadWorkflow(f)).resolves.toBeDefined();
  });

  it.each(cases)('%s, %s: only a merge to main reaches apply, a fork gets no write scope and no OIDC token, roles match their stack', async (_event, _outcome, scenario) => {
    const legs = ran(await legsOf(scenario));
    for (const leg of legs.filter(isApply)) {
      expect({ job: leg.job, event: scenario.event, ref: scenario.ref }).toEqual({ job: leg.job, event: 'push', ref: 'refs/heads/main' });
      // Its environment is its stack (the apply role trusts that subject), after the review decided it.
      expect(leg.environment).toBe(leg.matrix!.stack);
      expect(leg.role).toBe(applyRole(leg.environment!));
    }
    if (scenario.headRepository && scenario.headRepository !== REPOSITORY) {
      for (const leg of legs) expect({ job: leg.job, writes: Object.entries(leg.permissions).filter(([, level]) => level === 'write') }).toEqual({ job: leg.job, writes: [] });
    }
    for (const leg of legs.filter(isImagePush)) {
      // The image-push role of the leg's own environment, on main's pushes only (the role trusts main's ref).
      expect({ event: scenario.event, ref: scenario.ref }).toEqual({ event: 'push', ref: 'refs/heads/main' });
      expect(leg.role).toBe(leg.matrix!.environment === 'prod' ? VARS.AWS_IMAGE_PUSH_ROLE_ARN_PROD : VARS.AWS_IMAGE_PUSH_ROLE_ARN_DEV);
      expect(leg.environment).toBeUndefined();
    }
    for (const leg of legs.filter((l) => l.permissions['id-token'] === 'write' && !isApply(l) && !isImagePush(l))) {
      // The plan role of the leg's own stack, never another's; outside any environment.
      expect(leg.role).toBe(leg.matrix!.stack === 'prod' ? VARS.AWS_PLAN_ROLE_ARN_PROD : VARS.AWS_PLAN_ROLE_ARN_DEV);
      expect(leg.environment).toBeUndefined();
      expect(scenario.ref === 'refs/heads/main' || scenario.event === 'pull_request').toBe(true);
    }
    // No job that holds AWS credentials can write to GitHub.
    for (const leg of legs.filter((l) => l.role)) expect(Object.entries(leg.permissions).filter(([s, l]) => l === 'write' && s !== 'id-token')).toEqual([]);
  });
});

describe('which jobs run', () => {
  const outputs = DEFAULT_OUTPUTS;
  const pr = EVENTS['a pull request of this repository'];
  const push = EVENTS['a push to main'];

  it('a pull request: synth, lint and tests at once; plans after synth; the comment after the plans; the status after the tests too; no deploy', async () => {
    const legs = await simulate(file('ci.yml'), { ...pr, outputs });
    expect(names(legs)).toEqual(['synth/synth', 'tests/lint', 'tests/test', 'plan[dev]', 'plan[prod]', 'comment', 'plan-status']);
    const { template } = await loadWorkflow(file('ci.yml'));
    const needs = Object.fromEntries(template.jobs.map((j) => [j.id.value, (j.needs ?? []).map((n) => n.value)]));
    expect(needs).toMatchObject({ synth: [], tests: [], plan: ['synth'], comment: ['synth', 'plan'], 'plan-status': ['comment', 'tests'] });
    for (const leg of ran(legs)) expect(leg.ref).toBe('refs/pull/7/merge');
  });

  it('a pull request that changes nothing synth reads: no plan, the comment says so, the status still waits for the tests', async () => {
    const legs = await simulate(file('ci.yml'), { ...pr, outputs: { synth: { plan: 'false', commit: SHA } } });
    expect(names(legs)).toEqual(['synth/synth', 'tests/lint', 'tests/test', 'comment', 'plan-status']);
  });

  it('a failed plan is still commented; failed tests still set the status (to a failure); a failed synth comments nothing', async () => {
    expect(names(await simulate(file('ci.yml'), { ...pr, outputs, results: { plan: 'failure' } }))).toContain('comment');
    expect(names(await simulate(file('ci.yml'), { ...pr, outputs, results: { tests: 'failure' } }))).toEqual(expect.arrayContaining(['comment', 'plan-status']));
    expect(names(await simulate(file('ci.yml'), { ...pr, outputs, results: { 'synth/synth': 'failure' } }))).toEqual(['synth/synth', 'tests/lint', 'tests/test']);
  });

  it("a fork's pull request: nothing in ci.yml; fork.yml synthesizes and tests with read-only tokens and says how a maintainer plans it", async () => {
    const fork = EVENTS["a fork's pull request"];
    expect(names(await simulate(file('ci.yml'), { ...fork, outputs }))).toEqual([]);
    const legs = await simulate(file('fork.yml'), { ...fork, outputs });
    expect(names(legs)).toEqual(['synth/synth', 'tests/lint', 'tests/test', 'no-plan']);
    for (const leg of legs) expect(leg.permissions).toEqual({ contents: 'read' });
    expect(names(await simulate(file('fork.yml'), { ...pr, outputs }))).toEqual([]);
  });

  it('a merge to main: synth and tests, then the deploy in its queue: plan per stack, review, approval of the differing stack, apply in order, report', async () => {
    const legs = await simulate(file('ci.yml'), { ...push, outputs });
    expect(names(legs)).toEqual(['synth/synth', 'tests/lint', 'tests/test', 'deploy/plan[dev]', 'deploy/plan[prod]', 'deploy/review', 'deploy/approve[prod]', 'deploy/apply[dev]', 'deploy/apply[prod]', 'deploy/report']);
    const approve = ran(legs).find((l) => l.job === 'deploy/approve')!;
    expect(approve).toMatchObject({ environment: 'prod-approval', role: undefined, permissions: { contents: 'read', actions: 'read' } });
    for (const leg of ran(legs)) expect(leg.ref).toBe('refs/heads/main');
  });

  it('a merge to main that changes nothing synth reads, fails its tests, or whose deploy GitHub cancels in the queue: no deploy, the record job says why', async () => {
    const variants: Pick<Scenario, 'outputs' | 'results'>[] = [{ outputs: { synth: { plan: 'false', commit: SHA } } }, { outputs, results: { 'tests/test': 'failure' } }, { outputs, results: { deploy: 'cancelled' } }];
    for (const variant of variants) {
      const legs = await simulate(file('ci.yml'), { ...push, ...variant });
      if (!variant.results?.deploy) expect(names(legs).filter((n) => n.startsWith('deploy/'))).toEqual([]);
      expect(names(legs)).toContain('record');
    }
    const clean = await simulate(file('ci.yml'), { ...push, outputs });
    expect(names(clean)).not.toContain('record');
  });

  it('the record job tells a superseded deploy from a docs-only merge and from failed tests', async () => {
    const { yaml } = await loadWorkflow(file('ci.yml'));
    const why = String(yaml.jobs.record.steps!.find((s) => s.env?.WHY)!.env!.WHY);
    const scope = (deploy: Result, plan: string) => ({ github: {}, inputs: {}, vars: {}, ancestors: [], cancelled: false, needs: { synth: { result: 'success' as Result, outputs: { plan } }, tests: { result: 'success' as Result, outputs: {} }, deploy: { result: deploy, outputs: {} } } });
    expect(interpolate(why, scope('cancelled', 'true'))).toBe('cancelled');
    expect(interpolate(why, scope('skipped', 'false'))).toBe('no-synth-input');
    expect(interpolate(why, scope('skipped', 'true'))).toBe('tests-failed');
  });

  it('a reviewed stack applies at once; a differing one only with its approval; a rejected approval fails that leg before any credential', async () => {
    const { yaml } = await loadWorkflow(file('deploy.yml'));
    const gate = yaml.jobs.apply.steps![0];
    expect(gate.name).toBe('The plan was reviewed or approved, and built from this commit');
    const go = String(gate.env!.GO);
    const scope = (stack: string, approved: Record<string, string>) => ({ github: {}, inputs: {}, vars: {}, ancestors: [], cancelled: false, matrix: { stack }, needs: { review: { result: 'success' as Result, outputs: outputs['deploy/review'] }, approve: { result: 'success' as Result, outputs: approved }, plan: { result: 'success' as Result, outputs: {} } } });
    expect(interpolate(go, scope('dev', {}))).toBe('true');
    expect(interpolate(go, scope('prod', {}))).toBe('false');
    expect(interpolate(go, scope('prod', { prod: 'approved' }))).toBe('true');
    expect(interpolate(go, scope('prod', { dev: 'approved' }))).toBe('false');
    expect(gate.run).toContain('exit 1');
    // The gate and the commit check come before the credentials.
    const steps = yaml.jobs.apply.steps!;
    expect(steps.findIndex((s) => s.uses?.startsWith('aws-actions/'))).toBeGreaterThan(0);
    // An approval rejected for one stack leaves the other reviewed stack applying.
    const legs = await simulate(file('ci.yml'), { ...push, outputs, results: { 'deploy/approve': 'failure' } });
    expect(names(legs)).toEqual(expect.arrayContaining(['deploy/apply[dev]', 'deploy/apply[prod]', 'deploy/report']));
  });

  it('nothing to approve: no approval job; nothing to apply: no apply job and no report', async () => {
    const reviewed = await simulate(file('ci.yml'), { ...push, outputs: { ...outputs, 'deploy/review': { apply: '["dev","prod"]', approve: '[]', stacks: '["dev","prod"]' } } });
    expect(names(reviewed)).not.toContain('deploy/approve');
    expect(names(reviewed)).toEqual(expect.arrayContaining(['deploy/apply[dev]', 'deploy/apply[prod]']));
    const none = await simulate(file('ci.yml'), { ...push, outputs: { ...outputs, 'deploy/review': { apply: '[]', approve: '[]', stacks: '[]' } } });
    expect(names(none).filter((n) => /approve|apply|report/.test(n))).toEqual([]);
  });

  it('the drift check: on schedule and on a manual run on main only, plan role per stack, no environment', async () => {
    const legs = await simulate(file('drift.yml'), { ...EVENTS.schedule, outputs });
    expect(names(legs)).toEqual(['synth/synth', 'drift[dev]', 'drift[prod]', 'report']);
    expect(ran(legs).filter((l) => l.role).map((l) => [l.matrix!.stack, l.role])).toEqual([['dev', VARS.AWS_PLAN_ROLE_ARN_DEV], ['prod', VARS.AWS_PLAN_ROLE_ARN_PROD]]);
    expect(names(await simulate(file('drift.yml'), { event: 'workflow_dispatch', ref: 'refs/heads/feature', outputs }))).toEqual([]);
  });

  it('the image: a pull request builds it without AWS credentials; a push to main builds it once and pushes it with each environment\'s own push role', async () => {
    const build = await simulate(file('image.yml'), { ...pr, outputs });
    expect(names(build)).toEqual(['build']);
    expect(ran(build).every((l) => l.role === undefined && l.permissions['id-token'] === undefined)).toBe(true);
    const main = await simulate(file('image.yml'), { ...push, outputs });
    expect(names(main)).toEqual(['build', 'push[dev]', 'push[prod]']);
    expect(ran(main).filter((l) => l.role).map((l) => [l.matrix!.environment, l.role])).toEqual([['dev', VARS.AWS_IMAGE_PUSH_ROLE_ARN_DEV], ['prod', VARS.AWS_IMAGE_PUSH_ROLE_ARN_PROD]]);
    expect(names(await simulate(file('image.yml'), { ...push, outputs, results: { build: 'failure' } }))).toEqual(['build']);
  });

  it('a missing plan role variable leaves the role empty (the job fails) instead of borrowing the other stack\'s', async () => {
    const { yaml } = await loadWorkflow(file('ci.yml'));
    const expr = String(yaml.jobs.plan.steps!.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume']);
    const scope = (stack: string, vars: Record<string, string>) => ({ github: {}, inputs: {}, vars, ancestors: [], cancelled: false, matrix: { stack }, needs: {} });
    expect(interpolate(expr, scope('prod', { AWS_PLAN_ROLE_ARN_DEV: 'dev-role' }))).toBe('');
    expect(interpolate(expr, scope('dev', { AWS_PLAN_ROLE_ARN_PROD: 'prod-role' }))).toBe('');
    expect(interpolate(expr, scope('staging', VARS))).toBe('');
    expect(evaluate("matrix.stack == 'dev'", scope('dev', {})).coerceString()).toBe('true');
  });
});
