import { addressOf, bootstrapStack, Json, onlyResource, resourcesOf } from './synth';

const stack = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate' } });
const role = (suffix: string) => resourcesOf(stack, 'aws_iam_role').find((r) => r.name === `taskmanager-github-${suffix}`)!;
const trust = (suffix: string) => JSON.parse(role(suffix).assume_role_policy).Statement[0];
const inlinePolicies = (suffix: string): Json[] =>
  resourcesOf(stack, 'aws_iam_role_policy')
    .filter((p) => p.role.includes(suffix === 'plan' ? 'plan-role' : 'apply-role'))
    .flatMap((p) => JSON.parse(p.policy).Statement);
const bucketArn = `\${${addressOf(stack, 'aws_s3_bucket', onlyResource(stack, 'aws_s3_bucket'))}.arn}`;
const SUB = 'token.actions.githubusercontent.com:sub';
const AUD = 'token.actions.githubusercontent.com:aud';

describe('Bootstrap stack', () => {
  test('keeps its own state locally, outside cdktf.out', () => {
    expect(stack.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
  });

  test('creates the state bucket with versioning, SSE and protection from destroy', () => {
    expect(onlyResource(stack, 'aws_s3_bucket')).toMatchObject({ bucket: 'acme-tfstate', lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stack, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    expect(onlyResource(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'AES256',
    });
  });

  test('blocks every kind of public access to the state bucket', () => {
    expect(onlyResource(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test('denies any request to the state bucket without TLS', () => {
    const [statement] = JSON.parse(onlyResource(stack, 'aws_s3_bucket_policy').policy).Statement;
    expect(statement).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(statement.Resource).toEqual([bucketArn, `${bucketArn}/*`]);
  });

  test('expires noncurrent state versions', () => {
    const [rule] = onlyResource(stack, 'aws_s3_bucket_lifecycle_configuration').rule;
    expect(rule).toMatchObject({ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }] });
  });

  test('trusts GitHub Actions through OIDC with the sts.amazonaws.com audience', () => {
    expect(onlyResource(stack, 'aws_iam_openid_connect_provider')).toMatchObject({
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    for (const name of ['plan', 'apply']) {
      expect(trust(name)).toMatchObject({
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: '${aws_iam_openid_connect_provider.github-oidc.arn}' },
      });
      expect(trust(name).Condition.StringEquals[AUD]).toBe('sts.amazonaws.com');
    }
  });

  test('lets the plan role be assumed only from pull requests and branches of the configured repository', () => {
    expect(trust('plan').Condition.StringLike[SUB]).toEqual(['repo:acme/tasks:pull_request', 'repo:acme/tasks:ref:refs/heads/*']);
  });

  test('lets the apply role be assumed only from main and the deployment environments of the configured repository', () => {
    expect(trust('apply').Condition.StringLike).toBeUndefined();
    expect(trust('apply').Condition.StringEquals[SUB]).toEqual([
      'repo:acme/tasks:ref:refs/heads/main',
      'repo:acme/tasks:environment:dev',
      'repo:acme/tasks:environment:prod',
    ]);
  });

  test('gives the plan role read-only access: nothing but the state lock file can be written', () => {
    const attachments = resourcesOf(stack, 'aws_iam_role_policy_attachment');
    expect(attachments.map((a) => a.policy_arn)).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const writes = inlinePolicies('plan').filter((s) => [s.Action].flat().some((a: string) => /Put|Delete|Create|Update|\*$/.test(a)));
    expect(writes).toEqual([
      { Sid: 'StateLock', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${bucketArn}/taskmanager/*.tflock` },
    ]);
  });

  test('lets only the apply role write state', () => {
    const writeState = (s: Json) => s.Effect === 'Allow' && [s.Action].flat().includes('s3:PutObject') && String(s.Resource).endsWith('.tfstate');
    expect(inlinePolicies('plan').filter(writeState)).toHaveLength(0);
    expect(inlinePolicies('apply').filter(writeState)).toHaveLength(1);
  });

  test('denies the apply role any change to the deploy roles and the OIDC provider', () => {
    const deny = inlinePolicies('apply').find((s) => s.Effect === 'Deny')!;
    expect(deny.Action).toEqual(['iam:*']);
    expect(deny.Resource).toEqual([
      'arn:aws:iam::*:role/taskmanager-github-*',
      'arn:aws:iam::*:oidc-provider/token.actions.githubusercontent.com',
    ]);
  });

  test('outputs the bucket and both role ARNs', () => {
    expect(Object.keys(stack.output).sort()).toEqual(['apply_role_arn', 'plan_role_arn', 'state_bucket', 'state_region']);
    expect(stack.output.plan_role_arn.value).toBe('${aws_iam_role.plan-role.arn}');
  });
});
