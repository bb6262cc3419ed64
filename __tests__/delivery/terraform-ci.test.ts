/**
 * delivery/ci.ts with the real terraform binary on configurations of the built-in
 * `terraform_data` resource (no provider, no network): plan into a folder, apply exactly that saved
 * plan from a copy of the folder (as the apply job does with the artifact), stale plans, failures,
 * -detailed-exitcode, and real replacements in both orders rendered by the plan comment.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parsePlan } from '../../delivery/plan/model';
import { renderComment } from '../../delivery/plan/render';
import { run as planComment } from '../../scripts/plan-comment';
import { terraform } from '../../delivery/terraform';
import { eventually } from '../support/eventually';
import { describeWithTerraform, tempDir, itShowingTerraformOutput, planQuietly } from './support/terraform';
import { applySavedPlan, artifactCopy, writeTerraform } from './support/terraform-data';
import { TIME_LIMITS } from '../support/time-limits';

function writeConfig(dir: string, input: string, options: { createBeforeDestroy?: boolean; broken?: boolean } = {}): void {
  const resource: Record<string, unknown> = { input, triggers_replace: [input] };
  if (options.createBeforeDestroy) resource.lifecycle = [{ create_before_destroy: true }];
  writeTerraform(dir, {
    resource: { terraform_data: { app: resource } },
    output: { value: { value: options.broken ? '${terraform_data.missing.output}' : '${terraform_data.app.output}' } },
  });
}

describeWithTerraform('terraform-ci plan and apply (real terraform, terraform_data)', false, () => {
  const work = tempDir('terraform-ci-');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const files = (name: string) => ({ summary: path.join(work, `${name}.summary.md`), output: path.join(work, `${name}.output`) });
  const env = (name: string) => ({ GITHUB_STEP_SUMMARY: files(name).summary, GITHUB_OUTPUT: files(name).output, TF_CLI_CONFIG_FILE: '/dev/null' });

  itShowingTerraformOutput('applies exactly the saved plan, from a copy of the planned folder, and refuses it once stale', async () => {
    const planned = path.join(work, 'planned');
    writeConfig(planned, 'v1');
    const outcome = await planQuietly({ stack: 'dev', dir: planned, outDir: path.join(work, 'plans'), env: env('plan1') });
    expect(outcome).toMatchObject({ status: 'changes', exitCode: 0 });
    expect(fs.readFileSync(files('plan1').output, 'utf8')).toBe('status=changes\nexitcode=0\n');
    expect(fs.readFileSync(files('plan1').summary, 'utf8')).toContain('| `dev` | 🟡 changes | 1 | 0 | 0 | 0 | 1 output |');

    // The apply job gets the folder as an artifact; the configuration in it changes afterwards,
    // and apply must still do what the saved plan says (input v1), not what the files say now.
    const artifact = path.join(work, 'artifact');
    artifactCopy(planned, artifact);
    writeConfig(artifact, 'v2-not-planned');
    const applied = await applySavedPlan(artifact);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
    const state = JSON.parse(fs.readFileSync(path.join(artifact, 'terraform.tfstate'), 'utf8')) as { resources: { instances: { attributes: { input: unknown } }[] }[] };
    expect(state.resources[0].instances[0].attributes.input).toEqual({ type: 'string', value: 'v1' });

    // The same saved plan again: another apply moved the state on; Terraform itself refuses it.
    const stale = await applySavedPlan(artifact);
    expect(stale.code).toBe(1);
    // With -json, Terraform reports the refusal as a diagnostic on stdout.
    expect(stale.stdout).toMatch(/Saved plan is stale/);
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('takes no state lock when planning, so a plan never waits for or breaks an apply that holds it', async () => {
    const dir = path.join(work, 'locked');
    writeConfig(dir, 'v1');
    await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'locked-plans'), env: env('locked0') });
    expect((await applySavedPlan(dir)).code).toBe(0);
    // `terraform console` holds the state lock while it runs, as an apply would.
    const holder = spawn('terraform', ['console', '-no-color'], { cwd: dir, env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' }, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      // The local backend's lock file appears once console holds the lock.
      await eventually(() => fs.existsSync(path.join(dir, '.terraform.tfstate.lock.info')), 'terraform console taking the state lock');
      writeConfig(dir, 'v2');
      const outcome = await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'locked-plans'), env: env('locked1') });
      expect(outcome).toMatchObject({ status: 'changes', exitCode: 0 });
      // The lock was really held: a plan that takes it fails.
      const locking = await terraform(['plan', '-input=false', '-no-color', '-lock-timeout=0s'], { dir, env: { TF_CLI_CONFIG_FILE: '/dev/null' } });
      expect(locking.stderr).toContain('Error acquiring the state lock');
    } finally {
      // console ignores SIGTERM while it waits for input: end its input, and make sure it is gone.
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      holder.stdin!.end();
      const timer = setTimeout(() => holder.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('-detailed-exitcode: 0 without changes, 2 with them (the drift check)', async () => {
    const dir = path.join(work, 'drift');
    writeConfig(dir, 'v1');
    await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'drift-plans'), env: env('d0') });
    expect((await applySavedPlan(dir)).code).toBe(0);
    const same = await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'drift-plans'), detailedExitcode: true, env: env('d1') });
    expect(same).toMatchObject({ status: 'no-changes', exitCode: 0 });
    expect(same.markdown).toContain('✅ no changes');
    writeConfig(dir, 'v2');
    const changed = await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'drift-plans'), detailedExitcode: true, env: env('d2') });
    expect(changed).toMatchObject({ status: 'changes', exitCode: 2 });
    expect(fs.readFileSync(files('d2').output, 'utf8')).toBe('status=changes\nexitcode=2\n');
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('real replacements in both orders, as terraform plans them', async () => {
    for (const [name, createBeforeDestroy, actions, words] of [
      ['dbc', false, ['delete', 'create'], 'replace (destroy old, then create new)'],
      ['cbd', true, ['create', 'delete'], 'replace (create new, then destroy old)'],
    ] as const) {
      const dir = path.join(work, name);
      writeConfig(dir, 'v1', { createBeforeDestroy });
      await planQuietly({ stack: name, dir, outDir: path.join(work, `${name}-plans`), env: env(`${name}0`) });
      expect((await applySavedPlan(dir)).code).toBe(0);
      writeConfig(dir, 'v2', { createBeforeDestroy });
      const outcome = await planQuietly({ stack: name, dir, outDir: path.join(work, `${name}-plans`), env: env(`${name}1`) });
      const plan = parsePlan(fs.readFileSync(outcome.jsonFile!, 'utf8'));
      expect(plan.resource_changes![0].change.actions).toEqual(actions);
      const md = renderComment([{ stack: name, status: 'planned', plan }]);
      expect(md).toContain(`| \`${name}\` | 🟠 destroys/replaces | 0 | 0 | 1 | 0 |`);
      expect(md).toContain(`- 🟠 **${words}** \`terraform_data.app\``);
      expect(md).toContain('!     input: "v1" -> "v2"');
    }
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('a failing plan leaves its stderr, exit 1, and a comment that says it failed', async () => {
    const dir = path.join(work, 'broken');
    writeConfig(dir, 'v1', { broken: true });
    const outDir = path.join(work, 'broken-plans');
    const outcome = await planQuietly({ stack: 'dev', dir, outDir, env: env('broken') });
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(fs.existsSync(path.join(outDir, 'dev.json'))).toBe(false);
    expect(fs.readFileSync(path.join(outDir, 'dev.stderr'), 'utf8')).toMatch(/terraform plan failed \(exit 1\):[\s\S]*Reference to undeclared resource/);
    expect(fs.readFileSync(files('broken').output, 'utf8')).toBe('status=failed\nexitcode=1\n');
    // The comment job finds dev.stderr with --dir and reports the failure.
    const { markdown } = planComment(['--dir', outDir, 'dev'], {});
    expect(markdown).toContain('| `dev` | ❌ failed |');
    expect(markdown).toContain('Reference to undeclared resource');
  }, TIME_LIMITS.realEngine);

  itShowingTerraformOutput('a missing lock file is a failed plan, not a plan without one', async () => {
    const dir = path.join(work, 'nolock');
    writeConfig(dir, 'v1');
    const outcome = await planQuietly({ stack: 'dev', dir, outDir: path.join(work, 'nolock-plans'), lockFile: path.join(work, 'nope.hcl'), env: env('nolock') });
    expect(outcome.status).toBe('failed');
    expect(fs.readFileSync(outcome.stderrFile!, 'utf8')).toContain('provider lock file');
  });
});
