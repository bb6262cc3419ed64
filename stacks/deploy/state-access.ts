/**
 * Who reaches which Terraform state: each environment's deploy roles read (plan) or read and write
 * (apply) their own environment's state object and lock, nothing else of the bucket; every state
 * object is encrypted with the state key, which the bucket enforces.
 */
import type { PolicyStatement } from '../lib/iam';

export interface StateLocation {
  readonly bucketArn: string;
  readonly keyPrefix: string;
  /** The state key's ARN and its alias ARN: the backend may name either. */
  readonly keyArns: readonly string[];
}

/** `<keyPrefix>/<stack>.tfstate`: where a stack's state lives in the bucket. */
export function stateObjectKey(keyPrefix: string, stackId: string): string {
  return `${keyPrefix}/${stackId}.tfstate`;
}

/** The objects one environment's state is made of: the state and its S3 lock file. */
export function stateObjectArns(state: StateLocation, environment: string): string[] {
  const object = `${state.bucketArn}/${stateObjectKey(state.keyPrefix, environment)}`;
  return [object, `${object}.tflock`];
}

/**
 * A deploy role's identity statements on the state. Plans run with -lock=false: they read the state
 * and nothing else; an apply writes its state and takes its lock.
 */
export function stateRoleStatements(state: StateLocation, environment: string, access: 'read' | 'write'): PolicyStatement[] {
  const [object, lock] = stateObjectArns(state, environment);
  const key = stateObjectKey(state.keyPrefix, environment);
  const read: PolicyStatement[] = [
    { Sid: 'ListOwnState', Effect: 'Allow', Action: 's3:ListBucket', Resource: state.bucketArn, Condition: { StringLike: { 's3:prefix': [key, `${key}.tflock`] } } },
    { Sid: 'ReadOwnState', Effect: 'Allow', Action: 's3:GetObject', Resource: object },
    { Sid: 'DecryptState', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: state.keyArns[0] },
  ];
  if (access === 'read') return read;
  return [
    ...read,
    { Sid: 'WriteOwnState', Effect: 'Allow', Action: 's3:PutObject', Resource: object },
    { Sid: 'TakeOwnLock', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: lock },
    { Sid: 'EncryptState', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: state.keyArns[0] },
  ];
}

export interface EnvironmentStateReaders {
  readonly environment: string;
  /** The plan role and the apply role of the environment. */
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  /** The roles live in another account than the bucket: the bucket policy must grant them too. */
  readonly crossAccount: boolean;
}

/**
 * The state bucket's statements besides TLS and break-glass:
 * - every object is written with the state key (Terraform's backend otherwise sends AES256, which
 *   overrides the bucket's default);
 * - a deploy role of one environment never reaches another environment's state, whatever its own
 *   policy says;
 * - roles in an environment's own account get their state (and only theirs) from here, since a
 *   cross-account request needs the bucket's consent.
 */
export function stateBucketStatements(state: StateLocation, project: string, environments: readonly EnvironmentStateReaders[]): PolicyStatement[] {
  const objects = `${state.bucketArn}/*`;
  return [
    { Sid: 'OnlyTheStateKey', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: objects, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': state.keyArns } } },
    ...environments.flatMap((e): PolicyStatement[] => {
      const own = stateObjectArns(state, e.environment);
      const deployRoles = [e.planRoleArn, e.applyRoleArn];
      const id = e.environment[0].toUpperCase() + e.environment.slice(1);
      const key = stateObjectKey(state.keyPrefix, e.environment);
      return [
        {
          Sid: `Only${id}DeployRolesReach${id}State`,
          Effect: 'Deny' as const,
          Principal: '*' as const,
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: own,
          Condition: { ArnLike: { 'aws:PrincipalArn': `arn:*:iam::*:role/${project}-github-*` }, ArnNotEquals: { 'aws:PrincipalArn': deployRoles } },
        },
        ...(e.crossAccount
          ? [
              { Sid: `${id}ListsOwnState`, Effect: 'Allow' as const, Principal: { AWS: deployRoles }, Action: 's3:ListBucket', Resource: state.bucketArn, Condition: { StringLike: { 's3:prefix': [key, `${key}.tflock`] } } },
              { Sid: `${id}ReadsOwnState`, Effect: 'Allow' as const, Principal: { AWS: deployRoles }, Action: 's3:GetObject', Resource: own[0] },
              { Sid: `${id}WritesOwnState`, Effect: 'Allow' as const, Principal: { AWS: [e.applyRoleArn] }, Action: 's3:PutObject', Resource: own[0] },
              { Sid: `${id}TakesOwnLock`, Effect: 'Allow' as const, Principal: { AWS: [e.applyRoleArn] }, Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: own[1] },
            ]
          : []),
      ];
    }),
  ];
}
