/**
 * The image-push role of one environment, made by `bootstrap`: the image workflow on main assumes
 * it through GitHub's OIDC provider to push the API image to that environment's ECR repository,
 * and it can do nothing else. The environment stack names it in the repository's policy.
 */
import type { PolicyStatement } from '../lib/iam';
import { ECR_PUSH_ACTIONS } from '../constructs/container-registry';
import { environmentGuards } from './guards';
import type { EnvironmentName } from '../config';

/** `<project>-github-image-push-<env>`: under the `-github-` names the apply roles may never touch. */
export function imagePushRoleName(project: string, environment: string): string {
  return `${project}-github-image-push-${environment}`;
}

/** `arn:<partition>:iam::<account>:role/<project>-github-image-push-<env>`. */
export function imagePushRoleArn(partition: string, accountId: string, project: string, environment: string): string {
  return `arn:${partition}:iam::${accountId}:role/${imagePushRoleName(project, environment)}`;
}

/** `<namePrefix>-image-push-boundary`: the push role's permissions boundary. */
export function imagePushBoundaryName(namePrefix: string): string {
  return `${namePrefix}-image-push-boundary`;
}

/** The environment's API repository (`<namePrefix>-api`), in its region and account. */
export function apiRepositoryArn(region: string, accountId: string, namePrefix: string): string {
  return `arn:aws:ecr:${region}:${accountId}:repository/${namePrefix}-api`;
}

/**
 * Push to the environment's one repository and see whether a tag is there already (the workflow
 * skips an image the repository has: tags are immutable); the sign-in token has no resource-level form.
 */
export function imagePushStatements(region: string, accountId: string, namePrefix: string): PolicyStatement[] {
  return [
    { Sid: 'EcrSignIn', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    { Sid: 'PushApiImage', Effect: 'Allow', Action: [...ECR_PUSH_ACTIONS, 'ecr:DescribeImages'], Resource: apiRepositoryArn(region, accountId, namePrefix) },
  ];
}

/** The push role's boundary: its own statements and the environment guards, so nothing added to the role ever reaches further. */
export function imagePushBoundaryStatements(environment: EnvironmentName, region: string, accountId: string, namePrefix: string): PolicyStatement[] {
  return [...imagePushStatements(region, accountId, namePrefix), ...environmentGuards(environment)];
}
