/**
 * The policy check as a whole: our real stacks pass, a stack with a deliberately bad resource
 * fails with the rule's id, waivers hold until they expire, and the command line's exit codes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { type PolicyWaiver, writeResolvedConfig } from '../../stacks/config';
import { EnvironmentStack } from '../../stacks/environment-stack';
import { checkPolicy } from '../../delivery/policy/check';
import { evaluatePolicy, type PolicyResult, WAIVER_RULES } from '../../delivery/policy/engine';
import { policyMarkdown, policyText } from '../../delivery/policy/report';
import { RULES } from '../../delivery/policy/rules';
import { StackView } from '../../delivery/policy/stack';
import { run as policyCli } from '../../scripts/policy';
import { environmentConfig, testBuilds, testConfig } from '../stacks/synth';
import { synthTo, tempDir } from './support/terraform';
import { TIME_LIMITS } from '../support/time-limits';

const TAGS = ['Project', 'Environment', 'ManagedBy'];

/** Synthesizes the dev stack with two deliberate mistakes into `outdir`: SSH open to the world, and a policy allowing `*`. */
function synthBadDevStack(outdir: string): void {
  const config = testConfig();
  const app = new App({ outdir, stackTraces: false });
  const stack = new EnvironmentStack(app, 'dev', { project: config.project, env: config.environments[0], builds: testBuilds() });
  const group = new SecurityGroup(stack, 'bastion', { name: 'taskmanager-dev-bastion', vpcId: stack.network.vpcId });
  new VpcSecurityGroupIngressRule(stack, 'bastion-ssh', { securityGroupId: group.id, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });
  const everything = new DataAwsIamPolicyDocument(stack, 'everything', { statement: [{ effect: 'Allow', actions: ['*'], resources: ['*'] }] });
  new IamPolicy(stack, 'admin', { name: 'taskmanager-dev-admin', policy: everything.json });
  app.synth();
  writeResolvedConfig(outdir, config, { environment: [] });
}

describe('the policy check', () => {
  const work = tempDir('policy-');
  let real: PolicyResult;
  beforeAll(() => {
    synthTo(path.join(work, 'real'));
    real = checkPolicy({ outDir: path.join(work, 'real'), config: testConfig() });
    synthBadDevStack(path.join(work, 'bad'));
  }, TIME_LIMITS.realEngine);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('passes our real bootstrap, dev and prod stacks: nothing blocking, only dev\'s public instances waived, warnings only of low severity', () => {
    expect(real.stacks).toEqual(['bootstrap', 'dev', 'prod']);
    expect(real.blocking).toBe(0);
    expect(real.passed).toBeGreaterThan(100);
    expect(real.failures.map((f) => [f.severity, f.rule])).toEqual(real.failures.map(() => ['low', 'CKV_AWS_158']));
    expect(real.waived.map((f) => [f.rule, f.path, f.waiver?.expires])).toEqual([['CKV_AWS_88', 'dev/api/launch-template', '2027-06-30']]);
  });

  it('passes both environments on Fargate (the container rules included) with nothing blocking or waived', () => {
    const file = { environments: { dev: { compute: { kind: 'fargate', image: `sha256:${'1'.repeat(64)}` } }, prod: { compute: { kind: 'fargate', image: `sha256:${'2'.repeat(64)}` } } } };
    const configFile = path.join(work, 'fargate.config.json');
    fs.writeFileSync(configFile, JSON.stringify(file));
    synthTo(path.join(work, 'fargate'), { TASKMANAGER_CONFIG: configFile });
    const result = checkPolicy({ outDir: path.join(work, 'fargate'), config: testConfig(file) });
    expect(result.blocking).toBe(0);
    expect(result.waived).toEqual([]);
    const containerRules = ['TM_ECS_NON_ROOT', 'CKV_AWS_334', 'CKV_AWS_336', 'TM_ECS_EXECUTION_ROLE', 'CKV_AWS_51', 'CKV_AWS_163'];
    expect(result.failures.filter((f) => containerRules.includes(f.rule))).toEqual([]);
  }, TIME_LIMITS.realEngine);

  it('fails a stack with a deliberately bad resource, naming the rule, the construct path and the address', () => {
    const result = checkPolicy({ outDir: path.join(work, 'bad'), config: testConfig({ policy: { waivers: [] } }) });
    expect(result.failures.filter((f) => f.severity !== 'low').map((f) => [f.rule, f.path, f.address, f.failure])).toEqual([
      ['TM_OPEN_INGRESS', 'dev/bastion-ssh', expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.bastion-ssh/), 'ingress from anywhere on "tcp" ports 22-22'],
      ['AVD-AWS-0057', 'dev/admin', expect.stringMatching(/^aws_iam_policy\.admin/), 'policy statement 0 allows every action (*)'],
    ]);
    expect(result.blocking).toBe(2);
  });

  it('the command line exits 1 on a blocking failure and prints each with its fix; 0 on the real stacks', () => {
    const failed = policyCli([path.join(work, 'bad')], {});
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toMatch(/^policy: 1 stack \(dev\), \d+ rules: FAILED, 2 blocking failures;/);
    expect(failed.output).toContain('FAIL critical TM_OPEN_INGRESS dev: dev/bastion-ssh (aws_vpc_security_group_ingress_rule.bastion-ssh');
    expect(failed.output).toContain('     fix: Admit the source security group');
    const passed = policyCli([path.join(work, 'real')], {});
    expect(passed.exitCode).toBe(0);
    expect(passed.output).toMatch(/^policy: 3 stacks \(bootstrap, dev, prod\), \d+ rules: passed;/);
  });

  it('--json gives machines every failure with rule, severity, resource and fix', () => {
    const json = JSON.parse(policyCli([path.join(work, 'bad'), '--json'], {}).output);
    expect(json.ok).toBe(false);
    expect(json.blocking).toBe(2);
    expect(json.failures[0]).toEqual(expect.objectContaining({ rule: 'TM_OPEN_INGRESS', severity: 'critical', stack: 'dev', path: 'dev/bastion-ssh', fix: expect.any(String) }));
  });

  it('usage errors: a plan for a stack that is not synthesized, a malformed --plan', () => {
    expect(() => policyCli([path.join(work, 'bad'), '--plan', 'qa=x.json'], {})).toThrow(/x\.json was not found/);
    fs.writeFileSync(path.join(work, 'empty-plan.json'), '{"format_version":"1.2"}');
    expect(() => policyCli([path.join(work, 'bad'), '--plan', `qa=${path.join(work, 'empty-plan.json')}`], {})).toThrow('a plan is given for qa, but');
    expect(() => policyCli(['--plan', 'dev'], {})).toThrow('--plan expects <stack>=<plan.json>');
  });
});

describe('the rules as docs/delivery.md lists them', () => {
  it('are every rule, with its severity and title', () => {
    const docs = fs.readFileSync(path.join(__dirname, '../../docs/delivery.md'), 'utf8');
    const rows = [...docs.matchAll(/^\| `([A-Z][A-Z0-9_-]+)` \| (critical|high|medium|low) \| (.+) \|$/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([...RULES, ...Object.values(WAIVER_RULES)].map((r) => [r.id, r.severity, r.title]));
  });
});

describe('waivers', () => {
  /** A stack with SSH open to the world (critical) and logs kept forever (medium), with construct paths. */
  const stackNamed = (name: 'dev' | 'prod') => {
    const json = JSON.parse(Testing.synthScope((s) => {
      new SecurityGroup(s, 'sg', { name: 'x', ingress: [{ fromPort: 22, toPort: 22, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'] }] });
      new CloudwatchLogGroup(s, 'logs', { name: 'x', kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k' });
    }));
    json.resource.aws_security_group.sg['//'] = { metadata: { path: `${name}/bastion` } };
    return new StackView({ name, json, environment: environmentConfig(name, { environments: { [name]: { policy: { waivers: [] } } } }), requiredTags: TAGS });
  };
  const stack = stackNamed('dev');
  const waiver = (overrides: Partial<PolicyWaiver> = {}): PolicyWaiver => ({ rule: 'TM_OPEN_INGRESS', resource: 'aws_security_group.sg', reason: 'a test bastion', expires: '2026-12-01', ...overrides });
  const check = (waivers: PolicyWaiver[], today = '2026-12-01') => evaluatePolicy([stack], { waivers, today });

  it('a waiver holds through its expiry day: the failure is listed as waived and does not block', () => {
    const result = check([waiver()]);
    expect(result.failures.map((f) => f.rule)).toEqual(['CKV_AWS_66']);
    expect(result.blocking).toBe(0);
    expect(result.waived.map((f) => [f.rule, f.path, f.waiver?.reason])).toEqual([['TM_OPEN_INGRESS', 'dev/bastion', 'a test bastion']]);
  });

  it('the day after, the failure counts again, says its waiver expired, and the waiver itself fails', () => {
    const result = check([waiver()], '2026-12-02');
    expect(result.waived).toEqual([]);
    expect(result.failures.map((f) => [f.rule, f.severity, f.expiredWaiver, f.failure])).toEqual([
      ['TM_OPEN_INGRESS', 'critical', '2026-12-01', 'ingress from anywhere on "tcp" ports 22-22'],
      ['TM_WAIVER_EXPIRED', 'high', undefined, 'the waiver of TM_OPEN_INGRESS for aws_security_group.sg expired on 2026-12-01 (a test bastion)'],
      ['CKV_AWS_66', 'medium', undefined, 'retention_in_days is not set: logs are kept, and billed, forever'],
    ]);
    expect(result.blocking).toBe(2);
    expect(policyText(result)).toContain('FAIL critical TM_OPEN_INGRESS dev: dev/bastion (aws_security_group.sg): ingress from anywhere on "tcp" ports 22-22 (its waiver expired on 2026-12-01)');
  });

  it('a waiver of an unknown rule fails; one that matches nothing is reported, and does not block', () => {
    const result = check([waiver(), waiver({ rule: 'CKV_AWS_99999' }), waiver({ rule: 'CKV_AWS_79', resource: 'dev/api/launch-template' })]);
    expect(result.failures.map((f) => [f.rule, f.address, f.severity])).toEqual([
      ['TM_WAIVER_UNKNOWN_RULE', 'policy.waivers[1]', 'high'],
      ['CKV_AWS_66', 'aws_cloudwatch_log_group.logs', 'medium'],
      ['TM_WAIVER_UNUSED', 'policy.waivers[2]', 'low'],
    ]);
  });

  it('matches by construct path in its own stack only, and by address in every stack', () => {
    const both = [stack, stackNamed('prod')];
    expect(evaluatePolicy(both, { waivers: [waiver()], today: '2026-11-30' }).waived.map((f) => f.stack)).toEqual(['dev', 'prod']);
    expect(evaluatePolicy(both, { waivers: [waiver({ resource: 'dev/bastion' })], today: '2026-11-30' }).waived.map((f) => f.stack)).toEqual(['dev']);
  });

  it('the comment section lists failures first (most severe first), then the waivers, then the passes', () => {
    const result = check([waiver({ rule: 'CKV_AWS_66', resource: 'aws_cloudwatch_log_group.logs' })]);
    const md = policyMarkdown(result);
    expect(md).toMatch(/^#### Policy: ❌ 1 blocking failure\n/);
    const order = ['| 🔴 critical | `TM_OPEN_INGRESS` | `dev` `dev/bastion` `aws_security_group.sg` |', '<details><summary>1 waived failure</summary>', '| `CKV_AWS_66` | `dev` `aws_cloudwatch_log_group.logs` | a test bastion | 2026-12-01 |', `${result.passed} checks passed (${RULES.length} rules on \`dev\`).`].map((t) => md.indexOf(t));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
