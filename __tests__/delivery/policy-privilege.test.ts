/**
 * The privilege-escalation rules (CKV_AWS_286 to 289, 355) on the statements that make or break
 * each, and on bootstrap's deploy roles and every role of the environment stacks, which pass.
 */
import { Testing } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { covers } from '../../delivery/policy/documents';
import { PRIVILEGE_RULES } from '../../delivery/policy/rules/privilege';
import { StackView } from '../../delivery/policy/stack';
import { policyDocument, serviceTrustPolicy } from '../../stacks/lib/iam';
import { bootstrapStack, environmentStack } from '../stacks/synth';

type Statement = Record<string, unknown>;
const TAGS = ['Project', 'Environment', 'ManagedBy'];

/** The failures of one rule on a role policy of these statements. */
function failures(id: string, ...statements: Statement[]): string[] {
  const json = JSON.parse(Testing.synthScope((s) => new IamRolePolicy(s, 'p', { role: 'r', policy: policyDocument(...(statements as never[])) })));
  const rule = PRIVILEGE_RULES.find((r) => r.id === id)!;
  return rule.evaluate(new StackView({ name: 'dev', json, requiredTags: TAGS })).flatMap((o) => (o.failure ? [o.failure] : []));
}

const allow = (Action: string | string[], Resource: string | string[] = '*', Condition?: Statement): Statement => ({ Sid: 'S', Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
const BOUNDARY = { StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/tm-workload-boundary' } };

describe('action patterns', () => {
  it.each([
    ['iam:*', 'iam:PassRole', true],
    ['IAM:pass*', 'iam:PassRole', true],
    ['iam:Put*Policy', 'iam:PutRolePolicy', true],
    ['iam:Get?olicy', 'iam:GetPolicy', true],
    ['iam:Get*', 'iam:PassRole', false],
    ['s3:*', 'iam:PassRole', false],
    ['*', 'sts:AssumeRole', true],
  ])('%s covers %s: %s', (pattern, action, expected) => {
    expect(covers(pattern, action)).toBe(expected);
  });
});

describe('CKV_AWS_286: privilege escalation', () => {
  it('PassRole needs iam:PassedToService, also when a wildcard allows it', () => {
    expect(failures('CKV_AWS_286', allow('iam:Pass*', 'arn:aws:iam::*:role/tm-dev-*'))).toEqual([expect.stringContaining('policy statement "S" allows iam:PassRole without an iam:PassedToService condition')]);
    expect(failures('CKV_AWS_286', allow('iam:PassRole', 'arn:aws:iam::*:role/tm-dev-*', { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }))).toEqual([]);
  });

  it('role and user policy writes need an iam:PermissionsBoundary condition', () => {
    expect(failures('CKV_AWS_286', allow(['iam:CreateRole', 'iam:PutRolePolicy'], 'arn:aws:iam::*:role/tm-dev-*'))).toEqual([expect.stringContaining('allows iam:CreateRole, iam:PutRolePolicy without an iam:PermissionsBoundary condition')]);
    expect(failures('CKV_AWS_286', allow(['iam:CreateRole', 'iam:PutRolePolicy'], 'arn:aws:iam::*:role/tm-dev-*', BOUNDARY))).toEqual([]);
  });

  it('a new default policy version or a deleted boundary is escalation whatever the condition', () => {
    expect(failures('CKV_AWS_286', allow('iam:CreatePolicyVersion', 'arn:aws:iam::*:policy/tm-*', BOUNDARY))).toEqual([expect.stringContaining('allows iam:CreatePolicyVersion, which no condition bounds')]);
    expect(failures('CKV_AWS_286', allow('iam:DeleteRolePermissionsBoundary', 'arn:aws:iam::*:role/tm-dev-*'))).toHaveLength(1);
  });

  it('a Deny of the same actions is no escalation', () => {
    expect(failures('CKV_AWS_286', { Effect: 'Deny', Action: ['iam:CreatePolicyVersion', 'iam:PassRole'], Resource: '*' })).toEqual([]);
  });

  it('every action (*) and NotAction are left to AVD-AWS-0057, which says so once', () => {
    expect(failures('CKV_AWS_286', { Effect: 'Allow', NotAction: 's3:*', Resource: 'arn:aws:s3:::x' })).toEqual([]);
    expect(PRIVILEGE_RULES.flatMap((r) => failures(r.id, allow('*')))).toEqual([]);
  });

  it('a trust policy is not an identity policy: sts:AssumeRole there is how a service takes the role', () => {
    const json = JSON.parse(Testing.synthScope((s) => new IamRole(s, 'role', { name: 'r', assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com') })));
    const outcomes = PRIVILEGE_RULES.flatMap((r) => r.evaluate(new StackView({ name: 'dev', json, requiredTags: TAGS })));
    expect(outcomes.filter((o) => o.failure)).toEqual([]);
  });
});

describe('CKV_AWS_287: credentials exposure', () => {
  it('sts:AssumeRole on every resource fails, on named roles passes', () => {
    expect(failures('CKV_AWS_287', allow('sts:AssumeRole'))).toEqual(['policy statement "S" allows sts:AssumeRole on every resource, with no condition']);
    expect(failures('CKV_AWS_287', allow('sts:*', 'arn:aws:iam::*:role/*'))).toEqual([expect.stringContaining('allows sts:AssumeRole, sts:AssumeRoleWithWebIdentity')]);
    expect(failures('CKV_AWS_287', allow('sts:AssumeRole', 'arn:aws:iam::123456789012:role/tm-dev-reader'))).toEqual([]);
  });
});

describe('CKV_AWS_288: data exfiltration', () => {
  it('secrets and objects on every resource fail, on named ones pass', () => {
    expect(failures('CKV_AWS_288', allow(['secretsmanager:GetSecretValue']))).toEqual(['policy statement "S" allows secretsmanager:GetSecretValue on every resource, with no condition']);
    expect(failures('CKV_AWS_288', allow('s3:GetObject', 'arn:aws:s3:::tm-dev-assets/*'))).toEqual([]);
  });
});

describe('CKV_AWS_289: permissions management', () => {
  it('a bucket policy write on every bucket fails; a condition or named resources pass', () => {
    expect(failures('CKV_AWS_289', allow('s3:PutBucket*'))).toEqual([expect.stringContaining('allows s3:PutBucketPolicy, s3:PutBucketAcl, s3:PutBucketPublicAccessBlock on every resource')]);
    expect(failures('CKV_AWS_289', allow('s3:PutBucketPolicy', 'arn:aws:s3:::tm-dev-*'))).toEqual([]);
    expect(failures('CKV_AWS_289', allow('kms:CreateGrant', '*', { Bool: { 'kms:GrantIsForAWSResource': 'true' } }))).toEqual([]);
  });
});

describe('CKV_AWS_355: wildcards that include tagging', () => {
  it('ec2:* on every resource includes CreateTags: fails without a tag condition, passes with one', () => {
    expect(failures('CKV_AWS_355', allow('ec2:*'))).toEqual([expect.stringMatching(/allows ec2:\* on every resource, which includes ec2:CreateTags, ec2:DeleteTags: a tag decides/)]);
    expect(failures('CKV_AWS_355', allow('ec2:*', '*', { StringEquals: { 'aws:ResourceTag/Environment': 'dev' } }))).toEqual([]);
  });

  it('a family without tagging (ec2:Describe*) and a named tagging action pass', () => {
    expect(failures('CKV_AWS_355', allow(['ec2:Describe*', 'logs:TagResource'], '*'))).toEqual([]);
  });
});

describe('our own roles', () => {
  it.each([
    ['bootstrap (the plan and apply roles of each environment, the workload boundary)', () => bootstrapStack()],
    ['dev', () => environmentStack('dev')],
    ['prod', () => environmentStack('prod')],
  ])('%s: no escalation path', (_name, synth) => {
    const stack = new StackView({ name: 'x', json: synth(), requiredTags: TAGS });
    const outcomes = PRIVILEGE_RULES.flatMap((r) => r.evaluate(stack));
    expect(outcomes.length).toBeGreaterThan(PRIVILEGE_RULES.length);
    expect(outcomes.filter((o) => o.failure)).toEqual([]);
  });
});
