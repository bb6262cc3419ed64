/**
 * The image-push role of one environment, made by `bootstrap`: the image workflow on main assumes
 * it through GitHub's OIDC provider to push the API image to that environment's ECR repository,
 * and it can do nothing else. The environment stack names it in the repository's policy.
 */
import type { PolicyStatement } from '../lib/iam';

/** `<project>-github-image-push-<env>`: under the `-github-` names the apply roles may never touch. */
export function imagePushRoleName(project: string, environment: string): string {
  return `${project}-github-image-push-${environment}`;
}

/** `arn:<partition>:iam::<account>:role/<project>-github-image-push-<env>`. */
export function imagePushRoleArn(partition: string, accountId: string, project: string, environment: string): string {
  return `arn:${partition}:iam::${accountId}:role/${imagePushRoleName(project, environment)}`;
}

/** The environment's API repository (`<namePrefix>-api`), in its region. */
export function apiRepositoryArn(region: string, namePrefix: string): string {
  return `arn:aws:ecr:${region}:*:repository/${namePrefix}-api`;
}

/** Push to the environment's one repository; the sign-in token has no resource-level form. */
export function imagePushStatements(region: string, namePrefix: string): PolicyStatement[] {
  return [
    { Sid: 'EcrSignIn', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    {
      Sid: 'PushApiImage',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:DescribeImages'],
      Resource: apiRepositoryArn(region, namePrefix),
    },
  ];
}
