import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryPolicy } from '@cdktf/provider-aws/lib/ecr-repository-policy';
import { policyDocument, type PolicyStatement } from '../lib/iam';
import { Naming } from '../lib/naming';
import type { GrantableRole } from '../lib/role';

/** What pulling an image takes, on the repository. */
export const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
/** What pushing an image takes, on the repository (`docker push` checks layers, uploads them, puts the manifest). */
export const ECR_PUSH_ACTIONS = [
  'ecr:BatchCheckLayerAvailability', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer',
];

export interface ContainerRegistryProps {
  /** Resource names: the repository is `<namePrefix>-api`. */
  readonly naming: Naming;
  /**
   * Images kept; pushing more expires the oldest. Keep more than the number of pushes between
   * two deploys, or the running image expires.
   * @default 10
   */
  readonly keepImages?: number;
  /**
   * ARN of the one role that may push (the environment's image-push role, made by bootstrap and
   * assumed by the image workflow on main).
   */
  readonly pushRoleArn: string;
  /**
   * Delete the repository with its images when the stack is destroyed (disposable environments).
   * @default false
   */
  readonly forceDelete?: boolean;
}

/**
 * One ECR repository per environment for the API's image (so that dev's pushes can never reach
 * prod's tasks): immutable tags, a scan on every push, KMS encryption, a lifecycle rule that keeps
 * the last N images, and a repository policy that lets only the roles granted here pull and only
 * the environment's push role push.
 */
export class ContainerRegistry extends Construct {
  readonly repository: EcrRepository;
  private readonly pullers: string[] = [];

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 10;
    this.repository = new EcrRepository(this, 'repository', {
      name: props.naming.name('api'),
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      // ECR's AWS managed key: encrypted with KMS at no key charge.
      encryptionConfiguration: [{ encryptionType: 'KMS' }],
      forceDelete: props.forceDelete ?? false,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [{ rulePriority: 1, description: `Keep the last ${keep} images`, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keep }, action: { type: 'expire' } }],
      }),
    });
    new EcrRepositoryPolicy(this, 'policy', {
      repository: this.repository.name,
      policy: Lazy.stringValue({ produce: () => policyDocument(...this.repositoryStatements(props.pushRoleArn)) }),
    });
  }

  /** The image reference of a digest in this repository: `<account>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:...`. */
  imageByDigest(digest: string): string {
    return `${this.repository.repositoryUrl}@${digest}`;
  }

  /** Lets `role` (an ECS task execution role) pull this repository's images, and nobody else besides the pusher. */
  grantPull(role: GrantableRole): void {
    this.pullers.push(role.role.arn);
    role.addToPolicy(
      // GetAuthorizationToken has no resource-level form: the token alone reads nothing.
      { Sid: 'EcrSignIn', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      { Sid: 'PullApiImage', Effect: 'Allow', Action: ECR_PULL_ACTIONS, Resource: this.repository.arn },
    );
  }

  private repositoryStatements(pushRoleArn: string): PolicyStatement[] {
    const pushOnly = ECR_PUSH_ACTIONS.filter((a) => !ECR_PULL_ACTIONS.includes(a));
    const statements: PolicyStatement[] = [
      { Sid: 'PushRolePushes', Effect: 'Allow', Principal: { AWS: pushRoleArn }, Action: ECR_PUSH_ACTIONS },
      { Sid: 'NobodyElsePushes', Effect: 'Deny', Principal: '*', Action: pushOnly, Condition: { ArnNotEquals: { 'aws:PrincipalArn': pushRoleArn } } },
    ];
    if (this.pullers.length > 0) statements.push({ Sid: 'TasksPull', Effect: 'Allow', Principal: { AWS: this.pullers }, Action: ECR_PULL_ACTIONS });
    // The pusher reads layers it already pushed; everyone else is refused however their own policies read (with no tasks, nobody else at all).
    statements.push({ Sid: 'NobodyElsePulls', Effect: 'Deny', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Condition: { ArnNotEquals: { 'aws:PrincipalArn': [...this.pullers, pushRoleArn] } } });
    return statements;
  }
}
