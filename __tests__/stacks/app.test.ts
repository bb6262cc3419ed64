import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSynthEntryPoint, synthApp as synth } from './synth';

beforeAll(buildSynthEntryPoint);

describe('Synth of the whole app', () => {
  test('writes parseable Terraform JSON for bootstrap, dev and prod', () => {
    const { outdir, status, stderr } = synth();
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['bootstrap', 'dev', 'prod']);
    for (const stack of Object.values(manifest.stacks) as { synthesizedStackPath: string }[]) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'));
      expect(Object.keys(json.resource).length).toBeGreaterThan(0);
      // Environments have a second provider in us-east-1 for CloudFront's WAF, logs and metrics.
      expect(json.provider.aws.map((p: { alias?: string }) => p.alias ?? 'default')).toEqual(json.resource.aws_wafv2_web_acl ? ['default', 'global'] : ['default']);
    }
  });

  test('needs no AWS credentials and no data source that calls AWS while planning a new stack', () => {
    const { outdir, status } = synth({ AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'does-not-exist' });
    expect(status).toBe(0);
    for (const name of ['bootstrap', 'dev', 'prod']) {
      const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));
      // Terraform reads a data source at apply when an argument is unknown while planning: each one takes an
      // attribute of a resource of its stack (the VPC origin's group: the load balancer's VPC).
      const dataSources = Object.entries((json.data ?? {}) as Record<string, Record<string, Record<string, unknown>>>).flatMap(([type, byName]) =>
        Object.entries(byName).map(([id, body]) => {
          const args = Object.entries(body).filter(([key]) => !['//', 'depends_on', 'provider'].includes(key));
          return [`${type}.${id}`, args.some(([, value]) => /\$\{aws_[a-z0-9_]+\.[^}]+\}/.test(JSON.stringify(value)))];
        }),
      );
      expect(dataSources.filter(([, deferred]) => !deferred)).toEqual([]);
    }
  });

  test('fails with the bad field named and exit code 1 on invalid config', () => {
    const { status, stderr } = synth({ TM_ALARM_EMAIL: 'not-an-email' });
    expect(status).toBe(1);
    expect(stderr).toContain('environments.dev.alarmEmail: "not-an-email" is not an e-mail address');
  });

  test('npm run synth says what it wrote and removes stacks the synth no longer produces', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-cli-'));
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['scripts/synth.mjs'], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8', env: { PATH: process.env.PATH, CDKTF_OUTDIR: outdir, ...env } });

    expect(run({}).stdout).toMatch(/^bootstrap: \d+ resources -> .*\ndev: \d+ resources -> .*\nprod: \d+ resources -> .*\nsynthesized 3 stacks in [\d.]+ s\n$/);
    const subset = run({ TM_ENVIRONMENTS: 'dev' });

    expect(subset.stdout).toContain('prod: removed (not in this synth)');
    expect(fs.readdirSync(path.join(outdir, 'stacks')).sort()).toEqual(['bootstrap', 'dev']);
  });
});
