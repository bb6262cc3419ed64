/**
 * The container path's own cases, besides the resource types (resource-models.ts): the ECS task
 * and execution roles doing their jobs and no more, what a role with the container boundary
 * reaches in a session outside ECS (ECS gives the boundary no context to test), the image-push
 * role, and the repository policy that refuses pushes and pulls of anyone else.
 */
import { ECR_PULL_ACTIONS, ECR_PUSH_ACTIONS } from '../../../stacks/constructs/container-registry';
import { DATABASE_ACCOUNTS } from '../../../api/contract/database';
import type { Json } from '../synth';
import type { EnvironmentUnderTest, Principal } from './deployment';
import type { Case, Expected } from './matrix';
import { apiCluster, apiTaskDefinition, databaseAttacks, type Where } from './resource-models';

type Request = { action: string; resource: string; context?: Record<string, string | string[]>; resourcePolicy?: Json };

/** Names of the groups the test selects. */
export const CONTAINER_GROUPS = {
  jobs: 'does its job: the API\'s queries, image jobs and images (task role); its image and logs (execution role)',
  beyondJobs: 'does more than its job in its own environment (the migrator, the master secret, other objects, pushes)',
  outsideReach: 'in a session outside ECS (no context to test): its environment\'s images, image jobs, API database account, API logs',
  outsideLimits: 'in a session outside ECS: anything else of its environment (migrator, master secret, parameters, site, functions, image pulls and pushes)',
  pushes: 'pushes the API image to its environment\'s repository',
  pushOnly: 'does anything else (the repository\'s settings, deleting images, other services)',
  refused: 'pushes to or pulls from the environment\'s repository without being its push or execution role (allow-all identity; the repository policy)',
  untouchable: 'changes the image-push role or the container and image-push boundaries',
  keyGrant: 'creates, changes and deletes its own environment\'s resources',
} as const;

function cases(group: string, principal: Principal, env: EnvironmentUnderTest, expected: Expected, subject: string, requests: Request[]): Case[] {
  return requests.map((r) => ({ group, principal, action: r.action, resource: r.resource, resourceAccount: env.account, context: r.context ?? { 'aws:ResourceTag/Environment': env.config.name }, expected, subject, resourcePolicy: r.resourcePolicy }));
}

/** The environment's concrete ARNs the requests name. */
function arnsOf(env: EnvironmentUnderTest, at: Where) {
  const { region, namePrefix } = env.config;
  const bucket = at.bucketOf(String((Object.values(env.stack.resource.aws_s3_object) as Json[])[0].bucket));
  const dbUser = (user: string) => `arn:aws:rds-db:${region}:${env.account}:dbuser:${env.config.databaseResourceId}/${user}`;
  return {
    repository: `arn:aws:ecr:${region}:${env.account}:repository/${namePrefix}-api`,
    image: `arn:aws:s3:::${bucket}/images/0b5e1c1e.png`,
    site: `arn:aws:s3:::${bucket}/site/index.html`,
    queue: `arn:aws:sqs:${region}:${env.account}:${namePrefix}-images`,
    apiAccount: dbUser(DATABASE_ACCOUNTS.api.user),
    migrator: dbUser(DATABASE_ACCOUNTS.migrator.user),
    apiLogs: `arn:aws:logs:${region}:${env.account}:log-group:${env.config.observability.logGroupName}:log-stream:api/api/6f1e0a2b3c4d`,
    parameter: `arn:aws:ssm:${region}:${env.account}:parameter/${namePrefix}-cloudwatch-agent`,
    worker: `arn:aws:lambda:${region}:${env.account}:function:${namePrefix}-image-worker`,
    secret: databaseAttacks(at)[0],
  };
}

export function containerCases(env: EnvironmentUnderTest, at: Where): Case[] {
  const a = arnsOf(env, at);
  const repo = (action: string): Request => ({ action, resource: a.repository, resourcePolicy: at.repositoryPolicy });
  const masterSecret: Request = { action: a.secret.action, resource: a.secret.arn, context: a.secret.context };
  const outside = env.containerCreated;
  const admin: Principal = { label: `an administrator of ${env.config.name}'s account (allow-all)`, arn: `arn:aws:iam::${env.account}:role/Admin`, account: env.account, identity: [{ name: 'allow-all', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }] };
  const ecrKey = `arn:aws:kms:${env.config.region}:${env.account}:key/${at.id('ecr-key')}`;
  const scalingAlarm = targetTrackingAlarm(at);
  const viaEcr = { 'kms:ViaService': `ecr.${env.config.region}.amazonaws.com`, 'kms:CallerAccount': env.account };
  // The policy AWS gives its managed keys (aws/ecr): any principal of the account whose own policy allows it, through ECR.
  const managedKeyPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'], Resource: '*', Condition: { StringEquals: viaEcr } }] };
  const result: Case[] = [
    // ECR makes the repository's grants on its AWS managed key with the apply role's rights.
    ...cases(CONTAINER_GROUPS.keyGrant, env.apply, env, 'allowed', 'aws_ecr_repository', ['kms:CreateGrant', 'kms:DescribeKey'].map((action) => ({
      action, resource: ecrKey, context: { ...viaEcr, 'kms:ResourceAliases': ['alias/aws/ecr'] }, resourcePolicy: managedKeyPolicy,
    }))),
    // Target tracking makes its alarms with the apply role's rights.
    ...cases(CONTAINER_GROUPS.keyGrant, env.apply, env, 'allowed', 'aws_appautoscaling_policy', ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'].map((action) => ({ action, resource: scalingAlarm }))),
    ...cases(CONTAINER_GROUPS.outsideReach, outside, env, 'allowed', 'container boundary', [
      { action: 's3:GetObject', resource: a.image }, { action: 'sqs:SendMessage', resource: a.queue }, { action: 'rds-db:connect', resource: a.apiAccount }, { action: 'logs:PutLogEvents', resource: a.apiLogs },
    ]),
    ...cases(CONTAINER_GROUPS.outsideLimits, outside, env, 'denied', 'container boundary', [
      masterSecret, { action: 'rds-db:connect', resource: a.migrator }, { action: 'ssm:GetParameter', resource: a.parameter }, { action: 's3:GetObject', resource: a.site }, { action: 's3:PutObject', resource: a.site },
      { action: 'lambda:InvokeFunction', resource: a.worker }, { action: 'sqs:ReceiveMessage', resource: a.queue }, repo('ecr:BatchGetImage'), repo('ecr:PutImage'), { action: 'iam:PassRole', resource: env.created.arn },
    ]),
    ...cases(CONTAINER_GROUPS.pushes, env.imagePush, env, 'allowed', 'image-push role', [{ action: 'ecr:GetAuthorizationToken', resource: '*' }, ...[...ECR_PUSH_ACTIONS, 'ecr:DescribeImages'].map(repo)]),
    ...cases(CONTAINER_GROUPS.pushOnly, env.imagePush, env, 'denied', 'image-push role', [
      ...['ecr:DeleteRepository', 'ecr:SetRepositoryPolicy', 'ecr:BatchDeleteImage', 'ecr:PutLifecyclePolicy', 'ecr:PutImageTagMutability'].map(repo),
      { action: 's3:GetObject', resource: a.site }, { action: 'sqs:SendMessage', resource: a.queue }, { action: 'lambda:UpdateFunctionCode', resource: a.worker }, { action: 'iam:PassRole', resource: env.imagePush.arn }, masterSecret,
    ]),
    ...cases(CONTAINER_GROUPS.untouchable, env.apply, env, 'denied', 'image-push role', [
      ...['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'iam:AttachRolePolicy', 'iam:DeleteRole'].map((action) => ({ action, resource: env.imagePush.arn })),
      ...[env.imagePush.boundary!.name, env.containerCreated.boundary!.name].flatMap((policy) => ['iam:CreatePolicyVersion', 'iam:DeletePolicy'].map((action) => ({ action, resource: `arn:aws:iam::${env.account}:policy/${policy}` }))),
    ]),
    ...cases(CONTAINER_GROUPS.refused, admin, env, 'denied', 'repository policy', [...ECR_PUSH_ACTIONS.filter((x) => !ECR_PULL_ACTIONS.includes(x)), 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'].map(repo)),
  ];
  if (!env.ecsRoles) return result;
  const { task, execution } = env.ecsRoles;
  return [
    ...result,
    ...cases(CONTAINER_GROUPS.jobs, task, env, 'allowed', 'API task role', [{ action: 'rds-db:connect', resource: a.apiAccount }, { action: 'sqs:SendMessage', resource: a.queue }, { action: 's3:GetObject', resource: a.image }]),
    ...cases(CONTAINER_GROUPS.jobs, execution, env, 'allowed', 'API task execution role', [{ action: 'ecr:GetAuthorizationToken', resource: '*' }, ...ECR_PULL_ACTIONS.map(repo), { action: 'logs:CreateLogStream', resource: a.apiLogs }, { action: 'logs:PutLogEvents', resource: a.apiLogs }]),
    ...cases(CONTAINER_GROUPS.beyondJobs, task, env, 'denied', 'API task role', [{ action: 'rds-db:connect', resource: a.migrator }, masterSecret, { action: 's3:GetObject', resource: a.site }, { action: 's3:PutObject', resource: a.image }, { action: 'sqs:ReceiveMessage', resource: a.queue }, repo('ecr:BatchGetImage')]),
    ...cases(CONTAINER_GROUPS.beyondJobs, execution, env, 'denied', 'API task execution role', [repo('ecr:PutImage'), repo('ecr:BatchDeleteImage'), { action: 'logs:DeleteLogGroup', resource: a.apiLogs.replace(/:log-stream:.*$/, '') }, { action: 'ssm:GetParameter', resource: a.parameter }, { action: 's3:GetObject', resource: a.image }, masterSecret]),
  ];
}

/**
 * A service of the attacker's own cluster that runs the owner's task definition would start tasks
 * with the owner's task and execution roles: its apply role may create and update services only
 * with its own environment's task definitions.
 */
export function borrowedTaskDefinitionCases(owner: EnvironmentUnderTest, ownerAt: Where, attackers: readonly Principal[], attackerAt: Where): Case[] {
  const service = `arn:aws:ecs:${attackerAt.env.region}:${attackerAt.account}:service/${attackerAt.env.namePrefix}-api/${attackerAt.env.namePrefix}-api`;
  const context = { 'ecs:cluster': apiCluster(attackerAt), 'ecs:task-definition': apiTaskDefinition(ownerAt), 'aws:RequestTag/Environment': attackerAt.env.name, 'aws:ResourceTag/Environment': attackerAt.env.name };
  const group = `reaches nothing of ${owner.config.name}`;
  return attackers.flatMap((principal) => [
    ...['ecs:CreateService', 'ecs:UpdateService'].map((action) => ({ group, principal, action, resource: service, resourceAccount: attackerAt.account, context, expected: 'denied' as const, subject: 'aws_ecs_task_definition' })),
    // The owner's scaling alarms: deleting them stops its scaling.
    ...['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'].map((action) => ({ group, principal, action, resource: targetTrackingAlarm(ownerAt), resourceAccount: owner.account, context: {}, expected: 'denied' as const, subject: 'aws_appautoscaling_policy' })),
  ]);
}

/** The high alarm target tracking makes for the API service's CPU policy. */
function targetTrackingAlarm(at: Where): string {
  return `arn:aws:cloudwatch:${at.env.region}:${at.account}:alarm:TargetTracking-service/${at.env.namePrefix}-api/${at.env.namePrefix}-api-AlarmHigh-7d1c3b2a-0000-4000-8000-000000000000`;
}
