/**
 * One environment's deploy roles, created by `bootstrap` in the environment's account: its workload
 * permissions boundary and its container boundary (the ECS roles'), a plan role that reads what a
 * plan of that environment refreshes, an apply role that manages that environment's resources, and
 * an image-push role that pushes the API image to that environment's repository. The resources are created directly in the
 * bootstrap stack with fixed ids, which decide their Terraform addresses.
 */
import type { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentConfig } from '../config';
import { policyDocument, type PolicyStatement } from '../lib/iam';
import { Naming } from '../lib/naming';
import { applyStatements } from './apply-permissions';
import { containerBoundaryArn, containerBoundaryName, containerBoundaryStatements } from './container-boundary';
import { environmentGuards } from './guards';
import { githubTrustPolicy } from './github-trust';
import { imagePushBoundaryName, imagePushBoundaryStatements, imagePushRoleName, imagePushStatements } from './image-push';
import { refreshStatements } from './plan-reads';
import { stateRoleStatements, type StateLocation } from './state-access';
import { workloadBoundaryArn, workloadBoundaryName, workloadBoundaryStatements } from './workload-boundary';

export interface DeployRolesProps {
  readonly project: string;
  /** `owner/name` of the repository whose workflows assume the roles. */
  readonly githubRepository: string;
  readonly env: EnvironmentConfig;
  /** GitHub's OIDC provider in the environment's account. */
  readonly oidcProviderArn: string;
  /** The environment's account id (a literal, or a reference when it is the bootstrap account's). */
  readonly accountId: string;
  readonly partition: string;
  /** The provider of the environment's account, when it is not the bootstrap account. */
  readonly provider?: AwsProvider;
  readonly state: StateLocation;
}

/** The GitHub subjects that may plan: pull requests, and main (push and schedule carry its ref). */
export function planSubjects(repository: string): string[] {
  return [`repo:${repository}:pull_request`, mainBranchSubject(repository)];
}

/** A workflow run on main without a GitHub environment (push, schedule): the image workflow's subject. */
export function mainBranchSubject(repository: string): string {
  return `repo:${repository}:ref:refs/heads/main`;
}

export class DeployRoles {
  readonly boundary: IamPolicy;
  /** The boundary of the API's ECS task and execution roles (container-boundary.ts says why it is apart). */
  readonly containerBoundary: IamPolicy;
  readonly planRole: IamRole;
  readonly applyRole: IamRole;
  readonly imagePushRole: IamRole;

  constructor(scope: Construct, props: DeployRolesProps) {
    const { env, project, githubRepository: repo, provider } = props;
    const naming = new Naming(project);
    const name = env.name;
    this.boundary = new IamPolicy(scope, `workload-boundary-${name}`, {
      provider,
      name: workloadBoundaryName(env.namePrefix),
      description: `Permissions boundary of every role the ${name} stack creates`,
      policy: policyDocument(...workloadBoundaryStatements(env, props.accountId)),
    });
    this.containerBoundary = new IamPolicy(scope, `container-boundary-${name}`, {
      provider,
      name: containerBoundaryName(env.namePrefix),
      description: `Permissions boundary of the ${name} API's ECS task role and task execution role`,
      policy: policyDocument(...containerBoundaryStatements(env, props.accountId)),
    });
    this.planRole = new IamRole(scope, `plan-role-${name}`, {
      provider,
      name: naming.name('github-plan', name),
      description: `Terraform plan of ${name} from GitHub Actions in ${repo} (pull requests and main; reads only what the plan refreshes)`,
      maxSessionDuration: 3600,
      assumeRolePolicy: githubTrustPolicy(props.oidcProviderArn, planSubjects(repo)),
    });
    this.applyRole = new IamRole(scope, `apply-role-${name}`, {
      provider,
      name: naming.name('github-apply', name),
      description: `Terraform apply of ${name} from GitHub Actions in ${repo} (deployment environment ${name} only)`,
      maxSessionDuration: 3600,
      // Only a job that runs in the GitHub environment, whose protection rules (main only,
      // reviewers) decide who gets there; no ref subject, which any workflow on main could use.
      assumeRolePolicy: githubTrustPolicy(props.oidcProviderArn, [`repo:${repo}:environment:${name}`]),
    });
    new IamRolePolicy(scope, `plan-permissions-${name}`, {
      provider,
      role: this.planRole.id,
      name: 'terraform-plan',
      policy: policyDocument(...stateRoleStatements(props.state, name, 'read'), ...planStatements(env)),
    });
    new IamRolePolicy(scope, `apply-permissions-${name}`, {
      provider,
      role: this.applyRole.id,
      name: 'terraform-apply',
      policy: policyDocument(
        ...stateRoleStatements(props.state, name, 'write'),
        ...applyStatements({
          project,
          env,
          boundaryArn: workloadBoundaryArn(props.partition, props.accountId, env.namePrefix),
          containerBoundaryArn: containerBoundaryArn(props.partition, props.accountId, env.namePrefix),
          stateBucketArn: props.state.bucketArn,
          ownAccount: provider !== undefined,
        }),
      ),
    });
    this.imagePushRole = imagePushRole(scope, props);
  }
}

/** The image-push role: GitHub's main only, its own boundary, and push to the environment's repository. */
function imagePushRole(scope: Construct, props: DeployRolesProps): IamRole {
  const { env, provider, accountId } = props;
  const name = env.name;
  const boundary = new IamPolicy(scope, `image-push-boundary-${name}`, {
    provider,
    name: imagePushBoundaryName(env.namePrefix),
    description: `Permissions boundary of the ${name} image-push role: push to the ${name} API repository only`,
    policy: policyDocument(...imagePushBoundaryStatements(name, env.region, accountId, env.namePrefix)),
  });
  const role = new IamRole(scope, `image-push-role-${name}`, {
    provider,
    name: imagePushRoleName(props.project, name),
    description: `Pushes the API image to the ${name} ECR repository from the image workflow on main in ${props.githubRepository}`,
    maxSessionDuration: 3600,
    permissionsBoundary: boundary.arn,
    assumeRolePolicy: githubTrustPolicy(props.oidcProviderArn, [mainBranchSubject(props.githubRepository)]),
  });
  new IamRolePolicy(scope, `image-push-permissions-${name}`, {
    provider,
    role: role.id,
    name: 'image-push',
    policy: policyDocument(...imagePushStatements(env.region, accountId, env.namePrefix)),
  });
  return role;
}

/** The plan role: the refresh reads of its environment, the guards, and no secret value of anyone's. */
function planStatements(env: EnvironmentConfig): PolicyStatement[] {
  return [
    ...refreshStatements(env),
    ...environmentGuards(env.name),
    { Sid: 'NeverSecretValues', Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
  ];
}
