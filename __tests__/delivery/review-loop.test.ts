/**
 * The review loop end to end, with the real terraform on terraform_data stacks (no provider) and
 * an in-memory GitHub: a pull request's plan and comment, the merge, the plan on main, the decision,
 * the apply job's exact command, and the report. Reviewed plan = main plan → applies; main plan
 * differs → waits for a reviewer of the stack's approval environment. The reviewed plan is the
 * pull request run's `plan-review` artifact, found through the API; a comment proves nothing.
 * Every job works from the synthesized app alone, as the workflows run them: the settings are the
 * ones synth resolved into it (taskmanager.resolved.json), never a settings file or TM_* variables.
 */
import * as fs from 'fs';
import * as path from 'path';
import { terraform } from '../../delivery/terraform';
import { writeResolvedConfig } from '../../stacks/config';
import { confirmApproval, finishPlanStatus, PLAN_WORKFLOW, publishPlan, recordMerge, reportApply, REVIEW_ARTIFACT, REVIEW_FILE, reviewMainPush } from '../../delivery/review/steps';
import { run as planComment } from '../../scripts/plan-comment';
import { testConfig } from '../stacks/synth';
import { fakeGitHub } from '../workflows/support/fake-github';
import { simulate } from '../workflows/support/simulate';
import { describeWithTerraform, tempDir, itShowingTerraformOutput, planQuietly } from './support/terraform';
import { applySavedPlan, artifactCopy, NO_CLI_CONFIG, type TerraformJson, writeTerraform } from './support/terraform-data';
import { TIME_LIMITS } from '../support/time-limits';

const sha = (c: string) => c.repeat(40);
const repo = { owner: 'acme', repo: 'tm' };

describeWithTerraform('the review loop (real terraform on terraform_data, in-memory GitHub)', false, () => {
  const work = tempDir('review-loop-');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  let n = 0;
  const fresh = (name: string) => path.join(work, `${name}-${++n}`);

  /**
   * A synthesized app of one stack, `dev`, whose state lives at `state` (shared, like the S3
   * backend), with the configuration synth resolved from `settings` beside it.
   */
  // dev's default waiver (its instances' public addresses) matches nothing in these terraform_data stacks.
  function synth(state: string, resources: Record<string, unknown>, settings: Record<string, unknown> = { policy: { waivers: [] }, environments: { dev: { policy: { waivers: [] } } } }): string {
    const app = fresh('app');
    const config: TerraformJson = { terraform: { backend: { local: { path: state } } }, resource: { terraform_data: resources }, output: { value: { value: '${terraform_data.app.output}' } } };
    writeTerraform(path.join(app, 'stacks', 'dev'), config);
    fs.writeFileSync(path.join(app, 'manifest.json'), JSON.stringify({ stacks: { dev: { name: 'dev', workingDirectory: 'stacks/dev', synthesizedStackPath: 'stacks/dev/main.tf.json' } } }));
    writeResolvedConfig(app, testConfig(settings), { environment: [] });
    return app;
  }

  /** The environment of one job: its summary and outputs files; no settings of any kind. */
  function jobEnv() {
    const dir = fresh('job');
    fs.mkdirSync(dir, { recursive: true });
    const env = { GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), GITHUB_OUTPUT: path.join(dir, 'output'), TF_CLI_CONFIG_FILE: '/dev/null' };
    const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    return { dir, env, summary: () => read(env.GITHUB_STEP_SUMMARY), output: () => read(env.GITHUB_OUTPUT) };
  }

  /** The plan job (terraform-ci plan in a copy of the synthesized stack), returning its plans folder and stack folder. */
  async function planJob(app: string): Promise<{ plans: string; dir: string }> {
    const dir = fresh('stack');
    artifactCopy(path.join(app, 'stacks', 'dev'), dir);
    const plans = fresh('plans');
    const outcome = await planQuietly({ stack: 'dev', dir, outDir: plans, env: jobEnv().env });
    expect(outcome.status).not.toBe('failed');
    return { plans, dir };
  }

  /** A pull request's plan run: plan, render with --synth/--review, publish the comment, labels and status. */
  async function pullRequestRun(gh: ReturnType<typeof fakeGitHub>, app: string, pr: number, head: string) {
    const job = jobEnv();
    const { plans } = await planJob(app);
    const reviewFile = path.join(job.dir, 'review.json');
    const rendered = planComment(['--synth', app, '--review', reviewFile, '--head', head, '--base', sha('b'), '--dir', plans, 'dev'], job.env);
    expect(rendered.exitCode).toBe(0);
    await publishPlan({ github: gh.github, context: { repo, issue: { number: pr } }, file: reviewFile, issueNumber: pr });
    // The comment job's artifact, then the status once the tests passed.
    gh.addRun({ workflow: PLAN_WORKFLOW, headSha: head, artifact: { name: REVIEW_ARTIFACT, files: { [REVIEW_FILE]: fs.readFileSync(reviewFile, 'utf8') } } });
    await finishPlanStatus({ github: gh.github, context: { repo, issue: { number: pr } }, file: reviewFile, tests: 'success' });
  }

  function merge(gh: ReturnType<typeof fakeGitHub>, pr: number, head: string, mergeCommit: string): void {
    gh.pulls.push({ number: pr, merged_at: '2026-12-01T12:00:00Z', merge_commit_sha: mergeCommit, head: { sha: head }, commits: [head] });
  }

  /** The context of a push to main, which was at `before` (the PRs here were planned on base bbbb...). */
  const mainContext = (commit: string, before = sha('b')) => ({ repo, issue: { number: 0 }, sha: commit, runId: 77, serverUrl: 'https://github.com', payload: { before } });

  itShowingTerraformOutput('reviewed plan = plan on main: the stack applies, exactly that plan, and the result goes back to the PR and the commit', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    const app = synth(state, { app: { input: 'v1' } });
    await pullRequestRun(gh, app, 12, sha('1'));
    const prComment = gh.comments.find((c) => c.issue === 12)!;
    expect(prComment.body).toMatch(/^<!-- taskmanager-plan -->\n/);
    expect(prComment.body).toContain('#### Policy: ✅ passed');
    expect(prComment.body).toMatch(/<!-- taskmanager-plan-fingerprint:v2 [A-Za-z0-9+/=]+ -->\n$/);
    expect(gh.labels.get(12)).toEqual(['plan:changes']);
    expect(gh.statuses).toEqual([
      expect.objectContaining({ sha: sha('1'), context: 'taskmanager/plan', state: 'pending', description: 'dev: +1 ~0 ±0 -0 · policy passed · waiting for lint and tests' }),
      expect.objectContaining({ sha: sha('1'), context: 'taskmanager/plan', state: 'success', description: 'dev: +1 ~0 ±0 -0 · policy passed' }),
    ]);

    merge(gh, 12, sha('1'), sha('m'));
    const main = jobEnv();
    const { plans, dir } = await planJob(app);
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('m')), plansDir: plans, synthDir: app, stacks: ['dev'], env: main.env });
    expect(review.verdicts).toEqual([expect.objectContaining({ stack: 'dev', verdict: 'apply', reason: expect.stringMatching(/^the plan is the one reviewed on #12 \(digest `[0-9a-f]{12}`\)$/) })]);
    expect(main.output()).toBe('apply=["dev"]\napprove=[]\nstacks=["dev"]\n');
    expect(main.summary()).toContain('| `dev` | ▶️ applies |');
    expect(gh.statuses.at(-1)).toMatchObject({ sha: sha('m'), context: 'deploy/dev', state: 'pending' });

    // The apply job: the artifact copy of the planned folder, terraform only, its JSON log kept.
    const artifact = fresh('deploy');
    artifactCopy(dir, artifact);
    const applied = await applySavedPlan(artifact);
    expect(applied.code).toBe(0);
    const results = fresh('applied');
    fs.mkdirSync(results);
    fs.writeFileSync(path.join(results, 'apply-dev.jsonl'), applied.stdout);

    const report = jobEnv();
    await reportApply({ github: gh.github, context: mainContext(sha('m')), resultsDir: results, stacks: ['dev'], env: report.env });
    const deploy = gh.comments.find((c) => c.issue === 12 && c.body.startsWith('<!-- taskmanager-deploy -->'))!;
    expect(deploy.body).toContain('| `dev` | ▶️ applies |'); // the decision stays
    expect(deploy.body).toMatch(/#### ✅ `dev`: 1 added, 0 changed, 0 destroyed in \d+ s/);
    expect(deploy.body).toContain('value = "v1"');
    expect(report.summary()).toContain('### Apply results');
    expect(gh.statuses.at(-1)).toMatchObject({ context: 'deploy/dev', state: 'success', description: expect.stringMatching(/^applied: 1 added, 0 changed, 0 destroyed in \d+ s$/) });

    // The next push to main changes nothing here: no apply job, no approval request.
    const next = jobEnv();
    const again = await planJob(app);
    const quiet = await reviewMainPush({ github: gh.github, context: mainContext(sha('n')), plansDir: again.plans, synthDir: app, stacks: ['dev'], env: next.env });
    expect(quiet.verdicts[0]).toMatchObject({ verdict: 'no-changes' });
    expect(next.output()).toBe('apply=[]\napprove=[]\nstacks=[]\n');
    expect(gh.statuses.at(-1)).toMatchObject({ sha: sha('n'), context: 'deploy/dev', state: 'success' });
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('the plan on main differs from the reviewed one: nothing applies until a reviewer of its approval environment approves that saved plan', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    await pullRequestRun(gh, synth(state, { app: { input: 'v1' } }), 20, sha('2'));
    merge(gh, 20, sha('2'), sha('d'));
    // Another change reached main between the review and the merge.
    const moved = synth(state, { app: { input: 'v2' } });
    const main = jobEnv();
    const { plans } = await planJob(moved);
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('d'), sha('9')), plansDir: plans, synthDir: moved, stacks: ['dev'], env: main.env });
    const [verdict] = review.verdicts;
    expect(verdict).toMatchObject({ verdict: 'differs', reason: 'the plan differs from the one reviewed on #20' });
    expect(verdict.differences).toEqual([
      'the base moved since the plan: #20 was planned on `bbbbbbb`, main was at `9999999` when it merged (requiring up-to-date branches re-plans such a PR before it can merge)',
      'the synthesized configuration is not the one that was planned (the code changed, e.g. the base branch moved)',
      '`terraform_data.app`: **create** as reviewed, but with other values',
    ]);
    // Not applied as reviewed; offered to the approval environment, in the apply order.
    expect(main.output()).toBe('apply=[]\napprove=["dev"]\nstacks=["dev"]\n');
    const comment = gh.comments.find((c) => c.issue === 20 && c.body.startsWith('<!-- taskmanager-deploy -->'))!.body;
    expect(comment).toContain('| `dev` | ⏸️ waits for a decision | the plan differs from the one reviewed on #20 |');
    expect(comment).toContain('approve the run\'s deployment to the `dev-approval` environment');
    expect(comment).not.toContain('workflow_dispatch');
    expect(gh.statuses.at(-1)).toMatchObject({ context: 'deploy/dev', state: 'pending', description: 'waits for approval in dev-approval: the plan differs from the one reviewed on #20' });

    // The approval job: without a reviewer's approval of this run in dev-approval it refuses (and sets no output).
    const approval = jobEnv();
    const context = mainContext(sha('d'));
    await expect(confirmApproval({ github: gh.github, context, stack: 'dev', env: approval.env })).rejects.toThrow('no reviewer approved this run in the environment dev-approval');
    gh.reviews.push({ runId: 77, state: 'approved', environment: 'prod-approval', login: 'alice' }); // another environment's
    gh.reviews.push({ runId: 76, state: 'approved', environment: 'dev-approval', login: 'alice' }); // another run's
    gh.reviews.push({ runId: 77, state: 'rejected', environment: 'dev-approval', login: 'bob' });
    await expect(confirmApproval({ github: gh.github, context, stack: 'dev', env: approval.env })).rejects.toThrow('no reviewer approved');
    expect(approval.output()).toBe('');
    gh.reviews.push({ runId: 77, state: 'approved', environment: 'dev-approval', login: 'carol' });
    await expect(confirmApproval({ github: gh.github, context, stack: 'dev', env: approval.env })).resolves.toBe('carol');
    expect(approval.output()).toBe('dev=approved\n');
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('a push with no reviewed plan, a merged head that was never planned, or a failing policy does not apply', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    const app = synth(state, { app: { input: 'v1' } });
    const main = jobEnv();
    const { plans } = await planJob(app);
    const direct = await reviewMainPush({ github: gh.github, context: mainContext(sha('e')), plansDir: plans, synthDir: app, stacks: ['dev'], env: main.env });
    expect(direct.verdicts[0]).toMatchObject({ verdict: 'not-reviewed', reason: `no merged pull request has ${'e'.repeat(7)} as its merge commit (a push straight to main?)` });

    await pullRequestRun(gh, app, 30, sha('3'));
    merge(gh, 30, sha('4'), sha('f')); // merged at a later head than the one planned
    const stale = await reviewMainPush({ github: gh.github, context: mainContext(sha('f')), plansDir: plans, synthDir: app, stacks: ['dev'], env: jobEnv().env });
    expect(stale.verdicts[0]).toMatchObject({ verdict: 'not-reviewed', reason: expect.stringContaining('its final commit was never planned') });

    // The same code, synthesized with a waiver that has expired: the review judges with that app's settings.
    const expiredApp = synth(state, { app: { input: 'v1' } }, { policy: { waivers: [{ rule: 'CKV_AWS_7', resource: 'aws_kms_key.k', reason: 'old', expires: '2020-01-01' }] }, environments: { dev: { policy: { waivers: [] } } } });
    const expired = jobEnv();
    const blocked = await reviewMainPush({ github: gh.github, context: mainContext(sha('f')), plansDir: plans, synthDir: expiredApp, stacks: ['dev'], env: expired.env });
    expect(blocked.verdicts[0]).toMatchObject({ verdict: 'policy-failed' });
    expect(expired.output()).toBe('apply=[]\napprove=[]\nstacks=[]\n');
    expect(expired.summary()).toContain('TM_WAIVER_EXPIRED');
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('a failed apply says which resource failed, on the PR and in the commit status', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    // A command in the apply is refused unless the settings waive it; the comment says so at its top.
    const waiver = { rule: 'TM_EXEC_COMMAND_RESOURCE', resource: 'terraform_data.broken', reason: 'a command that fails, to test a failed apply', expires: '2099-12-31' };
    const app = synth(state, { app: { input: 'v1' }, broken: { input: 'x', provisioner: [{ 'local-exec': { command: 'exit 3' } }] } }, { policy: { waivers: [waiver] }, environments: { dev: { policy: { waivers: [] } } } });
    await pullRequestRun(gh, app, 40, sha('5'));
    const prComment = gh.comments.find((c) => c.issue === 40)!.body;
    const notice = prComment.indexOf('> **1 policy failure waived** by `policy.waivers` in the settings:\n> - `TM_EXEC_COMMAND_RESOURCE` (critical) `dev` `terraform_data.broken`: runs a local-exec command ("exit 3") with the apply role\'s credentials; waived until 2099-12-31: a command that fails, to test a failed apply');
    expect(notice).toBeGreaterThan(0);
    expect(notice).toBeLessThan(prComment.indexOf('#### Policy'));
    expect(notice).toBeLessThan(prComment.indexOf('<details>'));
    merge(gh, 40, sha('5'), sha('a'));
    const main = jobEnv();
    const { plans, dir } = await planJob(app);
    expect((await reviewMainPush({ github: gh.github, context: mainContext(sha('a')), plansDir: plans, synthDir: app, stacks: ['dev'], env: main.env })).apply).toEqual(['dev']);
    const applied = await applySavedPlan(dir);
    expect(applied.code).toBe(1);
    const results = fresh('applied');
    fs.mkdirSync(results);
    fs.writeFileSync(path.join(results, 'apply-dev.jsonl'), applied.stdout);
    await reportApply({ github: gh.github, context: mainContext(sha('a')), resultsDir: results, stacks: ['dev'], env: jobEnv().env });
    const comment = gh.comments.find((c) => c.issue === 40 && c.body.startsWith('<!-- taskmanager-deploy -->'))!.body;
    expect(comment).toContain('#### ❌ `dev`: the apply failed');
    expect(comment).toContain('- `terraform_data.broken`: local-exec provisioner error');
    expect(gh.statuses.at(-1)).toMatchObject({ context: 'deploy/dev', state: 'failure', description: 'apply failed at terraform_data.broken' });
  }, TIME_LIMITS.realEngine);

  it('an attribute that moved on its own in state between the review and the merge: the reviewed plan still applies', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    const first = await planJob(synth(state, { app: { input: 'v1' } }));
    expect((await applySavedPlan(first.dir)).code).toBe(0);
    const app = synth(state, { app: { input: 'v2' } });
    await pullRequestRun(gh, app, 50, sha('6'));
    // AWS moves a computed attribute (as RDS does with latest_restorable_time every five minutes).
    const applied = JSON.parse(fs.readFileSync(state, 'utf8'));
    const { attributes } = applied.resources.find((r: { name: string }) => r.name === 'app').instances[0];
    expect(attributes.output).toEqual({ value: 'v1', type: 'string' });
    attributes.output = { value: 'moved since the review', type: 'string' };
    fs.writeFileSync(state, JSON.stringify({ ...applied, serial: applied.serial + 1 }));
    merge(gh, 50, sha('6'), sha('7'));
    const main = jobEnv();
    const { plans } = await planJob(app);
    const mainPlan = JSON.parse(fs.readFileSync(path.join(plans, 'dev.json'), 'utf8'));
    expect(mainPlan.resource_changes[0].change.before.output).toBe('moved since the review'); // Terraform's own before moved ...
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('7')), plansDir: plans, synthDir: app, stacks: ['dev'], env: main.env });
    expect(review.verdicts[0]).toMatchObject({ verdict: 'apply', reason: expect.stringMatching(/^the plan is the one reviewed on #50/) }); // ... the intent did not
    expect(main.output()).toBe('apply=["dev"]\napprove=[]\nstacks=["dev"]\n');
  }, TIME_LIMITS.realEngine);

  it('what is left of the reviewed plan after an earlier run applied part of it applies, and the deploy comment says what is gone', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    const app = synth(state, { app: { input: 'v1' }, extra: { input: 'x' } });
    await pullRequestRun(gh, app, 60, sha('8'));
    merge(gh, 60, sha('8'), sha('9'));
    // An earlier run of this merge created terraform_data.extra before it stopped.
    const earlier = fresh('earlier');
    artifactCopy(path.join(app, 'stacks', 'dev'), earlier);
    expect((await terraform(['init', '-input=false', '-no-color'], { dir: earlier, env: NO_CLI_CONFIG })).code).toBe(0);
    expect((await terraform(['apply', '-auto-approve', '-input=false', '-no-color', '-target=terraform_data.extra'], { dir: earlier, env: NO_CLI_CONFIG })).code).toBe(0);
    const main = jobEnv();
    const { plans } = await planJob(app);
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('9')), plansDir: plans, synthDir: app, stacks: ['dev'], env: main.env });
    const reason = 'the plan is what is left of the one reviewed on #60, each change as reviewed; 1 of its changes is no longer planned (an earlier run applied it): `terraform_data.extra`';
    expect(review.verdicts[0]).toMatchObject({ verdict: 'apply', reason });
    expect(gh.comments.find((c) => c.issue === 60 && c.body.startsWith('<!-- taskmanager-deploy -->'))!.body).toContain(`| \`dev\` | ▶️ applies | ${reason} |`);
  }, TIME_LIMITS.realEngine);

  it('a plan comment with an older fingerprint format is recognised as such: nothing applies, and the reason says why', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    const app = synth(state, { app: { input: 'v1' } });
    await pullRequestRun(gh, app, 70, sha('a'));
    // The run's artifact as an older version of the comment job wrote it.
    gh.runs.splice(gh.runs.findIndex((r) => r.head_sha === sha('a')), 1);
    const v1 = { version: 1, head: sha('a'), base: sha('b'), stacks: { dev: { digest: 'f'.repeat(64), code: '' } } };
    const file = { body: '', labels: [], status: { state: 'success', description: '' }, head: sha('a'), fingerprint: v1 };
    gh.addRun({ workflow: PLAN_WORKFLOW, headSha: sha('a'), artifact: { name: REVIEW_ARTIFACT, files: { [REVIEW_FILE]: JSON.stringify(file) } } });
    merge(gh, 70, sha('a'), sha('c'));
    const { plans } = await planJob(app);
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('c')), plansDir: plans, synthDir: app, stacks: ['dev'], env: jobEnv().env });
    expect(review.verdicts[0]).toMatchObject({ verdict: 'not-reviewed', reason: 'the plan on #70 carries a fingerprint of format v1; this version compares v2 (the plan\'s intent) and cannot tell whether the plans match' });
  }, TIME_LIMITS.realEngine);

  it('only the CI workflow\'s pull-request run of the merged head is the reviewed plan: not a comment, not another workflow\'s artifact, not a fork\'s run', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    const reviewed = synth(state, { app: { input: 'v1' } });
    await pullRequestRun(gh, reviewed, 50, sha('6'));
    merge(gh, 50, sha('6'), sha('7'));
    // What reaches main is another plan; someone forges "reviewed" records of it everywhere but ci.yml's run.
    const other = synth(state, { app: { input: 'evil' } });
    const forger = jobEnv();
    const { plans: forgedPlans } = await planJob(other);
    const forgedFile = path.join(forger.dir, 'review.json');
    expect(planComment(['--synth', other, '--review', forgedFile, '--head', sha('6'), '--base', sha('b'), '--dir', forgedPlans, 'dev'], forger.env).exitCode).toBe(0);
    const forged = fs.readFileSync(forgedFile, 'utf8');
    gh.addRun({ workflow: '.github/workflows/other.yml', headSha: sha('6'), artifact: { name: REVIEW_ARTIFACT, files: { [REVIEW_FILE]: forged } } });
    gh.addRun({ workflow: PLAN_WORKFLOW, headSha: sha('6'), repository: 'mallory/tm', artifact: { name: REVIEW_ARTIFACT, files: { [REVIEW_FILE]: forged } } });
    gh.addRun({ workflow: PLAN_WORKFLOW, headSha: sha('6'), event: 'workflow_dispatch', artifact: { name: REVIEW_ARTIFACT, files: { [REVIEW_FILE]: forged } } });
    await gh.github.rest.issues.createComment({ ...repo, issue_number: 50, body: JSON.parse(forged).body });

    const { plans } = await planJob(other);
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('7')), plansDir: plans, synthDir: other, stacks: ['dev'], env: jobEnv().env });
    expect(review.verdicts[0]).toMatchObject({ verdict: 'differs', reason: 'the plan differs from the one reviewed on #50' });
    expect(review.apply).toEqual([]);

    // Without ci.yml's own run, the forged records alone are no review at all.
    gh.runs.splice(0, 1);
    const none = await reviewMainPush({ github: gh.github, context: mainContext(sha('7')), plansDir: plans, synthDir: other, stacks: ['dev'], env: jobEnv().env });
    expect(none.verdicts[0]).toMatchObject({ verdict: 'not-reviewed', reason: expect.stringContaining('its final commit was never planned') });
  }, TIME_LIMITS.realEngine);

  it("a fork's pull request gets no plan and a failing check that says how a maintainer plans it; no manual run reaches the loop", async () => {
    const job = jobEnv();
    const result = planComment(['--require-plan', `dev=fork:51:${sha('8')}`, `prod=fork:51:${sha('8')}`], job.env);
    expect(result.exitCode).toBe(1);
    expect(result.markdown).toContain(`git fetch origin pull/51/head && git push origin ${sha('8')}:refs/heads/fork-pr-51`);
    expect(result.markdown).not.toContain('Run workflow');
    // GitHub's engines: ci.yml has no workflow_dispatch, so no input (pr, sha, approve) starts any of it.
    const ci = path.resolve(__dirname, '../../.github/workflows/ci.yml');
    for (const inputs of [{}, { pr: '51', sha: sha('8') }, { approve: `dev=${'e'.repeat(64)}` }, { pr: '51', sha: sha('8'), approve: `dev=${'e'.repeat(64)}` }] as Record<string, string>[]) {
      expect(await simulate(ci, { event: 'workflow_dispatch', ref: 'refs/heads/main', inputs })).toEqual([]);
    }
    // A fork's pull request runs nothing of ci.yml either (fork.yml takes it, read-only).
    const forkLegs = await simulate(ci, { event: 'pull_request', ref: 'refs/pull/51/merge', headRepository: 'mallory/taskmanager' });
    expect(forkLegs.filter((l) => l.result !== 'skipped')).toEqual([]);
  });

  it('a deploy that GitHub cancels in the queue says "superseded by <sha>" on its pull request and statuses; the newer merge deploys its changes too', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    // #61 adds `extra`; #62 was brought up to date with it before it merged (its plan includes `extra`).
    const withExtra = { app: { input: 'v1' }, extra: { input: 'x' } };
    const withBoth = { ...withExtra, more: { input: 'y' } };
    await pullRequestRun(gh, synth(state, withExtra), 61, sha('1'));
    merge(gh, 61, sha('1'), sha('a'));
    const latest = synth(state, withBoth);
    await pullRequestRun(gh, latest, 62, sha('2'));
    merge(gh, 62, sha('2'), sha('c'));
    gh.branches.set('main', sha('c'));

    // The run of #61's merge waited in `deploy-main` and GitHub cancelled it when #62's merge queued.
    const record = jobEnv();
    const superseded = await recordMerge({ github: gh.github, context: mainContext(sha('a')), stacks: ['dev', 'prod'], why: 'cancelled', env: record.env });
    expect(superseded).toMatchObject({ state: 'error', description: expect.stringMatching(new RegExp(`^superseded by ${sha('c')}: `)) });
    const note = gh.comments.find((c) => c.issue === 61 && c.body.startsWith('<!-- taskmanager-deploy -->'))!.body;
    expect(note).toContain(`superseded by ${sha('c')}`);
    expect(gh.statuses.filter((st) => st.sha === sha('a')).map((st) => [st.context, st.state])).toEqual([['deploy/dev', 'error'], ['deploy/prod', 'error']]);
    expect(gh.statuses.find((st) => st.sha === sha('a'))!.description).toMatch(/^superseded by c{40}/);
    expect(record.summary()).toContain('superseded by');

    // #62's deploy plans the whole of main: #61's `extra` with it, as #62's reviewed plan had it.
    const main = jobEnv();
    const { plans } = await planJob(latest);
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('c'), sha('a')), plansDir: plans, synthDir: latest, stacks: ['dev'], env: main.env });
    expect(review.verdicts[0]).toMatchObject({ verdict: 'apply' });
    expect(main.summary()).toContain('| `dev` | ▶️ applies |');

    // A cancelled deploy of main's newest commit is not superseded: it says to re-run.
    const cancelled = await recordMerge({ github: gh.github, context: mainContext(sha('c')), stacks: ['dev'], why: 'cancelled', env: jobEnv().env });
    expect(cancelled.description).toBe('cancelled before it deployed: re-run the workflow run to deploy it');
  }, TIME_LIMITS.realEngine);
});

