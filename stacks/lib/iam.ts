/** IAM policy documents as plain data, rendered with JSON.stringify so tests can read them back. */

export type PolicyCondition = Record<string, Record<string, string | readonly string[]>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  /** Every action but these (a Deny that leaves a few through). */
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Principal?: Record<string, string | readonly string[]> | '*';
  readonly Condition?: PolicyCondition;
}

export function policyDocument(...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Trust policy letting one AWS service assume a role. */
export function serviceTrustPolicy(service: string): string {
  return policyDocument({ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' });
}

/** Denies any request to the bucket that does not use TLS. */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * What the SSM agent needs for Session Manager shells (the instance's registration and the session
 * channels), instead of AmazonSSMManagedInstanceCore, which also reads every parameter of the account.
 */
export const SESSION_MANAGER_AGENT_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

/** Actions that manage a key without using it for data: no Decrypt, Encrypt, GenerateDataKey or ReEncrypt. */
export const KEY_ADMINISTRATION = [
  'kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Enable*', 'kms:Disable*', 'kms:Revoke*',
  'kms:Create*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion',
];
