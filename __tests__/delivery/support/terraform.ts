/** Shared by the tests that run the real terraform binary (offline). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { planStack, type PlanOptions, type PlanOutcome } from '../../../delivery/ci';
import { TIME_LIMITS } from '../../support/time-limits';
import { synthesizeApp } from '../../../scripts/support/synth-app';

export const REPO = path.resolve(__dirname, '../../..');
export const PLUGIN_DIR = process.env.TF_PLUGIN_DIR ?? '/opt/tf-plugins';
export const LOCK_FILE = path.join(REPO, '.github/terraform/.terraform.lock.hcl');

function terraformVersion(): string | undefined {
  try {
    return (JSON.parse(execFileSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } })) as { terraform_version: string }).terraform_version;
  } catch {
    return undefined;
  }
}

export const TERRAFORM = terraformVersion();
export const HAVE_PLUGINS = fs.existsSync(path.join(PLUGIN_DIR, 'registry.terraform.io', 'hashicorp', 'aws'));

/**
 * `describe` when terraform (and, if asked, the AWS provider mirror) is here; otherwise the suite is
 * skipped with a loud warning, except under CI=true where a missing tool is a failure.
 */
export function describeWithTerraform(name: string, needsProvider: boolean, body: () => void): void {
  const missing = !TERRAFORM ? 'terraform is not on the PATH' : needsProvider && !HAVE_PLUGINS ? `no AWS provider mirror in ${PLUGIN_DIR} (TF_PLUGIN_DIR)` : undefined;
  if (!missing) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has what it needs', () => {
        throw new Error(`${missing}: required when CI=true`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${missing}`);
  describe.skip(name, body);
}

/** A CLI config that installs providers only from the local mirror: no registry, no network. */
export function mirrorCliConfig(dir: string): string {
  const file = path.join(dir, 'mirror.tfrc');
  fs.writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(PLUGIN_DIR)}\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`);
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Synthesizes the app into a fresh folder (the repository's cdktf.out is left alone), with the default config unless `extra` says otherwise. */
export function synthTo(outdir: string, extra: NodeJS.ProcessEnv = {}): void {
  // Bounded: a synth that hangs fails the suite instead of stalling it.
  execFileSync('node', ['scripts/build.mjs'], { cwd: REPO, stdio: 'pipe', timeout: TIME_LIMITS.realEngine });
  synthesizeApp(outdir, extra, { timeout: TIME_LIMITS.realEngine });
}

/** Terraform's output of the running test: kept, and shown only when that test fails. */
const terraformOutput: string[] = [];

/** `planStack` with Terraform's init and plan output kept for `itShowingTerraformOutput` instead of printed. */
export function planQuietly(options: PlanOptions): Promise<PlanOutcome> {
  return planStack({ log: (text) => void terraformOutput.push(text), ...options });
}

/** `it`, printing the Terraform output its body kept only when it fails (a passing test prints nothing). */
export function itShowingTerraformOutput(name: string, body: () => Promise<void> | void, timeout?: number): void {
  it(
    name,
    async () => {
      terraformOutput.length = 0;
      try {
        await body();
      } catch (error) {
        process.stderr.write(`\n--- terraform output of the failed test "${name}" ---\n${terraformOutput.join('\n')}\n--- end ---\n`);
        throw error;
      }
    },
    timeout,
  );
}
