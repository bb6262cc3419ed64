/**
 * The pieces of the review loop on real terraform_data plans: the fingerprint of a plan (stable
 * across plans of the same change, blind to timestamps, never carrying a sensitive value), what
 * differs between two plans, the pull request's labels and status, and an apply's JSON log.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { parsePlan, type PlanJson } from '../../delivery/plan/model';
import type { StackResult } from '../../delivery/plan/render';
import { applyMarkdown, applyStatus, parseApplyLog } from '../../delivery/review/apply-result';
import { differences } from '../../delivery/review/compare';
import { codeHash, fingerprintMarker, parseFingerprint, readFingerprint, stackFingerprint } from '../../delivery/review/fingerprint';
import { parseApprovals } from '../../delivery/review/merge';
import { planLabels } from '../../delivery/review/pull-request';
import { terraform } from '../../delivery/terraform';
import { describeWithTerraform, tempDir } from './support/terraform';
import { NO_CLI_CONFIG, planAfter, type TerraformJson, writeTerraform } from './support/terraform-data';
import { TIME_LIMITS } from '../support/time-limits';

const planned = (stack: string, plan: PlanJson): StackResult => ({ stack, status: 'planned', plan });
const data = (resources: Record<string, unknown>, outputs?: Record<string, unknown>): TerraformJson => ({ resource: { terraform_data: resources }, ...(outputs ? { output: outputs } : {}) });

describeWithTerraform('the review loop\'s pieces on real plans (terraform_data)', false, () => {
  const work = tempDir('review-');
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const v1 = data({ app: { input: 'v1' }, old: { input: 'x' } }, { value: { value: '${terraform_data.app.output}' }, secret: { value: 'hunter2-not-a-real-one', sensitive: true } });
  let first: PlanJson;
  let again: PlanJson;
  beforeAll(async () => {
    first = await planAfter(path.join(work, 'a'), [], v1);
    again = await planAfter(path.join(work, 'b'), [], v1);
  }, TIME_LIMITS.realEngine);

  it('two plans of the same change have the same digest, though their timestamps differ', () => {
    expect((first as { timestamp?: string }).timestamp).toBeDefined();
    expect(stackFingerprint(first).digest).toBe(stackFingerprint(again).digest);
    expect(stackFingerprint(first).resources).toEqual({ 'terraform_data.app': expect.stringMatching(/^create:[0-9a-f]{16}$/), 'terraform_data.old': expect.stringMatching(/^create:/) });
  });

  it('the synthesized code is part of the digest: the same plan of other code is another plan', () => {
    const dir = path.join(work, 'code');
    writeTerraform(dir, v1);
    const before = codeHash(dir);
    fs.writeFileSync(path.join(dir, 'tfplan'), 'not code'); // what terraform writes does not count
    expect(codeHash(dir)).toBe(before);
    writeTerraform(dir, { ...v1, locals: { note: 'changed' } });
    expect(codeHash(dir)).not.toBe(before);
  });

  it('never carries a sensitive value, not even hashed: a plan with another secret has the same fingerprint', async () => {
    const other = await planAfter(path.join(work, 'secret'), [], { ...v1, output: { ...v1.output as object, secret: { value: 'another-secret', sensitive: true } } });
    expect(stackFingerprint(other).digest).toBe(stackFingerprint(first).digest);
    const marker = fingerprintMarker({ version: 2, head: 'a'.repeat(40), stacks: { dev: stackFingerprint(first) } });
    expect(marker).toMatch(/^<!-- taskmanager-plan-fingerprint:v2 [A-Za-z0-9+/=]+ -->$/);
    expect(readFingerprint(`comment\n${marker}\n`)).toEqual({ version: 2, head: 'a'.repeat(40), stacks: { dev: stackFingerprint(first) } });
    expect(readFingerprint('<!-- taskmanager-plan-fingerprint:v1 bm90IGd6aXA= -->')).toBeUndefined();
  });

  it('recognises an older comment\'s fingerprint as outdated instead of comparing it', () => {
    const v1 = { version: 1, head: 'a'.repeat(40), base: 'b'.repeat(40), stacks: { dev: { digest: 'f'.repeat(64), code: '', resources: { 'terraform_data.app': 'create:0123456789abcdef' } } } };
    const body = `comment\n<!-- taskmanager-plan-fingerprint:v1 ${gzipSync(JSON.stringify(v1)).toString('base64')} -->\n`;
    expect(readFingerprint(body)).toEqual({ version: 1, outdated: true, head: 'a'.repeat(40), base: 'b'.repeat(40) });
    expect(parseFingerprint({ version: 3, stacks: {} })).toEqual({ version: 3, outdated: true });
    expect(parseFingerprint({ stacks: {} })).toBeUndefined();
  });

  it('says what differs: another action, other values, a resource or output more or less', async () => {
    const applied = path.join(work, 'applied');
    const reviewed = await planAfter(applied, [data({ app: { input: 'v0' }, old: { input: 'x' } })], data({ app: { input: 'v1' } }, { value: { value: '${terraform_data.app.output}' } }));
    // The main plan runs against the same state as the reviewed one.
    const now = await planAfter(applied, [], data({ app: { input: 'v2', triggers_replace: ['v2'] }, extra: { input: 'y' } }));
    // terraform_data.old is destroyed by both plans alike: not a difference.
    expect(differences(stackFingerprint(reviewed), stackFingerprint(now))).toEqual([
      '`terraform_data.app`: reviewed **update**, now **replace (destroy first)**',
      '`terraform_data.extra`: **create** now, not in the reviewed plan',
      'output `value`: **create** in the reviewed plan, no change now',
    ]);
    expect(differences(stackFingerprint(reviewed), stackFingerprint(reviewed))).toEqual([]);
  }, TIME_LIMITS.realEngine);

  it('an apply\'s JSON log: what was applied, what failed and where, outputs without sensitive values, how long', async () => {
    const dir = path.join(work, 'apply');
    writeTerraform(dir, data({ ok: { input: 'v1' }, bad: { input: 'x', provisioner: [{ 'local-exec': { command: 'exit 3' } }] } }, { secret: { value: 'hunter2-not-a-real-one', sensitive: true } }));
    const env = NO_CLI_CONFIG;
    await terraform(['init', '-input=false', '-no-color'], { dir, env });
    const failed = await terraform(['apply', '-json', '-auto-approve', '-input=false'], { dir, env });
    expect(failed.code).toBe(1);
    const result = parseApplyLog('dev', failed.stdout);
    expect(result).toMatchObject({ ok: false, applied: [{ address: 'terraform_data.ok', action: 'create' }], failed: [{ address: 'terraform_data.bad', message: expect.stringContaining('local-exec provisioner error') }] });
    expect(applyStatus(result)).toEqual({ state: 'failure', description: 'apply failed at terraform_data.bad' });
    expect(applyMarkdown([result])).toContain('- `terraform_data.bad`: local-exec provisioner error');

    writeTerraform(dir, data({ ok: { input: 'v1' } }, { value: { value: '${terraform_data.ok.output}' }, secret: { value: 'hunter2-not-a-real-one', sensitive: true } }));
    const done = parseApplyLog('dev', (await terraform(['apply', '-json', '-auto-approve', '-input=false'], { dir, env })).stdout);
    expect(done).toMatchObject({ ok: true, summary: { add: 0, change: 0, remove: 1 }, outputs: { value: { sensitive: false, value: 'v1' }, secret: { sensitive: true } } });
    expect(done.seconds).toBeGreaterThanOrEqual(0);
    const md = applyMarkdown([done]);
    expect(md).toContain('#### ✅ `dev`: 0 added, 0 changed, 1 destroyed in');
    expect(md).toContain('secret = (sensitive value)\nvalue = "v1"');
    expect(md).not.toContain('hunter2');
    expect(applyStatus(parseApplyLog('prod', undefined)).description).toMatch(/^no apply log: its apply job did not reach terraform apply/);
  }, TIME_LIMITS.realEngine);

  it('labels: changes, destroys, no changes, and policy:failed beside them; none of the plan labels when a plan failed', () => {
    expect(planLabels([planned('dev', first)])).toEqual(['plan:changes']);
    expect(planLabels([planned('dev', { format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['delete'] } }] })])).toEqual(['plan:destroy']);
    expect(planLabels([planned('dev', { format_version: '1.2', resource_changes: [] })], { blocking: 1 } as never)).toEqual(['plan:no-changes', 'policy:failed']);
    expect(planLabels([planned('dev', first), { stack: 'prod', status: 'failed', error: 'boom' }])).toEqual([]);
  });
});

describe('approvals by digest (workflow_dispatch input)', () => {
  it('reads stack=digest pairs and refuses anything else, naming the input', () => {
    const d = 'a'.repeat(64);
    expect(parseApprovals(`prod=${d}, dev=${'b'.repeat(64)}`, ['dev', 'prod'])).toEqual({ prod: d, dev: 'b'.repeat(64) });
    expect(parseApprovals('', ['dev'])).toEqual({});
    expect(() => parseApprovals(`qa=${d}`, ['dev', 'prod'])).toThrow(/^approve: expected <stack>=<64-hex digest> for one of dev, prod, got "qa=a/);
    expect(() => parseApprovals('prod=abc', ['prod'])).toThrow('approve:');
  });
});

describe('fingerprint of a plan file', () => {
  it('reads what parsePlan accepts', () => {
    const plan = parsePlan(fs.readFileSync(path.join(__dirname, '../fixtures/plans/aws-sensitive.json'), 'utf8'));
    const fp = stackFingerprint(plan);
    expect(JSON.stringify(fp)).not.toContain('SUPERSECRET');
    expect(fp.digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
