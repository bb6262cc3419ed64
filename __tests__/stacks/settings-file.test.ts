/**
 * The project's settings file is committed and reviewed like code: it states every setting, it
 * never holds a secret (the loader refuses values shaped like one, naming the field and not the
 * value), and synth records what it resolved, and from where, beside the stacks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RESOLVED_CONFIG_FORMAT, resolveConfig, writeResolvedConfig } from '../../stacks/config';
import { ENVIRONMENT_DEFAULTS } from '../../stacks/config/defaults';
import { configProblems, Json } from './synth';

const ROOT = path.join(__dirname, '../..');
const committed = JSON.parse(fs.readFileSync(path.join(ROOT, 'taskmanager.config.json'), 'utf8')) as Json;

/** Every key path of an object (lists are values). */
function keyPaths(value: unknown, at = ''): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [at];
  const entries = Object.entries(value);
  return entries.length ? entries.flatMap(([k, v]) => keyPaths(v, at ? `${at}.${k}` : k)) : [at];
}

const problems = configProblems;

describe('the committed settings file', () => {
  it('is tracked by git, not ignored', () => {
    expect(fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split('\n')).not.toContain('taskmanager.config.json');
  });

  it('is a valid configuration with no secret in it', () => {
    expect(problems(committed)).toEqual([]);
  });

  it('states every setting of each environment that is not derived (AZs from the region, workers and pools from the types)', () => {
    for (const name of ['dev', 'prod'] as const) {
      expect(keyPaths(committed.environments[name]).sort()).toEqual(keyPaths(ENVIRONMENT_DEFAULTS[name]).sort());
    }
    expect(Object.keys(committed).sort()).toEqual(['alarmEmail', 'environments', 'githubRepository', 'policy', 'project', 'region', 'state']);
  });
});

describe('values shaped like secrets', () => {
  const fakeKeyId = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
  const fakeSecret = ['wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY'].join('');
  const githubToken = ['ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'].join('');

  it.each([
    ['an AWS access key id in a tag', { environments: { dev: { tags: { Deployer: fakeKeyId } } } }, 'environments.dev.tags.Deployer', 'an AWS access key id'],
    ['a temporary access key id', { environments: { prod: { tags: { Key: ['ASIA', 'QWERTYUIOPASDFGH'].join('') } } } }, 'environments.prod.tags.Key', 'an AWS access key id'],
    ['a GitHub token', { environments: { dev: { tags: { Ci: githubToken } } } }, 'environments.dev.tags.Ci', 'a GitHub token'],
    ['a fine-grained GitHub token', { alarmEmail: ['github_pat_', '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'].join('') }, 'alarmEmail', 'a GitHub token'],
    ['a private key', { environments: { dev: { tags: { Key: '-----BEGIN RSA PRIVATE KEY-----\nMIIE...' } } } }, 'environments.dev.tags.Key', 'a private key block'],
    ['a password in a URL', { environments: { dev: { auth: { localAppUrls: ['http://admin:hunter2@localhost:3000'] } } } }, 'environments.dev.auth.localAppUrls[0]', 'a URL with a password'],
  ])('refuses %s, naming the field and not the value', (_what, file, field, kind) => {
    const found = problems(file);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}: looks like ${kind}`))]));
    expect(found.join('\n')).not.toMatch(/IOSFODNN7|QWERTYUIOP|a1B2c3D4|11ABCDEFG|hunter2/);
  });

  it('refuses a 40-character secret key beside an access key id, but not a commit SHA on its own', () => {
    expect(problems({ environments: { dev: { tags: { Id: fakeKeyId, Secret: fakeSecret } } } })).toEqual(expect.arrayContaining([
      expect.stringMatching(/^environments\.dev\.tags\.Secret: looks like an AWS secret access key/),
    ]));
    expect(problems({ environments: { dev: { tags: { Commit: 'a'.repeat(40) } } } })).toEqual([]);
  });

  it('refuses one in an environment variable override, naming the variable', () => {
    expect(problems({}, { TM_ALARM_EMAIL: 'https://ops:s3cret@example.com' })).toEqual(expect.arrayContaining([expect.stringMatching(/^TM_ALARM_EMAIL: looks like a URL with a password/)]));
  });

  it('lets settings through: account ids, ARNs, the repository, e-mail addresses, bucket names', () => {
    expect(problems({
      githubRepository: 'acme/tasks',
      alarmEmail: 'ops@acme.example',
      state: { bucket: 'acme-terraform-state-123456789012', operatorArns: ['arn:aws:iam::123456789012:role/operator'] },
      environments: { prod: { edge: { domainNames: ['tasks.acme.example'], certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000' } } },
    })).toEqual([]);
  });
});

describe('what synth records beside the stacks', () => {
  it('names the settings file and the variables that overrode it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resolved-'));
    fs.writeFileSync(path.join(dir, 'taskmanager.config.json'), JSON.stringify({ githubRepository: 'acme/tasks' }));
    const { config, sources } = resolveConfig({ cwd: dir, env: { TM_ENVIRONMENTS: 'dev', GITHUB_REPOSITORY: 'acme/ignored' } });
    expect(sources).toEqual({ file: 'taskmanager.config.json', environment: ['TM_ENVIRONMENTS'] });
    expect(resolveConfig({ cwd: '/nonexistent', env: { GITHUB_REPOSITORY: 'acme/from-actions' } }).sources).toEqual({ file: undefined, environment: ['GITHUB_REPOSITORY'] });

    const out = path.join(dir, 'cdktf.out');
    writeResolvedConfig(out, config, sources);
    const written = JSON.parse(fs.readFileSync(path.join(out, 'taskmanager.resolved.json'), 'utf8'));
    expect(written).toEqual({ format: RESOLVED_CONFIG_FORMAT, sources, config: JSON.parse(JSON.stringify(config)) });
    expect(written.config.environments.map((e: Json) => e.name)).toEqual(['dev']);
    expect(written.config.policy).toEqual({ requiredTags: ['Project', 'Environment', 'ManagedBy'], waivers: [] });
  });
});
