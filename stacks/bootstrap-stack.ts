import { Construct } from 'constructs';
import { LocalBackend, Op, TerraformLocal, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import type { EnvironmentConfig, ProjectConfig } from './config';
import { PLACEHOLDERS } from './config/defaults';
import { SecureBucket } from './constructs/secure-bucket';
import { applyStatements } from './deploy/apply-permissions';
import { GITHUB_OIDC_URL, githubTrustPolicy } from './deploy/github-trust';
import { planReadActions } from './deploy/plan-reads';
import { workloadBoundaryName, workloadBoundaryStatements } from './deploy/workload-boundary';
import { accountIdOf, partitionOf } from './lib/arn';
import { KEY_ADMINISTRATION, policyDocument, PolicyStatement } from './lib/iam';
import { Naming } from './lib/naming';
import { awsProvider } from './lib/provider';

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
 * Created once per AWS account, with local state (SPEC T2): the state bucket (SSE-KMS with its
 * own key, access logs, versions nobody but the account root may delete), GitHub's OIDC provider,
 * the permissions boundary of every workload role, a read-only plan role and one apply role per
 * environment that only that environment's GitHub deployment jobs can assume.
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly planRole: IamRole;
  readonly applyRoles: Record<string, IamRole> = {};

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config } = props;
    const naming = new Naming(config.project);
    // Three levels up from cdktf.out/stacks/<id>: the project folder, which survives a re-synth.
    new LocalBackend(this, { path: props.localStatePath ?? `../../../terraform.${id}.tfstate` });
    awsProvider(this, { region: config.state.region, project: config.project, environment: 'shared' });
    const repo = config.githubRepository;

    const oidc = new IamOpenidConnectProvider(this, 'github-oidc', {
      url: GITHUB_OIDC_URL,
      clientIdList: ['sts.amazonaws.com'],
      // AWS no longer checks these for GitHub's provider, but older API paths still require a value.
      thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
      // Synth works offline with placeholders; a plan or apply with them stops here, naming the setting.
      lifecycle: { precondition: placeholderChecks(this, config) },
    });
    const partition = partitionOf(oidc.arn);
    const accountRoot = `arn:${partition}:iam::${accountIdOf(oidc.arn)}:root`;

    new IamPolicy(this, 'workload-boundary', {
      name: workloadBoundaryName(config.project),
      description: 'Permissions boundary of every role the application stacks create',
      policy: policyDocument(...workloadBoundaryStatements(config.project)),
    });

    this.planRole = new IamRole(this, 'plan-role', {
      name: naming.name('github-plan'),
      description: `Terraform plan from GitHub Actions in ${repo} (reads only what plan needs)`,
      maxSessionDuration: 3600,
      assumeRolePolicy: githubTrustPolicy(oidc.arn, [`repo:${repo}:pull_request`, `repo:${repo}:ref:refs/heads/*`]),
    });
    for (const env of config.environments) {
      this.applyRoles[env.name] = new IamRole(this, `apply-role-${env.name}`, {
        name: naming.name('github-apply', env.name),
        description: `Terraform apply of ${env.name} from GitHub Actions in ${repo} (deployment environment ${env.name} only)`,
        maxSessionDuration: 3600,
        // Only a job that runs in the GitHub environment, whose protection rules (main only,
        // reviewers) decide who gets there; no ref subject, which any workflow on main could use.
        assumeRolePolicy: githubTrustPolicy(oidc.arn, [`repo:${repo}:environment:${env.name}`]),
      });
    }

    const stateKey = new KmsKey(this, 'state-key', {
      description: 'Encrypts the Terraform state: only the deploy roles and the account root may use it',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument(...stateKeyPolicy({ accountRoot, planRole: this.planRole, applyRoles: Object.values(this.applyRoles), operatorArns: config.state.operatorArns })),
    });
    new KmsAlias(this, 'state-key-alias', { name: `alias/${naming.name('terraform-state')}`, targetKeyId: stateKey.keyId });

    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: config.state.bucket,
      noncurrentVersionExpirationDays: 90,
      preventDestroy: true,
      kmsKeyArn: stateKey.arn,
      policyStatements: (bucketArn) => [
        {
          Sid: 'OnlyBreakGlassDeletesVersionsOrChangesPolicy',
          Effect: 'Deny',
          Principal: '*',
          Action: ['s3:DeleteObjectVersion', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration'],
          Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': accountRoot } },
        },
      ],
    });
    const accessLogs = new SecureBucket(this, 'state-access-logs', {
      bucketPrefix: `${naming.name('state-access-logs')}-`,
      noncurrentVersionExpirationDays: 30,
      // The S3 logging service writes here; it supports SSE-S3 only.
      policyStatements: (logsArn) => [
        {
          Sid: 'S3ServerAccessLogs',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${logsArn}/state/*`,
          Condition: { ArnLike: { 'aws:SourceArn': this.stateBucket.bucketArn } },
        },
      ],
    });
    new S3BucketLoggingA(this, 'state-access-logging', { bucket: this.stateBucket.bucket.id, targetBucket: accessLogs.bucket.id, targetPrefix: 'state/' });

    const stateRead = stateReadStatements(this.stateBucket.bucketArn, config.state.keyPrefix, stateKey.arn);
    new IamRolePolicy(this, 'plan-state', {
      role: this.planRole.id,
      name: 'terraform-plan',
      policy: policyDocument(...stateRead, ...planStatements(config.project)),
    });
    for (const env of config.environments) {
      new IamRolePolicy(this, `apply-permissions-${env.name}`, {
        role: this.applyRoles[env.name].id,
        name: 'terraform-apply',
        policy: policyDocument(
          ...stateRead,
          ...stateWriteStatements(this.stateBucket.bucketArn, config.state.keyPrefix, env, stateKey.arn),
          ...applyStatements({
            project: config.project,
            env,
            boundaryArn: `arn:${partition}:iam::${accountIdOf(oidc.arn)}:policy/${workloadBoundaryName(config.project)}`,
            stateBucketArn: this.stateBucket.bucketArn,
            stateKeyArn: stateKey.arn,
          }),
        ),
      });
    }

    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucketName, description: 'Bucket of the remote state (TM_STATE_BUCKET)' });
    new TerraformOutput(this, 'state_region', { value: config.state.region, description: 'Region of the state bucket (TM_STATE_REGION)' });
    new TerraformOutput(this, 'plan_role_arn', { value: this.planRole.arn, description: 'GitHub repository variable AWS_PLAN_ROLE_ARN' });
    for (const env of config.environments) {
      new TerraformOutput(this, `apply_role_arn_${env.name}`, {
        value: this.applyRoles[env.name].arn,
        description: `GitHub variable AWS_APPLY_ROLE_ARN of the environment ${env.name}`,
      });
    }
  }
}


/**
 * The state key's policy. Administration is delegated to IAM (the account principal), because KMS
 * refuses a key policy that would lock out the IAM admin who runs bootstrap; that delegation never
 * includes using the key, so reading state takes a deploy role or the root user (break-glass).
 */
function stateKeyPolicy(who: { accountRoot: string; planRole: IamRole; applyRoles: readonly IamRole[]; operatorArns: readonly string[] }): PolicyStatement[] {
  const { accountRoot, planRole, applyRoles, operatorArns } = who;
  const writeState = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
  return [
    { Sid: 'AdministerThroughIam', Effect: 'Allow', Principal: { AWS: accountRoot }, Action: KEY_ADMINISTRATION, Resource: '*' },
    { Sid: 'BreakGlassUse', Effect: 'Allow', Principal: { AWS: accountRoot }, Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalType': 'Account' } } },
    { Sid: 'PlanReadsState', Effect: 'Allow', Principal: { AWS: [planRole.arn] }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
    { Sid: 'ApplyWritesState', Effect: 'Allow', Principal: { AWS: applyRoles.map((r) => r.arn) }, Action: writeState, Resource: '*' },
    ...(operatorArns.length > 0 ? [{ Sid: 'OperatorsUseState', Effect: 'Allow' as const, Principal: { AWS: operatorArns }, Action: writeState, Resource: '*' }] : []),
  ];
}

/** Preconditions that fail a plan or apply while a deploy setting is still its placeholder. */
function placeholderChecks(scope: Construct, config: ProjectConfig): { condition: string; errorMessage: string }[] {
  const repo = new TerraformLocal(scope, 'deploy_github_repository', config.githubRepository);
  const bucket = new TerraformLocal(scope, 'deploy_state_bucket', config.state.bucket);
  return [
    {
      condition: Token.asString(Op.neq(repo.asString, PLACEHOLDERS.githubRepository)),
      errorMessage: `githubRepository (TM_GITHUB_REPOSITORY) is still the placeholder ${PLACEHOLDERS.githubRepository}: the deploy roles would trust whoever owns that GitHub organization. Set it to owner/name of your repository.`,
    },
    {
      condition: Token.asString(Op.neq(bucket.asString, PLACEHOLDERS.stateBucket)),
      errorMessage: `state.bucket (TM_STATE_BUCKET) is still the placeholder ${PLACEHOLDERS.stateBucket}: set a globally unique bucket name of your own.`,
    },
  ];
}

/** Both kinds of deploy role read state (and decrypt it); plans run with -lock=false, so no lock writes. */
function stateReadStatements(bucketArn: string, keyPrefix: string, keyArn: string): PolicyStatement[] {
  return [
    { Sid: 'ListState', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': `${keyPrefix}/*` } } },
    { Sid: 'ReadState', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/${keyPrefix}/*.tfstate` },
    { Sid: 'DecryptState', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: keyArn },
  ];
}

/** An apply role writes its own environment's state and takes its lock, nothing else of the bucket. */
function stateWriteStatements(bucketArn: string, keyPrefix: string, env: EnvironmentConfig, keyArn: string): PolicyStatement[] {
  const stateKey = `${bucketArn}/${keyPrefix}/${env.name}.tfstate`;
  return [
    { Sid: 'WriteOwnState', Effect: 'Allow', Action: 's3:PutObject', Resource: stateKey },
    { Sid: 'TakeOwnLock', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `${stateKey}.tflock` },
    { Sid: 'EncryptState', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey*'], Resource: keyArn },
  ];
}

/** The plan role: what refreshing our resource types reads, and no secret or object of anyone's. */
function planStatements(project: string): PolicyStatement[] {
  return [
    { Sid: 'RefreshOurResourceTypes', Effect: 'Allow', Action: planReadActions(), Resource: '*' },
    { Sid: 'RefreshOurParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: `arn:aws:ssm:*:*:parameter/${project}-*` },
    // Refreshing an uploaded build is a HeadObject, authorized as GetObject: the builds and nothing else.
    { Sid: 'RefreshApiBuilds', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${project}-*-artifacts-*/api/*` },
    { Sid: 'NeverSecretValues', Effect: 'Deny', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
  ];
}
