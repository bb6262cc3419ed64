/**
 * The workflows, checked on their parsed YAML: the policy rules (every one shown to fire on a
 * broken copy), actionlint, and the delivery design of the files (which job runs when is proven
 * with GitHub's own engines in workflow-engine.test.ts).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { lintWorkflows, workflowFiles } from '../../scripts/lint-workflows';
import { checkWorkflow, isPerStackPlanRole, type Job, parseWorkflow, PINNED_ACTIONS, stepsUsing, triggers, type Workflow, type WorkflowFile } from '../../delivery/workflow-policy';
import { PIPELINE_PATHS } from '../../delivery/review/changes';
import { PLAN_WORKFLOW, REVIEW_ARTIFACT, REVIEW_FILE } from '../../delivery/review/steps';
import { TIME_LIMITS } from '../support/time-limits';

const REPO = path.resolve(__dirname, '../..');
const DIR = path.join(REPO, '.github/workflows');
const files = workflowFiles(DIR);
const byName = (name: string): WorkflowFile => files.find((f) => path.basename(f.path) === name)!;
const ci = parseWorkflow(byName('ci.yml'));
const drift = parseWorkflow(byName('drift.yml'));
const synth = parseWorkflow(byName('synth.yml'));
const tests = parseWorkflow(byName('tests.yml'));
const deploy = parseWorkflow(byName('deploy.yml'));
const fork = parseWorkflow(byName('fork.yml'));
const ALL: [string, Workflow][] = [['ci', ci], ['deploy', deploy], ['drift', drift], ['fork', fork], ['synth', synth], ['tests', tests]];

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
  it('are ci.yml, deploy.yml, drift.yml, fork.yml, image.yml, synth.yml and tests.yml', () => {
    expect(files.map((f) => path.basename(f.path))).toEqual(['ci.yml', 'deploy.yml', 'drift.yml', 'fork.yml', 'image.yml', 'synth.yml', 'tests.yml']);
  });

  it('pass actionlint and the policy', async () => {
    expect(await lintWorkflows(files)).toEqual([]);
  }, TIME_LIMITS.realEngine);

  it('actionlint catches a broken expression and an unknown job reference', async () => {
    const broken = mutate('ci.yml', '${{ vars.AWS_REGION }}', '${{ varz.AWS_REGION }}');
    const problems = await lintWorkflows([broken]);
    expect(problems.some((p) => p.source === 'actionlint' && /undefined variable "varz"/.test(p.message))).toBe(true);
    const badNeeds = mutate('deploy.yml', 'needs: plan\n', 'needs: plna\n');
    expect((await lintWorkflows([badNeeds])).some((p) => p.source === 'actionlint' && /plna/.test(p.message))).toBe(true);
  }, TIME_LIMITS.realEngine);
});

describe('policy rules fire on broken workflows', () => {
  const ROLE_LINE = /role-to-assume: \$\{\{ matrix\.stack == 'prod'[^\n]*/;
  const cases: [string, string, string | RegExp, string, RegExp][] = [
    ['pull_request_target', 'ci.yml', /pull_request:\n/, 'pull_request_target:\n', /pull_request_target/],
    ['top-level write', 'ci.yml', /^permissions:\n {2}contents: read/m, 'permissions:\n  contents: write', /top-level contents: write/],
    ['missing job permissions', 'ci.yml', /(\n {2}comment:[\s\S]*?)\n {4}permissions:\n {6}contents: read\n {6}pull-requests: write\n {6}statuses: write/, '$1', /job comment: no permissions/],
    ['unneeded write scope', 'synth.yml', /(\n {4}permissions:\n {6}contents: read)/, '$1\n      packages: write', /packages: write is never needed/],
    ['id-token without AWS step', 'synth.yml', /(\n {4}permissions:\n {6}contents: read)/, '$1\n      id-token: write', /id-token: write without a aws-actions\/configure-aws-credentials step/],
    ['issues: write in the plan job', 'ci.yml', /(name: Plan \$\{\{ matrix.stack \}\}\n[\s\S]*?id-token: write)/, '$1\n      issues: write', /job plan: issues: write without a actions\/github-script step/],
    ['tag instead of SHA', 'synth.yml', 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1', 'actions/checkout@v7 # v7.0.1', /pin to the full 40-character commit SHA/],
    ['invented SHA', 'ci.yml', 'actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae', 'actions/cache@1111111111111111111111111111111111111111', /not the verified SHA/],
    ['wrong version comment', 'ci.yml', 'dfe3c3f87815947d99a8997f908cb6525fc44e9e # v4.0.1', 'dfe3c3f87815947d99a8997f908cb6525fc44e9e # v3', /comment must name the pinned version/],
    ['unknown action', 'ci.yml', 'actions/github-script@ed597411d8f924073f98dfc5c65a23a2325f34cd', 'someone/comment-action@ed597411d8f924073f98dfc5c65a23a2325f34cd', /not in the verified pin table/],
    ['access keys', 'ci.yml', ROLE_LINE, 'aws-access-key-id: ${{ secrets.AWS_KEY }}', /long-lived AWS keys/],
    ['secrets as keys', 'ci.yml', /(\n {2}TF_IN_AUTOMATION)/, '\n  KEY: ${{ secrets.AWS_SECRET }}$1', /AWS credentials from secrets/],
    ['apply role outside an environment', 'ci.yml', ROLE_LINE, 'role-to-assume: ${{ vars.AWS_APPLY_ROLE_ARN }}', /the apply role only in a job with an environment/],
    ['plan role inside an environment', 'deploy.yml', 'role-to-assume: ${{ vars.AWS_APPLY_ROLE_ARN }}', "role-to-assume: ${{ matrix.stack == 'dev' && vars.AWS_PLAN_ROLE_ARN_DEV || '' }}", /the plan role in a job with an environment/],
    ['one plan role for every stack', 'ci.yml', ROLE_LINE, 'role-to-assume: ${{ vars.AWS_PLAN_ROLE_ARN }}', /role-to-assume must be the stack's plan role/],
    ["another stack's plan role", 'drift.yml', "matrix.stack == 'prod' && vars.AWS_PLAN_ROLE_ARN_PROD", "matrix.stack == 'prod' && vars.AWS_PLAN_ROLE_ARN_DEV", /role-to-assume must be the stack's plan role/],
    ["another environment's image-push role", 'image.yml', "matrix.environment == 'prod' && vars.AWS_IMAGE_PUSH_ROLE_ARN_PROD || '' }}\n          aws-region", "matrix.environment == 'prod' && vars.AWS_IMAGE_PUSH_ROLE_ARN_DEV || '' }}\n          aws-region", /role-to-assume must be the stack's plan role/],
    ['image-push role on any branch', 'image.yml', "if: github.event_name == 'push' && github.ref == 'refs/heads/main'", "if: github.event_name == 'push'", /the image-push role only in a job that runs on main/],
    ['image-push role in an environment', 'image.yml', /(\n {4}timeout-minutes: 15\n)/, '$1    environment: ${{ matrix.environment }}\n', /the image-push role in a job with an environment/],
    ['image-push job that builds', 'image.yml', 'skopeo copy --all', 'docker buildx build --push . && skopeo copy --all', /the image-push job must not build or run npm\/node/],
    ['image-push job with a checkout', 'image.yml', /(\n {6}- uses: actions\/download-artifact@)/, '\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n        with:\n          persist-credentials: false$1', /the image-push job must not use actions\/checkout/],
    ['apply without environment', 'deploy.yml', /\n {4}environment: \$\{\{ matrix\.stack \}\}\n/, '\n', /apply only in an environment/],
    ['cancelling apply', 'deploy.yml', /(group: terraform-\$\{\{ matrix\.stack \}\}\n {6}cancel-in-progress: )false(\n {4}# With the apply credentials)/, '$1true$2', /apply concurrency must set cancel-in-progress: false/],
    ['node in apply', 'deploy.yml', 'terraform apply -json -input=false -lock-timeout=5m tfplan', 'node dist/scripts/terraform-ci.js apply --stack dev --dir .; terraform apply tfplan', /apply must not run npm or node scripts/],
    ['push on every branch beside pull_request', 'ci.yml', /push:\n {4}branches: \[main\]/, "push:\n    branches: ['**']", /a PR head would be planned twice/],
    ['AWS credentials in a job that writes to GitHub', 'ci.yml', /(name: Plan \$\{\{ matrix.stack \}\}\n[\s\S]*?id-token: write)/, '$1\n      statuses: write', /id-token: write beside statuses: write/],
    ['apply of stacks the review did not decide', 'deploy.yml', 'stack: ${{ fromJSON(needs.review.outputs.stacks) }}', 'stack: [dev, prod]', /apply only the stacks the review decided/],
    ['terraform piped without pipefail', 'deploy.yml', /\n {10}set -o pipefail/, '', /must `set -o pipefail`/],
    ['apply without the digest check', 'deploy.yml', /(\n {6}- name: Check the artifact is the plan that was made\n[\s\S]*?exit 1\n {10}fi\n)/, '\n', /apply must check the plan artifact's digest/],
    ['apply of an artifact of another commit', 'deploy.yml', 'if [ "$BUILT" != "$GITHUB_SHA" ]; then\n            echo "::error::synth built ${BUILT:-nothing}, this run is for $GITHUB_SHA: refusing to apply."', 'if false; then\n            echo "refusing to apply."', /refuse an artifact not built from github\.sha/],
    ['terraform version', 'ci.yml', 'terraform_version: 1.11.4', 'terraform_version: 1.9.0', /terraform_version must be 1\.11\.4/],
    ['terraform wrapper', 'drift.yml', 'terraform_wrapper: false', 'terraform_wrapper: true', /set terraform_wrapper: false/],
    ['plan before synth', 'ci.yml', /(name: Plan \$\{\{ matrix.stack \}\}\n {4})needs: synth/, '$1needs: []', /job plan: plans need the synth job/],
    ['deploy without the tests', 'ci.yml', /(\n {2}deploy:\n {4}name: Deploy\n {4})needs: \[synth, tests\]/, '$1needs: synth', /the deploy needs the synth job and the tests/],
    ['deploy queue that cancels', 'ci.yml', 'group: deploy-main\n      cancel-in-progress: false', 'group: deploy-main\n      cancel-in-progress: true', /the deploy runs in a queue/],
    ['workflow_dispatch beside the deploy', 'ci.yml', /(\n {4}types: \[opened, synchronize, reopened\]\n)/, '$1  workflow_dispatch:\n', /no workflow_dispatch where anything applies/],
    ['synth with install scripts', 'synth.yml', 'npm ci --ignore-scripts --no-audit --no-fund', 'npm ci --no-audit --no-fund', /synth installs with `npm ci --ignore-scripts`/],
    ['synth with the tests', 'synth.yml', 'run: npm run synth\n', 'run: npm run synth && npm test\n', /synth runs no tests and no lint/],
    ['persisted checkout token', 'synth.yml', 'persist-credentials: false', 'persist-credentials: true', /persist-credentials: false/],
    ['no timeout', 'drift.yml', /\n {4}timeout-minutes: 10/, '', /job report: set timeout-minutes/],
    ['Node.js 20', 'synth.yml', 'node-version: 22', 'node-version: 20', /setup-node: node-version must be 22/],
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


describe('the delivery design', () => {
  const script = (job: Job) => (job.steps ?? []).map((s) => String(s.with?.script ?? '')).join('\n');
  const downloads = (job: Job) => stepsUsing(job, 'actions/download-artifact').map((s) => s.with);

  it('CI runs on pull requests and pushes to main only: no workflow_dispatch, no merge_group, never pull_request_target; one run per PR, none cancelled on main', () => {
    expect(triggers(ci).sort()).toEqual(['pull_request', 'push']);
    const on = ci.on as Record<string, { branches?: string[]; types?: string[] }>;
    expect(on.push.branches).toEqual(['main']);
    expect(on.pull_request.types).toEqual(['opened', 'synchronize', 'reopened']);
    expect(ci.concurrency).toEqual({ group: 'ci-${{ github.event.pull_request.number || github.sha }}', 'cancel-in-progress': "${{ github.event_name == 'pull_request' }}" });
    expect(ci.jobs.deploy.concurrency).toEqual({ group: 'deploy-main', 'cancel-in-progress': false });
  });

  it('synth: no install scripts, no tests; outputs the commit it built and what the change touches; its artifact holds only Terraform\'s inputs', () => {
    const job = synth.jobs.synth;
    expect(triggers(synth)).toEqual(['workflow_call']);
    expect(job.steps!.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci --ignore-scripts --no-audit --no-fund',
      'npm run synth',
      'echo "commit=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"',
      'node dist/scripts/pipeline-changes.js --base "$BASE" --output cdktf.out/changes.json --github-output',
    ]);
    expect(job.outputs).toEqual({ commit: '${{ steps.built.outputs.commit }}', plan: '${{ steps.changes.outputs.plan }}', pipeline: '${{ steps.changes.outputs.pipeline }}' });
    const [stacks, tools] = stepsUsing(job, 'actions/upload-artifact').map((s) => s.with!);
    expect(stacks).toMatchObject({ name: 'cdktf-out', 'include-hidden-files': true, 'if-no-files-found': 'error' });
    expect(String(stacks.path).trim().split('\n')).toEqual(['cdktf.out/manifest.json', 'cdktf.out/taskmanager.resolved.json', 'cdktf.out/changes.json', 'cdktf.out/stacks/', '.github/terraform/.terraform.lock.hcl']);
    expect(tools).toMatchObject({ name: 'delivery-tools', path: 'dist/scripts/' });
    expect(job.permissions).toEqual({ contents: 'read' });
  });

  it('lint and tests run in their own jobs, with the full install', () => {
    expect(Object.keys(tests.jobs)).toEqual(['lint', 'test']);
    expect(run(tests.jobs.lint).trim()).toBe('npm ci --no-audit --no-fund\nnpm run lint');
    expect(run(tests.jobs.test)).toContain('npm test');
    expect(ci.jobs.tests.uses).toBe('./.github/workflows/tests.yml');
    expect(ci.jobs.tests.needs).toBeUndefined();
  });

  it('the comment job leaves the reviewed plan as the artifact the review after the merge looks for, by this workflow and head commit', () => {
    expect(PLAN_WORKFLOW).toBe('.github/workflows/ci.yml');
    const upload = stepsUsing(ci.jobs.comment, 'actions/upload-artifact')[0];
    expect(upload.with).toMatchObject({ name: REVIEW_ARTIFACT, path: REVIEW_FILE });
    expect(run(ci.jobs.comment)).toContain('--changes cdktf.out/changes.json');
    expect(run(ci.jobs.comment)).toContain(`--review ${REVIEW_FILE} dev prod`);
    expect(script(ci.jobs['plan-status'])).toContain('finishPlanStatus(');
    expect(deploy.jobs.review.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write', statuses: 'write' });
    expect(script(deploy.jobs.review)).toContain("reviewMainPush({ github, context, plansDir: 'plans', synthDir: 'cdktf.out', stacks: ['dev', 'prod'] })");
  });

  it('every job that runs our scripts after a merge takes them from this run\'s synth of github.sha, never from a pull request run', () => {
    for (const [name, job] of Object.entries(deploy.jobs)) {
      if (!run(job).includes('dist/scripts') && !script(job).includes('dist/scripts')) continue;
      expect({ name, tools: downloads(job).find((d) => d?.name === 'delivery-tools') }).toEqual({ name, tools: { name: 'delivery-tools', path: 'dist/scripts' } });
    }
    expect(deploy.jobs.plan.steps![0].run).toContain('if [ "$BUILT" != "$GITHUB_SHA" ]; then');
    expect(ci.jobs.deploy.with).toEqual({ commit: '${{ needs.synth.outputs.commit }}' });
  });

  it('apply runs only terraform on the saved plan: no npm, no Node.js scripts, no cache, no checkout; its JSON log goes to the report', () => {
    const apply = deploy.jobs.apply;
    const uses = (apply.steps ?? []).map((s) => String(s.uses ?? '').split('@')[0]).filter(Boolean);
    expect(uses).toEqual(['actions/download-artifact', 'aws-actions/configure-aws-credentials', 'hashicorp/setup-terraform', 'actions/upload-artifact']);
    expect(run(apply)).not.toMatch(/\b(npm|npx|node)\b/);
    expect(run(apply)).toContain('terraform apply -json -input=false -lock-timeout=5m tfplan | tee "../apply-${{ matrix.stack }}.jsonl"');
    expect(apply.strategy).toMatchObject({ 'max-parallel': 1, 'fail-fast': true });
  });

  it("apply refuses an artifact whose digest is not the one the plan job computed when it uploaded it", () => {
    const digest = (job: Job) => (job.steps ?? []).map((s) => String(s.run ?? '')).find((r) => r.includes('sha256sum'))!;
    expect(digest(deploy.jobs.apply)).toContain(digest(deploy.jobs.plan).match(/\$\((find .*)\)/)![1]);
    expect(deploy.jobs.plan.outputs).toEqual({ dev: '${{ steps.digest.outputs.dev }}', prod: '${{ steps.digest.outputs.prod }}' });
    const uploads = stepsUsing(deploy.jobs.plan, 'actions/upload-artifact').map((s) => s.with!);
    expect(uploads[0]).toMatchObject({ name: 'deploy-${{ matrix.stack }}', 'include-hidden-files': true });
    expect(String(uploads[0].path)).not.toContain('dist/');
  });

  it('the approval job waits in the stack\'s approval environment, holds no credentials and confirms a person approved', () => {
    const approve = deploy.jobs.approve;
    expect(approve.environment).toBe('${{ matrix.stack }}-approval');
    expect(approve.permissions).toEqual({ contents: 'read', actions: 'read' });
    expect(stepsUsing(approve, 'aws-actions/configure-aws-credentials')).toEqual([]);
    expect(script(approve)).toContain('confirmApproval(');
    expect(approve.outputs).toEqual({ dev: '${{ steps.approved.outputs.dev }}', prod: '${{ steps.approved.outputs.prod }}' });
  });

  it('plans assume the plan role of their own stack (AWS_PLAN_ROLE_ARN_<STACK>); no job gets TM_* variables or TASKMANAGER_CONFIG', () => {
    for (const [name, wf] of ALL) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        for (const step of stepsUsing(job, 'aws-actions/configure-aws-credentials')) {
          const role = String(step.with!['role-to-assume']);
          expect({ at: `${name}.${id}`, ok: role === '${{ vars.AWS_APPLY_ROLE_ARN }}' || isPerStackPlanRole(role) }).toEqual({ at: `${name}.${id}`, ok: true });
        }
      }
    }
    for (const f of files) expect({ file: f.path, found: f.text.match(/\bTM_[A-Z_]+|TASKMANAGER_CONFIG/g) }).toEqual({ file: f.path, found: null });
    expect(isPerStackPlanRole("${{ matrix.stack == 'prod' && vars.AWS_PLAN_ROLE_ARN_DEV || '' }}")).toBe(false);
  });

  it('caches provider plugins keyed on the lock file', () => {
    expect(ci.env!.TF_PLUGIN_CACHE_DIR).toBe('${{ github.workspace }}/.tf-plugin-cache');
    for (const job of [ci.jobs.plan, deploy.jobs.plan]) {
      const cache = stepsUsing(job, 'actions/cache')[0];
      expect(cache.with!.path).toBe('.tf-plugin-cache');
      expect(String(cache.with!.key)).toMatch(/^tf-plugins-\$\{\{ runner\.os \}\}-\$\{\{ hashFiles\('.*\.terraform\.lock\.hcl'\) \}\}$/);
    }
  });

  it('the committed lock file pins the AWS provider version the stacks require', () => {
    const lock = fs.readFileSync(path.join(REPO, '.github/terraform/.terraform.lock.hcl'), 'utf8');
    expect(lock).toMatch(/provider "registry.terraform.io\/hashicorp\/aws" \{\n {2}version {5}= "5\.100\.0"/);
    expect(lock).toMatch(/"h1:[A-Za-z0-9+/=]{44}"/);
  });

  it('the scripts the plan, comment, review and report jobs run need no node_modules (those jobs install nothing)', () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO });
    const builtin = new Set(builtinModules);
    for (const name of ['plan-comment', 'github-steps', 'terraform-ci', 'pipeline-changes', 'policy', 'cost']) {
      const bundle = fs.readFileSync(path.join(REPO, 'dist/scripts', `${name}.js`), 'utf8');
      const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      expect({ name, external: required.filter((r) => !builtin.has(r.replace(/^node:/, ''))) }).toEqual({ name, external: [] });
    }
  }, TIME_LIMITS.realEngine);

  it('CODEOWNERS requires its owners for the pipeline: .github/, delivery/, stacks/deploy/, scripts/, the settings file and the dependencies', () => {
    const owners = fs.readFileSync(path.join(REPO, '.github/CODEOWNERS'), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim().split(/\s+/));
    expect(owners.map((o) => o[0])).toEqual(['/.github/', '/delivery/', '/stacks/deploy/', '/scripts/', '/taskmanager.config.json', '/package.json', '/package-lock.json']);
    for (const o of owners) expect(o.length).toBeGreaterThan(1);
    // The comment's pipeline warning covers the same paths.
    for (const [p] of owners) expect({ p, pipeline: PIPELINE_PATHS.some((r) => r.test(p.slice(1) + (p.endsWith('/') ? 'x' : ''))) }).toEqual({ p, pipeline: true });
  });
});

describe('drift.yml: the nightly drift check', () => {
  it('runs nightly and on demand, on main only, after synth', () => {
    expect(triggers(drift).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect((drift.on as { schedule: { cron: string }[] }).schedule[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(drift.jobs.synth.if).toBe("github.ref == 'refs/heads/main'");
    expect(drift.jobs.drift.needs).toBe('synth');
  });

  it('plans with -detailed-exitcode and the read-only role, reports to the summary, and opens or closes one issue', () => {
    const job = drift.jobs.drift;
    expect(run(job)).toContain('terraform-ci.js plan --detailed-exitcode');
    const plan = job.steps!.find((s) => s.id === 'plan')!;
    expect(plan['continue-on-error']).toBe(true);
    expect(job.steps!.some((s) => s.if === "steps.plan.outputs.status == 'failed' || steps.plan.outputs.status == ''")).toBe(true);
    expect(job.concurrency).toEqual({ group: 'drift-${{ matrix.stack }}', 'cancel-in-progress': false });
    const report = drift.jobs.report;
    expect(report.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(run(report)).toContain('--marker taskmanager-drift');
    const sync = stepsUsing(report, 'actions/github-script')[0];
    expect(String(sync.with!.script)).toContain('syncIssue(');
    expect(sync.if).toBe("${{ !cancelled() && hashFiles('drift.md') != '' }}");
  });

  it('issues: write appears nowhere but the drift report job', () => {
    const withIssues: string[] = [];
    for (const [file, wf] of ALL) {
      for (const [name, job] of Object.entries(wf.jobs)) {
        if ((job.permissions as Record<string, string> | undefined)?.issues === 'write') withIssues.push(`${file}.${name}`);
      }
    }
    expect(withIssues).toEqual(['drift.report']);
  });
});
