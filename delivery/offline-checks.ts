/**
 * Real Terraform checks of the synthesized stacks with no AWS account and no registry: providers
 * from the local mirror (TF_PLUGIN_DIR), and for plans an override file that swaps the backend for a
 * local one and gives the provider fake credentials and its skip flags. This works as long as no
 * stack uses a data source that calls AWS. Each check runs in a throw-away copy of the stack folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { init, terraform, terraformOrThrow } from './terraform';

/** The stacks of a synthesized app, from cdktf's manifest: name, folder and synthesized JSON file. */
export function synthesizedStacks(outDir: string): { name: string; dir: string; file: string }[] {
  const manifestFile = path.join(outDir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile} not found: run \`npm run synth\` first`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { stacks: Record<string, { name: string; workingDirectory: string; synthesizedStackPath: string }> };
  return Object.values(manifest.stacks).map((stack) => ({
    name: stack.name,
    dir: path.join(outDir, stack.workingDirectory),
    file: path.join(outDir, stack.synthesizedStackPath),
  }));
}

/** Works on a copy of the stack folder, so that nothing Terraform writes lands in cdktf.out. */
async function inScratchCopy<T>(stackDir: string, work: (dir: string) => Promise<T>): Promise<T> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-check-'));
  try {
    fs.cpSync(stackDir, scratch, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    return await work(scratch);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function initOffline(dir: string, backend: boolean): Promise<void> {
  const result = await init({ dir }, { offline: true, backend });
  if (result.code !== 0) throw new Error(`terraform init failed in ${dir}:\n${result.stderr || result.stdout}`);
}

/** `terraform init -backend=false` and `terraform validate` on one synthesized stack. */
export async function validateStack(stackDir: string): Promise<void> {
  await inScratchCopy(stackDir, async (dir) => {
    await initOffline(dir, false);
    // validate exits 1 on invalid config but still prints its JSON verdict on stdout.
    const { stdout } = await terraform(['validate', '-json', '-no-color'], { dir });
    const result = JSON.parse(stdout) as { valid: boolean; diagnostics: { severity: string; summary: string; detail?: string }[] };
    if (!result.valid) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.summary}: ${d.detail ?? ''}`);
      throw new Error(`terraform validate failed in ${stackDir}:\n${errors.join('\n')}`);
    }
  });
}

/** Fake keys and the provider's skip flags: the AWS provider configures itself without an account. */
const OFFLINE_AWS = {
  access_key: 'AKIAOFFLINEPLAN00000',
  secret_key: 'offline-plan-not-a-secret',
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

/**
 * The override that makes `terraform plan` run with no AWS account: local state, and fake keys for
 * every AWS provider configuration of the stack (the default one and each alias, e.g. us-east-1's).
 */
export function offlineOverride(stack: { provider?: { aws?: { alias?: string }[] } }): object {
  const aliases = (stack.provider?.aws ?? [{}]).map((p) => p.alias);
  return {
    terraform: { backend: { local: { path: 'offline.tfstate' } } },
    provider: { aws: aliases.map((alias) => (alias ? { alias, ...OFFLINE_AWS } : OFFLINE_AWS)) },
  };
}

/** Writes `offline_override.tf.json` into a copy of a synthesized stack folder. */
export function writeOfflineOverride(dir: string): void {
  const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'offline_override.tf.json'), JSON.stringify(offlineOverride(stack), null, 2));
}

/** Plans one stack offline and returns the JSON of `terraform show -json` for the saved plan. */
export async function planStackOffline(stackDir: string): Promise<string> {
  return inScratchCopy(stackDir, async (dir) => {
    writeOfflineOverride(dir);
    await initOffline(dir, true);
    await terraformOrThrow(['plan', '-refresh=false', '-input=false', '-no-color', '-lock=false', '-out=offline.tfplan'], { dir });
    return terraformOrThrow(['show', '-json', '-no-color', 'offline.tfplan'], { dir });
  });
}

/** Runs `task` over the items with at most `limit` at once. */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  }));
}
