import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { ProjectConfig } from './config';
import { SecureBucket } from './constructs/secure-bucket';
import { PolicyCondition, policyDocument, PolicyStatement } from './lib/iam';
import { Naming } from './lib/naming';
import { awsProvider } from './lib/provider';

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** Services the application stacks manage; the apply role may act on these and nothing else. */
const MANAGED_SERVICES = [
  'autoscaling', 'cloudwatch', 'ec2', 'elasticloadbalancing', 'kms', 'lambda', 'logs', 'rds',
  's3', 'secretsmanager', 'sns', 'sqs', 'ssm', 'xray',
];

export interface BootstrapStackProps {
  /** The project: state settings, the repository the deploy roles trust, the environments. */
  readonly config: ProjectConfig;
  /**
   * Where the stack's own state file lives, relative to the stack's folder in cdktf.out.
   * @default `../../../terraform.<id>.tfstate`: the project folder, which survives a re-synth
   */
  readonly localStatePath?: string;
}

/**
 * Created once per AWS account, with local state (SPEC T2): the bucket that holds every other
 * stack's state, GitHub's OIDC identity provider, and two roles that GitHub Actions in this
 * repository alone can assume: `plan` (read-only) and `apply` (main branch / environments only).
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly planRole: IamRole;
  readonly applyRole: IamRole;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config } = props;
    const naming = new Naming(config.project);
    // Three levels up from cdktf.out/stacks/<id>: the project folder, which survives a re-synth.
    new LocalBackend(this, { path: props.localStatePath ?? `../../../terraform.${id}.tfstate` });
    awsProvider(this, { region: config.state.region, project: config.project, environment: 'shared' });

    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: config.state.bucket,
      noncurrentVersionExpirationDays: 90,
      preventDestroy: true,
    });

    const oidc = new IamOpenidConnectProvider(this, 'github-oidc', {
      url: GITHUB_OIDC_URL,
      clientIdList: ['sts.amazonaws.com'],
      // AWS no longer checks these for GitHub's provider, but older API paths still require a value.
      thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    });

    const repo = config.githubRepository;
    this.planRole = new IamRole(this, 'plan-role', {
      name: naming.name('github-plan'),
      description: `Terraform plan from GitHub Actions in ${repo} (read-only)`,
      maxSessionDuration: 3600,
      assumeRolePolicy: githubTrustPolicy(oidc.arn, 'StringLike', [`repo:${repo}:pull_request`, `repo:${repo}:ref:refs/heads/*`]),
    });
    new IamRolePolicyAttachment(this, 'plan-read-only', {
      role: this.planRole.name,
      policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    new IamRolePolicy(this, 'plan-state', {
      role: this.planRole.id,
      name: 'terraform-state-read-and-lock',
      policy: policyDocument(...stateAccess(this.stateBucket.bucketArn, config.state.keyPrefix, 'plan')),
    });

    this.applyRole = new IamRole(this, 'apply-role', {
      name: naming.name('github-apply'),
      description: `Terraform apply from GitHub Actions in ${repo} (main branch and deployment environments only)`,
      maxSessionDuration: 3600,
      assumeRolePolicy: githubTrustPolicy(oidc.arn, 'StringEquals', [
        `repo:${repo}:ref:refs/heads/main`,
        ...config.environments.map((env) => `repo:${repo}:environment:${env.name}`),
      ]),
    });
    new IamRolePolicy(this, 'apply-permissions', {
      role: this.applyRole.id,
      name: 'terraform-apply',
      policy: policyDocument(
        ...stateAccess(this.stateBucket.bucketArn, config.state.keyPrefix, 'apply'),
        { Sid: 'ManageApplicationServices', Effect: 'Allow', Action: MANAGED_SERVICES.map((s) => `${s}:*`), Resource: '*' },
        {
          Sid: 'ManageProjectRoles',
          Effect: 'Allow',
          Action: ['iam:*Role*', 'iam:*InstanceProfile*', 'iam:PassRole', 'iam:*Policy*', 'iam:TagRole', 'iam:UntagRole'],
          Resource: [
            `arn:aws:iam::*:role/${config.project}-*`,
            `arn:aws:iam::*:instance-profile/${config.project}-*`,
            `arn:aws:iam::*:policy/${config.project}-*`,
          ],
        },
        {
          Sid: 'ServiceLinkedRoles',
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: 'arn:aws:iam::*:role/aws-service-role/*',
        },
        { Sid: 'ReadIam', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
        // The apply role must never widen its own powers or those of the bootstrap roles.
        {
          Sid: 'ProtectDeployRoles',
          Effect: 'Deny',
          Action: ['iam:*'],
          Resource: [`arn:aws:iam::*:role/${naming.name('github-*')}`, `arn:aws:iam::*:oidc-provider/${GITHUB_OIDC_HOST}`],
        },
      ),
    });

    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucketName, description: 'Bucket of the remote state (TM_STATE_BUCKET)' });
    new TerraformOutput(this, 'state_region', { value: config.state.region, description: 'Region of the state bucket (TM_STATE_REGION)' });
    new TerraformOutput(this, 'plan_role_arn', { value: this.planRole.arn, description: 'GitHub variable AWS_PLAN_ROLE_ARN' });
    new TerraformOutput(this, 'apply_role_arn', { value: this.applyRole.arn, description: 'GitHub variable AWS_APPLY_ROLE_ARN' });
  }
}

function githubTrustPolicy(providerArn: string, subjectTest: 'StringEquals' | 'StringLike', subjects: string[]): string {
  const audience = { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com' };
  const subject = { [`${GITHUB_OIDC_HOST}:sub`]: subjects };
  const condition: PolicyCondition =
    subjectTest === 'StringEquals' ? { StringEquals: { ...audience, ...subject } } : { StringEquals: audience, StringLike: subject };
  return policyDocument({
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: condition,
  });
}

/** State access: both roles read state and take the S3 lock file; only apply writes state. */
function stateAccess(bucketArn: string, keyPrefix: string, role: 'plan' | 'apply'): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    { Sid: 'ListStateBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
    { Sid: 'ReadState', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/${keyPrefix}/*` },
    { Sid: 'StateLock', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${bucketArn}/${keyPrefix}/*.tflock` },
  ];
  if (role === 'apply') {
    statements.push({ Sid: 'WriteState', Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucketArn}/${keyPrefix}/*.tfstate` });
  }
  return statements;
}
