import { Construct } from 'constructs';
import { Lazy, LocalBackend, Op, TerraformLocal, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import type { EnvironmentConfig, ProjectConfig } from './config';
import { PLACEHOLDERS } from './config/defaults';
import { SecureBucket } from './constructs/secure-bucket';
import { DeployRoles } from './deploy/deploy-roles';
import { GITHUB_OIDC_URL } from './deploy/github-trust';
import { stateBucketStatements, type StateLocation } from './deploy/state-access';
import { accountIdOf, partitionOf } from './lib/arn';
import { KEY_ADMINISTRATION, policyDocument, PolicyStatement } from './lib/iam';
import { defaultTags, Naming } from './lib/naming';
import { awsProvider } from './lib/provider';

/**
 * The role bootstrap assumes in an environment's own account to create its OIDC provider and
 * deploy roles: the one AWS Organizations creates in every account it creates.
 */
export const ACCOUNT_ACCESS_ROLE = 'OrganizationAccountAccessRole';

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
 * Created once, with local state (SPEC T2), in the account that holds the state: the state bucket
 * (SSE-KMS with its own key, access logs, versions nobody but the account root may delete); and
 * per environment, in that environment's account (the bootstrap account unless
 * `environments.<env>.accountId` names another): GitHub's OIDC provider, the environment's workload
 * and container permissions boundaries, its plan role, its apply role and its image-push role.
 */
export class BootstrapStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly deployRoles: Record<string, DeployRoles> = {};

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config } = props;
    const naming = new Naming(config.project);
    // Three levels up from cdktf.out/stacks/<id>: the project folder, which survives a re-synth.
    new LocalBackend(this, { path: props.localStatePath ?? `../../../terraform.${id}.tfstate` });
    awsProvider(this, { region: config.state.region, project: config.project, environment: 'shared' });

    const oidc = githubOidcProvider(this, 'github-oidc', { lifecycle: { precondition: placeholderChecks(this, config) } });
    const partition = partitionOf(oidc.arn);
    const bootstrapAccount = accountIdOf(oidc.arn);
    const accountRoot = `arn:${partition}:iam::${bootstrapAccount}:root`;

    const stateKey = new KmsKey(this, 'state-key', {
      description: 'Encrypts the Terraform state: only the deploy roles and the account root may use it',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Rendered at synth, once the deploy roles below exist.
      policy: Lazy.stringValue({ produce: () => policyDocument(...stateKeyPolicy({ accountRoot, planRoles: this.roles('planRole'), applyRoles: this.roles('applyRole'), operatorArns: config.state.operatorArns })) }),
    });
    const stateKeyAlias = new KmsAlias(this, 'state-key-alias', { name: `alias/${naming.name('terraform-state')}`, targetKeyId: stateKey.keyId });
    const stateBucketName = config.state.bucket;
    const state: StateLocation = { bucketArn: `arn:${partition}:s3:::${stateBucketName}`, keyPrefix: config.state.keyPrefix, keyArns: [stateKey.arn, stateKeyAlias.arn] };

    for (const env of config.environments) {
      const account = env.accountId ? environmentAccount(this, config, env) : undefined;
      this.deployRoles[env.name] = new DeployRoles(this, {
        project: config.project,
        githubRepository: config.githubRepository,
        env,
        oidcProviderArn: account ? account.oidc.arn : oidc.arn,
        accountId: env.accountId || bootstrapAccount,
        partition,
        provider: account?.provider,
        state,
      });
    }

    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: stateBucketName,
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
        ...stateBucketStatements({ ...state, bucketArn }, config.project, config.environments.map((env) => ({
          environment: env.name,
          planRoleArn: this.deployRoles[env.name].planRole.arn,
          applyRoleArn: this.deployRoles[env.name].applyRole.arn,
          crossAccount: env.accountId !== '',
        }))),
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

    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucketName, description: 'Bucket of the remote state (TM_STATE_BUCKET)' });
    new TerraformOutput(this, 'state_region', { value: config.state.region, description: 'Region of the state bucket (TM_STATE_REGION)' });
    new TerraformOutput(this, 'state_key_arn', { value: stateKey.arn, description: 'The state key: state.kmsKeyArn of the config (TM_STATE_KMS_KEY_ARN)' });
    for (const env of config.environments) {
      new TerraformOutput(this, `plan_role_arn_${env.name}`, {
        value: this.deployRoles[env.name].planRole.arn,
        description: `GitHub repository variable AWS_PLAN_ROLE_ARN_${env.name.toUpperCase()}`,
      });
      new TerraformOutput(this, `apply_role_arn_${env.name}`, {
        value: this.deployRoles[env.name].applyRole.arn,
        description: `GitHub variable AWS_APPLY_ROLE_ARN of the environment ${env.name}`,
      });
      new TerraformOutput(this, `image_push_role_arn_${env.name}`, {
        value: this.deployRoles[env.name].imagePushRole.arn,
        description: `GitHub repository variable AWS_IMAGE_PUSH_ROLE_ARN_${env.name.toUpperCase()} (the image workflow on main pushes the API image to ${env.name}'s repository with it)`,
      });
    }
  }

  private roles(kind: 'planRole' | 'applyRole'): string[] {
    return Object.values(this.deployRoles).map((roles) => roles[kind].arn);
  }
}

/** GitHub's OIDC provider in one account. */
function githubOidcProvider(scope: Construct, id: string, extra: { provider?: AwsProvider; lifecycle?: { precondition: { condition: string; errorMessage: string }[] } }): IamOpenidConnectProvider {
  return new IamOpenidConnectProvider(scope, id, {
    url: GITHUB_OIDC_URL,
    clientIdList: ['sts.amazonaws.com'],
    // AWS no longer checks these for GitHub's provider, but older API paths still require a value.
    thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1', '1c58a3a8518e8759bf075b76b750d4f2df264fcd'],
    // Synth works offline with placeholders; a plan or apply with them stops here, naming the setting.
    ...extra,
  });
}

/** An environment's own account: a provider that assumes the organization's access role there, and GitHub's OIDC provider in it. */
function environmentAccount(scope: Construct, config: ProjectConfig, env: EnvironmentConfig): { provider: AwsProvider; oidc: IamOpenidConnectProvider } {
  const provider = new AwsProvider(scope, `aws-${env.name}`, {
    alias: `account-${env.name}`,
    region: config.state.region,
    allowedAccountIds: [env.accountId],
    assumeRole: [{ roleArn: `arn:aws:iam::${env.accountId}:role/${ACCOUNT_ACCESS_ROLE}`, sessionName: `${config.project}-bootstrap` }],
    defaultTags: [{ tags: defaultTags(config.project, 'shared') }],
  });
  return { provider, oidc: githubOidcProvider(scope, `github-oidc-${env.name}`, { provider }) };
}

/**
 * The state key's policy. Administration is delegated to IAM (the account principal), because KMS
 * refuses a key policy that would lock out the IAM admin who runs bootstrap; that delegation never
 * includes using the key, so reading state takes a deploy role or the root user (break-glass).
 * Deploy roles of other accounts are named here, which a cross-account use of the key needs.
 */
function stateKeyPolicy(who: { accountRoot: string; planRoles: string[]; applyRoles: string[]; operatorArns: readonly string[] }): PolicyStatement[] {
  const { accountRoot, operatorArns } = who;
  const writeState = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];
  return [
    { Sid: 'AdministerThroughIam', Effect: 'Allow', Principal: { AWS: accountRoot }, Action: KEY_ADMINISTRATION, Resource: '*' },
    { Sid: 'BreakGlassUse', Effect: 'Allow', Principal: { AWS: accountRoot }, Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalType': 'Account' } } },
    { Sid: 'PlanReadsState', Effect: 'Allow', Principal: { AWS: who.planRoles }, Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: '*' },
    { Sid: 'ApplyWritesState', Effect: 'Allow', Principal: { AWS: who.applyRoles }, Action: writeState, Resource: '*' },
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
