/**
 * Pipeline benchmark: the critical path of a pull request, from checkout to the rendered plan
 * comment, on fresh clones of this repository, on this machine, in one run:
 *
 *   before  the old CI: install (with every install script), lint, the whole test suite, synth, the
 *           stacks' plans, render; each waited for the one before
 *   after   the new CI (.github/workflows/ci.yml): install without scripts, synth, the stacks'
 *           plans in parallel, render. Lint and tests run in jobs of their own beside it (on other
 *           runners), so they are not on the path to the comment; the `taskmanager/plan` status
 *           still waits for them.
 *
 * Plans are offline (delivery/offline-checks.ts: providers from TF_PLUGIN_DIR, fake credentials),
 * the same for both. npm installs from the same local npm cache for both.
 *
 *   npm run bench:pipeline [-- --skip-tests] [--repo DIR] [--keep]
 *
 * --skip-tests leaves `npm test` out of the old path (the full suite takes minutes): the old time is
 * then an underestimate and the printed ratio an upper bound (the new path looks slower than it is).
 * The clones are of the repository's committed HEAD (uncommitted changes are not in them).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandLineOrExit } from './support/cli';

interface Step {
  readonly name: string;
  readonly command: string;
}

interface Timed extends Step {
  readonly seconds: number;
}

const RENDER = 'node dist/scripts/plan-comment.js --synth cdktf.out --dir cdktf.out/plans --output comment.md';

/** The old path, as check.yml and the plan and comment jobs ran it one after another. */
export function beforeSteps(skipTests: boolean): Step[] {
  return [
    { name: 'install (with install scripts)', command: 'npm ci --no-audit --no-fund' },
    { name: 'lint', command: 'npm run -s lint' },
    ...(skipTests ? [] : [{ name: 'tests (full suite)', command: 'npm test' }]),
    { name: 'synth', command: 'npm run -s synth' },
    { name: 'plans (dev, prod)', command: 'node dist/scripts/terraform-check.js plan dev prod' },
    { name: 'render the comment', command: `${RENDER} dev prod` },
  ];
}

/** The new critical path: synth.yml's job, ci.yml's plan matrix, the comment job. */
export function afterSteps(): Step[] {
  return [
    { name: 'install (--ignore-scripts)', command: 'npm ci --ignore-scripts --no-audit --no-fund' },
    { name: 'synth', command: 'npm run -s synth' },
    // No base: the change counts as touching synth's inputs, so the stacks are planned (the path measured).
    { name: 'what changed', command: 'node dist/scripts/pipeline-changes.js --output cdktf.out/changes.json' },
    { name: 'plans (dev, prod in parallel)', command: 'node dist/scripts/terraform-check.js plan dev prod' },
    { name: 'render the comment', command: `${RENDER} --changes cdktf.out/changes.json dev prod` },
  ];
}

function runStep(step: Step, cwd: string): Timed {
  const started = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', step.command], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' }, maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${step.name}: \`${step.command}\` failed (${result.status}) in ${cwd}:\n${(result.stderr || result.stdout).slice(-4000)}`);
  return { ...step, seconds };
}

function clone(repo: string, into: string): void {
  const result = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', repo, into], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git clone ${repo} failed: ${result.stderr}`);
}

function runPath(label: string, steps: readonly Step[], repo: string, dir: string): Timed[] {
  const started = process.hrtime.bigint();
  clone(repo, dir);
  const checkout: Timed = { name: 'checkout (git clone)', command: 'git clone', seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  const timed = [checkout];
  for (const step of steps) {
    const done = runStep(step, dir);
    process.stderr.write(`${label}: ${step.name} ${done.seconds.toFixed(1)} s\n`);
    timed.push(done);
  }
  if (!fs.existsSync(path.join(dir, 'comment.md'))) throw new Error(`${label}: no comment was rendered`);
  return timed;
}

const total = (steps: readonly Timed[]) => steps.reduce((sum, s) => sum + s.seconds, 0);

function table(label: string, steps: readonly Timed[]): string {
  const lines = steps.map((s) => `  ${s.name.padEnd(34)} ${s.seconds.toFixed(1).padStart(7)} s`);
  return [`${label}`, ...lines, `  ${'total'.padEnd(34)} ${total(steps).toFixed(1).padStart(7)} s`].join('\n');
}

function main(argv: readonly string[]): void {
  const skipTests = argv.includes('--skip-tests');
  const keep = argv.includes('--keep');
  const repoIndex = argv.indexOf('--repo');
  const repo = path.resolve(repoIndex >= 0 ? argv[repoIndex + 1] : process.cwd());
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  try {
    const after = runPath('after', afterSteps(), repo, path.join(work, 'after'));
    const before = runPath('before', beforeSteps(skipTests), repo, path.join(work, 'before'));
    const ratio = total(after) / total(before);
    console.log(`Pipeline critical path, checkout to rendered plan comment (${os.cpus().length} CPUs, ${new Date().toISOString()})`);
    console.log(table('before: install, lint, tests, synth, plans, render (one after another)', before));
    console.log(table('after: install without scripts, synth, parallel plans, render (lint and tests beside it)', after));
    console.log(`ratio after/before: ${ratio.toFixed(2)}x (goal: at most 0.50x)${skipTests ? '  [--skip-tests: the old path ran without its tests, so this ratio is an upper bound]' : ''}`);
  } finally {
    if (keep) console.log(`clones kept in ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

const COMMAND = {
  invocation: 'npm run bench:pipeline --',
  summary: 'The pipeline\'s critical path, checkout to the rendered plan comment, on fresh clones: the new path against the old sequential one.',
  flags: {
    'skip-tests': { type: 'boolean', default: false, description: 'leave the test suite out of the old path (the ratio is then an upper bound)' },
    keep: { type: 'boolean', default: false, description: 'keep the clones' },
    repo: { type: 'string', value: 'DIR', description: 'the repository to clone (default: the current folder)' },
  },
} as const;

if (require.main === module) {
  commandLineOrExit(COMMAND);
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
