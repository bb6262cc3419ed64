/**
 * The command lines of scripts/: every one answers --help with its flags (from the one list it
 * parses), and the README's form of `plan-comment` gives the sections CI posts.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { writeResolvedConfig } from '../../stacks/config';
import { testConfig } from '../stacks/synth';
import * as os from 'os';
import * as path from 'path';
import { COMMAND as COST, run as cost } from '../../scripts/cost';
import { COMMAND as ENQUEUE, main as enqueue } from '../../scripts/enqueue';
import { COMMAND as PLAN_COMMENT, defaultSynthDir, run as planComment } from '../../scripts/plan-comment';
import { COMMAND as POLICY, run as policy } from '../../scripts/policy';
import { COMMAND as TERRAFORM_CHECK } from '../../scripts/terraform-check';
import { type Flag, helpText, parseCommand, UsageError } from '../../scripts/support/cli';
import { TIME_LIMITS } from '../support/time-limits';

const PLANS = path.resolve(__dirname, '../fixtures/plans');

describe('--help', () => {
  it.each([
    ['plan-comment', PLAN_COMMENT, () => planComment(['--help'], {}).markdown],
    ['policy', POLICY, () => policy(['--help'], {}).output],
    ['cost', COST, () => cost(['--help'])],
    ['enqueue', ENQUEUE, async () => {
      let out = '';
      expect(await enqueue(['--help'], {}, { out: (t) => { out += t; }, err: () => undefined })).toBe(0);
      return out;
    }],
  ])('%s lists every flag it parses, with its description', async (_name, command, help) => {
    const text = await help();
    expect(text).toMatch(/^usage: npm run [a-z-]+ -- \[options\]/);
    for (const [name, flag] of Object.entries(command.flags as Record<string, Flag>)) {
      expect(text).toContain(`--${name}`);
      expect(text).toContain(flag.description.split('\n')[0]);
    }
    expect(text).toContain('-h, --help');
  });

  it('terraform-check (npm run validate, npm run plan:offline) has a help text too', () => {
    expect(helpText(TERRAFORM_CHECK)).toContain('(validate|plan) [stack ...]');
  });

  it('every command line in scripts/ answers --help with its usage and exit 0, built as npm runs it', () => {
    const root = path.resolve(__dirname, '../..');
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
    // github-steps is a module the workflows' github-script steps require, not a command.
    const commands = fs.readdirSync(path.join(root, 'scripts')).filter((f) => f.endsWith('.ts') && f !== 'github-steps.ts');
    expect(commands.length).toBeGreaterThanOrEqual(12);
    for (const file of commands) {
      const run = spawnSync(process.execPath, [path.join(root, 'dist/scripts', file.replace(/\.ts$/, '.js')), '--help'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect([file, run.status, run.stdout]).toEqual([file, 0, expect.stringMatching(/^usage: [\s\S]*--help/)]);
    }
  }, TIME_LIMITS.realEngine);

  it('-h answers even beside a flag the command does not know', () => {
    expect(parseCommand(POLICY, ['--nope', '-h'])).toBe('help');
  });

  it('an unknown flag is a usage error that points to --help', () => {
    expect(() => parseCommand(COST, ['--nope'])).toThrow(UsageError);
    expect(() => parseCommand(COST, ['--nope'])).toThrow(/usage: npm run cost -- \[options\] <stack>=<plan.json> \.\.\. \(--help lists the options\)/);
  });
});

describe('plan-comment in the README\'s form (no --synth)', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-comment-cli-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const env = {};

  /** A synthesized app of one stack, `dev`, in `<work>/cdktf.out` as synth leaves it. */
  const app = path.join(work, 'cdktf.out');
  fs.mkdirSync(path.join(app, 'stacks', 'dev'), { recursive: true });
  fs.writeFileSync(path.join(app, 'stacks', 'dev', 'cdk.tf.json'), JSON.stringify({ resource: { terraform_data: { app: { input: 'x' } } } }));
  fs.writeFileSync(path.join(app, 'manifest.json'), JSON.stringify({ stacks: { dev: { name: 'dev', workingDirectory: 'stacks/dev', synthesizedStackPath: 'stacks/dev/cdk.tf.json' } } }));
  // The settings synth resolved, as it writes them beside the stacks (no default waiver: nothing here to waive).
  writeResolvedConfig(app, testConfig({ policy: { waivers: [] }, environments: { dev: { policy: { waivers: [] } } } }), { environment: [] });
  const plan = `dev=${path.join(PLANS, 'aws-drift.json')}`;

  it('uses cdktf.out when it exists: the policy and cost sections CI posts, and says so', () => {
    const result = planComment([plan], env, { synthDir: defaultSynthDir(env, work) });
    expect(result.markdown).toContain('#### Policy');
    expect(result.markdown).toContain('#### Cost');
    expect(result.notice).toContain(`with the synthesized app in ${path.relative(process.cwd(), app)}`);
    expect(result.markdown).toBe(planComment(['--synth', app, plan], env).markdown);
  });

  it('--no-synth renders the plan sections only', () => {
    const result = planComment(['--no-synth', plan], env, { synthDir: defaultSynthDir(env, work) });
    expect(result.markdown).not.toContain('#### Policy');
    expect(result.notice).toBeUndefined();
  });

  it('no default without a synthesized app, and none inside a GitHub Actions workflow', () => {
    expect(defaultSynthDir(env, os.tmpdir())).toBeUndefined();
    expect(defaultSynthDir({ ...env, GITHUB_ACTIONS: 'true' }, work)).toBeUndefined();
    expect(defaultSynthDir({ ...env, CDKTF_OUTDIR: 'elsewhere' }, work)).toBeUndefined();
  });
});
