/**
 * The permissions boundary of one environment's two ECS roles (the API's task role and its task
 * execution role), made by `bootstrap` beside the workload boundary, where the apply role cannot
 * change it.
 *
 * Why not the workload boundary: that one makes a role useless outside the environment's functions
 * and instances (`lambda:SourceFunctionArn`, `ec2:SourceInstanceARN`). ECS puts no such key in the
 * request context of task credentials (the Service Authorization Reference lists none for ECS; a
 * task role's trust may test `aws:SourceAccount`, but the apply role writes that trust), so the same
 * deny would stop the tasks themselves. This boundary has no such deny; its allows stand in for it:
 * exactly what the API's tasks and ECS's agent do, on the environment's own resources. Never the
 * migrator account, the master secret, parameters, functions, networks, models or other objects.
 * The apply role may give it only to roles named `<namePrefix>-api-task*`, passed only to ECS tasks;
 * such a role could be assumed by whoever its trust names, and then reaches just that
 * (docs/delivery.md, with the RCP that keeps outsiders out).
 */
import { DATABASE_ACCOUNTS } from '../../api/contract/database';
import { IMAGE_KEY_PREFIX } from '../../api/contract/image-message';
import type { EnvironmentConfig } from '../config';
import type { PolicyStatement } from '../lib/iam';
import { ECR_PULL_ACTIONS } from '../constructs/container-registry';
import { environmentGuards } from './guards';
import { apiRepositoryArn } from './image-push';
import { databaseUserArn } from './workload-boundary';

/** `<namePrefix>-container-boundary`. */
export function containerBoundaryName(namePrefix: string): string {
  return `${namePrefix}-container-boundary`;
}

/** `arn:<partition>:iam::<account>:policy/<namePrefix>-container-boundary`. */
export function containerBoundaryArn(partition: string, accountId: string, namePrefix: string): string {
  return `arn:${partition}:iam::${accountId}:policy/${containerBoundaryName(namePrefix)}`;
}

/** `<namePrefix>-api-task*`: the names of the roles that may carry the container boundary (the API's task role and execution role). */
export function containerRoleNamePattern(namePrefix: string): string {
  return `${namePrefix}-api-task*`;
}

export function containerBoundaryStatements(env: EnvironmentConfig, accountId: string): PolicyStatement[] {
  const prefix = env.namePrefix;
  const { region } = env;
  const apiLogGroup = `arn:aws:logs:${region}:${accountId}:log-group:${env.observability.logGroupName}`;
  return [
    // The task role: what the API does.
    { Sid: 'ReadOwnImages', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${prefix}-*/${IMAGE_KEY_PREFIX}*` },
    { Sid: 'SendOwnImageJobs', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: `arn:aws:sqs:${region}:${accountId}:${prefix}-*` },
    { Sid: 'ConnectAsApiOnly', Effect: 'Allow', Action: 'rds-db:connect', Resource: databaseUserArn(env, accountId, DATABASE_ACCOUNTS.api.user) },
    // The execution role: what ECS's agent does to start a task (pull its image, ship its stdout).
    // The sign-in token has no resource-level form; alone it reads nothing.
    { Sid: 'EcrSignIn', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    { Sid: 'PullOwnApiImage', Effect: 'Allow', Action: ECR_PULL_ACTIONS, Resource: apiRepositoryArn(region, accountId, prefix) },
    { Sid: 'WriteOwnApiLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [apiLogGroup, `${apiLogGroup}:*`] },
    ...environmentGuards(env.name),
  ];
}
