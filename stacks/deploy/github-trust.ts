import { policyDocument } from '../lib/iam';

export const GITHUB_OIDC_URL = 'https://token.actions.githubusercontent.com';
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * A trust policy for GitHub's OIDC tokens with the STS audience and a `sub` from `subjects`
 * (exact matches; `StringLike` only where a subject holds a wildcard).
 */
export function githubTrustPolicy(providerArn: string, subjects: readonly string[]): string {
  const audience = { [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com' };
  const subject = { [`${GITHUB_OIDC_HOST}:sub`]: subjects };
  const wildcard = subjects.some((s) => s.includes('*'));
  return policyDocument({
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: wildcard ? { StringEquals: audience, StringLike: subject } : { StringEquals: { ...audience, ...subject } },
  });
}
