/**
 * The review loop end to end, with the real terraform on terraform_data stacks (no provider) and
 * an in-memory GitHub: a pull request's plan and comment, the merge, the plan on main, the decision,
 * the apply job's exact command, and the report. Reviewed plan = main plan → applies; main plan
 * differs → stops with the difference, until a maintainer approves its digest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { publishPlan, reportApply, reviewMainPush } from '../../delivery/review/steps';
import { run as planComment } from '../../scripts/plan-comment';
import { fakeGitHub } from '../workflows/support/fake-github';
import { describeWithTerraform, tempDir, itShowingTerraformOutput, planQuietly } from './support/terraform';
import { applySavedPlan, artifactCopy, type TerraformJson, writeTerraform } from './support/terraform-data';

const sha = (c: string) => c.repeat(40);
const repo = { owner: 'acme', repo: 'tm' };

describeWithTerraform('the review loop (real terraform on terraform_data, in-memory GitHub)', false, () => {
  const work = tempDir('review-loop-');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  let n = 0;
  const fresh = (name: string) => path.join(work, `${name}-${++n}`);

  /** A synthesized app of one stack, `dev`, whose state lives at `state` (shared, like the S3 backend). */
  function synth(state: string, resources: Record<string, unknown>): string {
    const app = fresh('app');
    const config: TerraformJson = { terraform: { backend: { local: { path: state } } }, resource: { terraform_data: resources }, output: { value: { value: '${terraform_data.app.output}' } } };
    writeTerraform(path.join(app, 'stacks', 'dev'), config);
    fs.writeFileSync(path.join(app, 'manifest.json'), JSON.stringify({ stacks: { dev: { name: 'dev', workingDirectory: 'stacks/dev', synthesizedStackPath: 'stacks/dev/main.tf.json' } } }));
    return app;
  }

  /** The environment of one job: its summary and outputs files, and the typed config. */
  function jobEnv(config: Record<string, unknown> = { policy: { waivers: [] } }) {
    const dir = fresh('job');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
    const env = { GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), GITHUB_OUTPUT: path.join(dir, 'output'), TASKMANAGER_CONFIG: path.join(dir, 'config.json'), TF_CLI_CONFIG_FILE: '/dev/null' };
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
    expect(prComment.body).toMatch(/<!-- taskmanager-plan-fingerprint:v1 [A-Za-z0-9+/=]+ -->\n$/);
    expect(gh.labels.get(12)).toEqual(['plan:changes']);
    expect(gh.statuses).toEqual([expect.objectContaining({ sha: sha('1'), context: 'taskmanager/plan', state: 'success', description: 'dev: +1 ~0 ±0 -0 · policy passed' })]);

    merge(gh, 12, sha('1'), sha('m'));
    const main = jobEnv();
    const { plans, dir } = await planJob(app);
    const review = await reviewMainPush({ github: gh.github, context: mainContext(sha('m')), plansDir: plans, synthDir: app, stacks: ['dev'], env: main.env });
    expect(review.verdicts).toEqual([expect.objectContaining({ stack: 'dev', verdict: 'apply', reason: expect.stringMatching(/^the plan is the one reviewed on #12 \(digest `[0-9a-f]{12}`\)$/) })]);
    expect(main.output()).toBe('apply=["dev"]\n');
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
    expect(next.output()).toBe('apply=[]\n');
    expect(gh.statuses.at(-1)).toMatchObject({ sha: sha('n'), context: 'deploy/dev', state: 'success' });
  }, 120_000);

  itShowingTerraformOutput('the plan on main differs from the reviewed one: nothing applies, the difference is shown, and a maintainer approves it by digest', async () => {
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
    expect(main.output()).toBe('apply=[]\n');
    const comment = gh.comments.find((c) => c.issue === 20 && c.body.startsWith('<!-- taskmanager-deploy -->'))!.body;
    expect(comment).toContain('| `dev` | ⏸️ waits for a decision | the plan differs from the one reviewed on #20 |');
    expect(comment).toContain(`\`approve\` = \`dev=${verdict.digest}\``);
    expect(comment).toContain('**Nothing was applied to `dev`.**');
    expect(main.summary()).toContain('- `terraform_data.app`: **create** as reviewed, but with other values');
    expect(gh.statuses.at(-1)).toMatchObject({ context: 'deploy/dev', state: 'failure' });

    // Run again with the digest approved: the same plan applies; a wrong digest does not.
    const approved = jobEnv();
    const replanned = await planJob(moved);
    const ok = await reviewMainPush({ github: gh.github, context: mainContext(sha('d')), plansDir: replanned.plans, synthDir: moved, stacks: ['dev'], env: approved.env, approve: `dev=${verdict.digest}` });
    expect(ok.apply).toEqual(['dev']);
    const wrong = await reviewMainPush({ github: gh.github, context: mainContext(sha('d')), plansDir: replanned.plans, synthDir: moved, stacks: ['dev'], env: jobEnv().env, approve: `dev=${'0'.repeat(64)}` });
    expect(wrong.verdicts[0]).toMatchObject({ verdict: 'differs', reason: expect.stringContaining('is not this plan\'s') });
  }, 120_000);

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

    const expired = jobEnv({ policy: { waivers: [{ rule: 'CKV_AWS_7', resource: 'aws_kms_key.k', reason: 'old', expires: '2020-01-01' }] } });
    const blocked = await reviewMainPush({ github: gh.github, context: mainContext(sha('f')), plansDir: plans, synthDir: app, stacks: ['dev'], env: expired.env, approve: `dev=${stale.verdicts[0].digest}` });
    expect(blocked.verdicts[0]).toMatchObject({ verdict: 'policy-failed' });
    expect(expired.output()).toBe('apply=[]\n');
    expect(expired.summary()).toContain('TM_WAIVER_EXPIRED');
  }, 120_000);

  itShowingTerraformOutput('a failed apply says which resource failed, on the PR and in the commit status', async () => {
    const gh = fakeGitHub();
    const state = path.join(fresh('state'), 'terraform.tfstate');
    const app = synth(state, { app: { input: 'v1' }, broken: { input: 'x', provisioner: [{ 'local-exec': { command: 'exit 3' } }] } });
    await pullRequestRun(gh, app, 40, sha('5'));
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
  }, 120_000);
});
