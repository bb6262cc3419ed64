/**
 * The path filter and the pipeline warning (delivery/review/changes.ts, scripts/pipeline-changes.ts),
 * the comment of a pull request that changes nothing synth reads, and the record of a merge that
 * deploys nothing; the zip reader that opens the reviewed plan's artifact.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { zipEntry } from '../../delivery/github';
import { classifyChanges } from '../../delivery/review/changes';
import { finishPlanStatus, publishPlan, recordMerge } from '../../delivery/review/steps';
import { changedFiles, run as pipelineChanges } from '../../scripts/pipeline-changes';
import { run as planComment } from '../../scripts/plan-comment';
import { fakeGitHub, zipOf } from '../workflows/support/fake-github';

const repo = { owner: 'acme', repo: 'tm' };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-changes-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('what a change touches', () => {
  it('docs, Markdown and tests alone change nothing synth reads: nothing to plan', () => {
    expect(classifyChanges(['docs/delivery.md', 'README.md', 'api/README.md', '__tests__/stacks/x.test.ts'])).toEqual({ files: 4, synthInputs: [], pipeline: [], plan: false });
  });

  it('anything else is a synth input, including folders nobody listed yet', () => {
    for (const file of ['stacks/app/database.ts', 'api/src/server.ts', 'main.ts', 'new-folder/thing.ts', '.github/terraform/.terraform.lock.hcl', 'taskmanager.config.json', 'cdktf.json']) {
      expect({ file, plan: classifyChanges(['docs/a.md', file]).plan }).toEqual({ file, plan: true });
    }
  });

  it('an unknown list of changes (a new branch, a base git does not have) plans everything', () => {
    expect(classifyChanges(undefined).plan).toBe(true);
    expect(changedFiles('0'.repeat(40))).toBeUndefined();
    expect(changedFiles('')).toBeUndefined();
    expect(changedFiles('f'.repeat(40))).toBeUndefined();
  });

  it('the pipeline is the workflows, delivery code, deploy stacks, scripts, the settings file and the dependencies', () => {
    const files = ['.github/workflows/ci.yml', '.github/CODEOWNERS', 'delivery/review/merge.ts', 'stacks/deploy/roles.ts', 'scripts/synth.mjs', 'taskmanager.config.json', 'package-lock.json', 'stacks/app/api.ts', 'docs/delivery.md'];
    expect(classifyChanges(files).pipeline).toEqual(['.github/CODEOWNERS', '.github/workflows/ci.yml', 'delivery/review/merge.ts', 'package-lock.json', 'scripts/synth.mjs', 'stacks/deploy/roles.ts', 'taskmanager.config.json']);
  });

  it('reads the changed files from git between two commits and writes the workflow outputs', () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
    git('init', '-q');
    fs.mkdirSync(path.join(work, 'docs'));
    fs.writeFileSync(path.join(work, 'docs/a.md'), 'a');
    git('add', '.');
    git('commit', '-qm', 'one');
    const base = git('rev-parse', 'HEAD');
    fs.writeFileSync(path.join(work, 'docs/a.md'), 'b');
    git('commit', '-qam', 'two');
    expect(changedFiles(base, 'HEAD', work)).toEqual(['docs/a.md']);
    const output = path.join(work, 'out');
    const cwd = process.cwd();
    process.chdir(work);
    try {
      expect(pipelineChanges(['--base', base, '--output', path.join(work, 'changes.json'), '--github-output'], { GITHUB_OUTPUT: output }).plan).toBe(false);
    } finally {
      process.chdir(cwd);
    }
    expect(fs.readFileSync(output, 'utf8')).toBe('plan=false\npipeline=false\n');
    expect(JSON.parse(fs.readFileSync(path.join(work, 'changes.json'), 'utf8'))).toMatchObject({ files: 1, plan: false });
  });
});

describe('the comment and status of such a pull request', () => {
  const head = 'a'.repeat(40);
  function render(files: string[]) {
    const dir = fs.mkdtempSync(path.join(work, 'render-'));
    fs.writeFileSync(path.join(dir, 'changes.json'), JSON.stringify(classifyChanges(files)));
    const review = path.join(dir, 'review.json');
    const result = planComment(['--synth', dir, '--changes', path.join(dir, 'changes.json'), '--review', review, '--head', head, '--dir', path.join(dir, 'plans'), 'dev', 'prod'], {});
    return { result, review };
  }

  it('nothing synth reads changed: a comment that says so, no plan read, plan:no-changes, a green status once the tests pass', async () => {
    const { result, review } = render(['docs/delivery.md']);
    expect(result.exitCode).toBe(0);
    expect(result.markdown).toBe('<!-- taskmanager-plan -->\n### Terraform plan\n\nThis pull request changes nothing that synth reads (1 file: docs, Markdown or tests only), so nothing was planned, and its merge applies nothing.\n');
    const gh = fakeGitHub();
    const context = { repo, issue: { number: 9 } };
    await publishPlan({ github: gh.github, context, file: review, issueNumber: 9 });
    expect(gh.labels.get(9)).toEqual(['plan:no-changes']);
    expect(gh.statuses.at(-1)).toMatchObject({ context: 'taskmanager/plan', state: 'pending' });
    await finishPlanStatus({ github: gh.github, context, file: review, tests: 'failure' });
    expect(gh.statuses.at(-1)).toMatchObject({ context: 'taskmanager/plan', state: 'failure', description: 'lint and tests: failure · nothing synth reads changed: no plan' });
    await finishPlanStatus({ github: gh.github, context, file: review, tests: 'success' });
    expect(gh.statuses.at(-1)).toMatchObject({ sha: head, context: 'taskmanager/plan', state: 'success' });
  });

  it('a pull request that changes the pipeline: the comment opens with the warning, right under its marker', () => {
    const { result } = render(['.github/CODEOWNERS', 'docs/x.md']);
    expect(result.markdown.split('\n').slice(0, 2)).toEqual(['<!-- taskmanager-plan -->', '> [!WARNING]']);
    expect(result.markdown).toContain('**This pull request changes the pipeline** (`.github/CODEOWNERS`)');
    expect(render(['docs/x.md']).result.markdown).not.toContain('changes the pipeline');
  });
});

describe('a merge that deploys nothing is recorded', () => {
  it('docs only: success on its deploy statuses and a note on its pull request; failed tests: failure', async () => {
    const gh = fakeGitHub();
    const sha = 'd'.repeat(40);
    gh.pulls.push({ number: 3, merged_at: '2026-12-01T12:00:00Z', merge_commit_sha: sha, head: { sha: 'e'.repeat(40) }, commits: [] });
    const context = { repo, issue: { number: 0 }, sha };
    await recordMerge({ github: gh.github, context, stacks: ['dev', 'prod'], why: 'no-synth-input', env: {} });
    expect(gh.statuses.map((s) => [s.context, s.state, s.description])).toEqual([
      ['deploy/dev', 'success', 'nothing to deploy: the merge changes nothing that synth reads'],
      ['deploy/prod', 'success', 'nothing to deploy: the merge changes nothing that synth reads'],
    ]);
    expect(gh.comments[0]).toMatchObject({ issue: 3, body: expect.stringContaining('nothing to deploy') });
    await recordMerge({ github: gh.github, context, stacks: ['dev'], why: 'tests-failed', env: {} });
    expect(gh.statuses.at(-1)).toMatchObject({ state: 'failure', description: 'not deployed: synth, lint or tests failed on main' });
    expect(gh.comments).toHaveLength(1); // the same deploy comment, updated
  });
});

describe('the artifact zip', () => {
  it('reads a deflated entry, and says when a file is not there or the bytes are not a zip', () => {
    const zip = zipOf({ 'other.txt': 'x', 'review.json': '{"a":1}' });
    expect(zipEntry(zip, 'review.json')).toBe('{"a":1}');
    expect(zipEntry(zip, 'missing.json')).toBeUndefined();
    expect(() => zipEntry(Buffer.from('not a zip at all, not at all, not at all'), 'x')).toThrow('not a zip archive');
  });

  it('reads an archive made by the zip tool as well', () => {
    const dir = fs.mkdtempSync(path.join(work, 'zip-'));
    fs.writeFileSync(path.join(dir, 'review.json'), JSON.stringify({ body: 'b'.repeat(5000) }));
    try {
      execFileSync('zip', ['-q', 'a.zip', 'review.json'], { cwd: dir });
    } catch {
      return; // no zip tool here: the fake's archives above cover the format
    }
    expect(JSON.parse(zipEntry(fs.readFileSync(path.join(dir, 'a.zip')), 'review.json')!).body).toHaveLength(5000);
  });
});
