/**
 * Ways from a role to more power than it was given, in identity policies (what a principal may
 * do; trust and resource policies have rules of their own). Actions count however they are named:
 * `iam:PassRole`, `iam:Pass*` and `iam:*` all allow iam:PassRole (`*` and NotAction are AVD-AWS-0057's). The ids are Checkov's
 * IAM checks, which it derives from Cloudsplaining's categories (privilege escalation, credentials
 * exposure, data exfiltration, permissions management), here with the conditions that make each safe.
 */
import { conditionTests, coveredActions, identityDocuments, IDENTITY_POLICY_TYPES, type Statement } from '../documents';
import { resourceRule, type Rule, strings } from '../rule';

/** Writes that give a role or user permissions: safe only when the request must set our boundary (`iam:PermissionsBoundary`). */
const BOUNDABLE_WRITES = [
  'iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary',
  'iam:CreateUser', 'iam:PutUserPolicy', 'iam:AttachUserPolicy', 'iam:PutUserPermissionsBoundary',
];
/** Writes that no condition key bounds: a new default version of a policy, a boundary removed, a user into a group, a group's policy. */
const UNBOUNDABLE_WRITES = [
  'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeleteRolePermissionsBoundary', 'iam:DeleteUserPermissionsBoundary',
  'iam:AddUserToGroup', 'iam:PutGroupPolicy', 'iam:AttachGroupPolicy',
];
/** Actions that hand out credentials of another principal. */
const CREDENTIAL_ACTIONS = [
  'sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML', 'sts:GetFederationToken', 'iam:CreateAccessKey', 'iam:UpdateAccessKey',
  'iam:CreateLoginProfile', 'iam:UpdateLoginProfile', 'iam:CreateServiceSpecificCredential', 'iam:ResetServiceSpecificCredential',
];
/** Reads of data and secrets (Cloudsplaining's data-exfiltration actions). */
const DATA_READS = ['s3:GetObject', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath', 'secretsmanager:GetSecretValue'];
/** Changes of who may use a resource: resource policies, ACLs, grants, shares. */
const PERMISSION_MANAGEMENT = [
  ...BOUNDABLE_WRITES, ...UNBOUNDABLE_WRITES, 'iam:PassRole', 'iam:UpdateAssumeRolePolicy', 'iam:CreatePolicy',
  's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketAcl', 's3:PutObjectAcl', 's3:PutBucketPublicAccessBlock', 's3:PutAccountPublicAccessBlock',
  'sqs:AddPermission', 'sqs:SetQueueAttributes', 'sns:AddPermission', 'sns:SetTopicAttributes', 'kms:PutKeyPolicy', 'kms:CreateGrant',
  'secretsmanager:PutResourcePolicy', 'lambda:AddPermission', 'lambda:AddLayerVersionPermission', 'ecr:SetRepositoryPolicy',
  'logs:PutResourcePolicy', 'ec2:ModifySnapshotAttribute', 'ec2:ModifyImageAttribute', 'rds:ModifyDBSnapshotAttribute',
];
/** Tagging: with attribute-based access (our deploy roles match resources by their Environment tag), a tag is a permission. */
const TAGGING = [
  'ec2:CreateTags', 'ec2:DeleteTags', 'iam:TagRole', 'iam:UntagRole', 'iam:TagUser', 'iam:UntagUser', 'iam:TagPolicy', 'rds:AddTagsToResource',
  'rds:RemoveTagsFromResource', 'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags', 'autoscaling:CreateOrUpdateTags',
  'autoscaling:DeleteTags', 's3:PutBucketTagging', 's3:PutObjectTagging', 'ssm:AddTagsToResource', 'logs:TagLogGroup', 'logs:TagResource',
  'sqs:TagQueue', 'kms:TagResource', 'kms:UntagResource', 'lambda:TagResource', 'sns:TagResource', 'cloudfront:TagResource',
  'cognito-idp:TagResource', 'secretsmanager:TagResource', 'wafv2:TagResource', 'cloudwatch:TagResource',
];
/** Conditions that pin tagging to the environment's own resources or to creation. */
const TAG_CONDITIONS = ['aws:ResourceTag', 'aws:RequestTag', 'aws:TagKeys', 'ec2:CreateAction', 'ec2:ResourceTag'];

/** `*`, or every ARN of a service or of one of its types (`arn:aws:iam::*:role/*`; S3's `bucket/*` names a bucket, not a type). */
function isEveryResource(arn: string): boolean {
  const match = /^arn:[^:]+:([^:]+):[^:]*:[^:]*:(?:([a-z-]+)\/)?\*$/.exec(arn);
  return arn === '*' || (match !== null && (match[2] === undefined || match[1] !== 's3'));
}

function onEveryResource(statement: Statement): boolean {
  const resources = strings(statement.Resource);
  return statement.NotResource !== undefined || resources.length === 0 || resources.some(isEveryResource);
}

/** Where a statement is, for a failure: `policy statement "Sid"`. */
function where(attribute: string, statement: Statement, index: number): string {
  return `${attribute} statement ${statement.Sid ? JSON.stringify(statement.Sid) : index}`;
}

/** A rule over every Allow statement of identity policies; `problem` returns what is wrong with one statement. */
function statementRule(meta: Omit<Rule, 'evaluate'>, problem: (statement: Statement) => string | undefined): Rule {
  return resourceRule({
    ...meta,
    types: IDENTITY_POLICY_TYPES,
    check: (r, stack) => {
      for (const document of identityDocuments(r, stack)) {
        // An unreadable document, every action (`*`) and NotAction are AVD-AWS-0057's failures; said once is enough.
        for (const [i, statement] of (document.statements ?? []).entries()) {
          if (statement.Effect !== 'Allow' || statement.NotAction !== undefined || strings(statement.Action).includes('*')) continue;
          const found = problem(statement);
          if (found) return `${where(document.attribute, statement, i)} ${found}`;
        }
      }
      return undefined;
    },
  });
}

function list(actions: readonly string[]): string {
  return actions.length > 4 ? `${actions.slice(0, 4).join(', ')} and ${actions.length - 4} more` : actions.join(', ');
}

/** A statement that allows any of `catalog` on every resource with no condition at all. */
function unconstrained(catalog: readonly string[]): (statement: Statement) => string | undefined {
  return (statement) => {
    const found = coveredActions(statement, catalog);
    return found.length && onEveryResource(statement) && !statement.Condition ? `allows ${list(found)} on every resource, with no condition` : undefined;
  };
}

export const PRIVILEGE_RULES: readonly Rule[] = [
  statementRule({
    id: 'CKV_AWS_286',
    severity: 'high',
    title: 'No privilege escalation: iam:PassRole only with iam:PassedToService, role and user policy writes only with an iam:PermissionsBoundary condition, no policy-version or group writes',
    fix: 'Add Condition StringEquals iam:PassedToService (the services you hand roles to) to PassRole, and StringEquals iam:PermissionsBoundary (your boundary ARN) to role writes; deny CreatePolicyVersion, SetDefaultPolicyVersion and boundary deletes',
  }, (statement) => {
    if (coveredActions(statement, ['iam:PassRole']).length && !conditionTests(statement, ['iam:PassedToService'])) return 'allows iam:PassRole without an iam:PassedToService condition: the role can be handed to any service that runs code';
    const boundable = coveredActions(statement, BOUNDABLE_WRITES);
    if (boundable.length && !conditionTests(statement, ['iam:PermissionsBoundary'])) return `allows ${list(boundable)} without an iam:PermissionsBoundary condition: it can give a role more than it has`;
    const unboundable = coveredActions(statement, UNBOUNDABLE_WRITES);
    return unboundable.length ? `allows ${list(unboundable)}, which no condition bounds` : undefined;
  }),
  statementRule({
    id: 'CKV_AWS_287',
    severity: 'high',
    title: 'No credentials of other principals on every resource (sts:AssumeRole on *, access keys, login profiles)',
    fix: 'Name the roles it may assume (their ARNs), or drop the action; access keys and login profiles are not for workloads',
  }, unconstrained(CREDENTIAL_ACTIONS)),
  statementRule({
    id: 'CKV_AWS_288',
    severity: 'high',
    title: 'No reads of objects, parameters or secrets on every resource',
    fix: 'Name the buckets, parameters and secrets it reads (their ARNs, a prefix at most)',
  }, unconstrained(DATA_READS)),
  statementRule({
    id: 'CKV_AWS_289',
    severity: 'high',
    title: 'No permissions management or resource exposure on every resource (policies, ACLs, grants, PassRole)',
    fix: 'Name the resources whose policies it manages, or add a condition that pins them (a tag, a boundary)',
  }, unconstrained(PERMISSION_MANAGEMENT)),
  statementRule({
    id: 'CKV_AWS_355',
    severity: 'high',
    title: 'No wildcard action on every resource that includes tagging, unless a tag or creation condition pins it',
    fix: 'List the actions it needs instead of the wildcard, name the resources, or add a condition on aws:ResourceTag/aws:RequestTag (ec2:CreateAction for tags on create)',
  }, (statement) => {
    if (!onEveryResource(statement) || conditionTests(statement, TAG_CONDITIONS)) return undefined;
    const wildcards = strings(statement.Action).filter((a) => a.includes('*'));
    const tagging = wildcards.flatMap((w) => coveredActions({ Action: w }, TAGGING));
    return tagging.length ? `allows ${wildcards.join(', ')} on every resource, which includes ${list([...new Set(tagging)])}: a tag decides what the deploy roles may touch` : undefined;
  }),
];
