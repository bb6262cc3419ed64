import { PLAN_READS, planReadActions } from '../../stacks/deploy/plan-reads';
import { PASS_ROLE_SERVICES } from '../../stacks/deploy/apply-permissions';
import { bootstrapStack, environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements } from './synth';

const stack = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate' } });
const role = (name: string) => resourcesOf(stack, 'aws_iam_role').find((r) => r.name === name)!;
const trust = (name: string) => JSON.parse(role(name).assume_role_policy).Statement[0];
const policyOf = (roleId: string): Json[] =>
  resourcesOf(stack, 'aws_iam_role_policy')
    .filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`)
    .flatMap((p) => statements(p.policy));
const plan = policyOf('plan-role');
const applyDev = policyOf('apply-role-dev');
const applyProd = policyOf('apply-role-prod');
const stateBucket = resourceNamed(stack, 'aws_s3_bucket', 'state_bucket');
const bucketArn = refTo(stack, 'aws_s3_bucket', stateBucket, 'arn');
const SUB = 'token.actions.githubusercontent.com:sub';
const AUD = 'token.actions.githubusercontent.com:aud';
const actionsOf = (s: Json): string[] => [s.Action].flat();
const allows = (policy: Json[]) => policy.filter((s) => s.Effect === 'Allow');

describe('Bootstrap stack: state', () => {
  test('keeps its own state locally, outside cdktf.out', () => {
    expect(stack.terraform.backend).toEqual({ local: { path: '../../../terraform.bootstrap.tfstate' } });
  });

  test('encrypts the state bucket with its own KMS key, versioned and protected from destroy', () => {
    expect(stateBucket).toMatchObject({ bucket: 'acme-tfstate', lifecycle: { prevent_destroy: true } });
    const encryption = resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration').find((e) => e.bucket.includes('state_bucket'))!;
    expect(encryption.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'aws:kms',
      kms_master_key_id: refTo(stack, 'aws_kms_key', onlyResource(stack, 'aws_kms_key'), 'arn'),
    });
    expect(onlyResource(stack, 'aws_kms_key').enable_key_rotation).toBe(true);
  });

  test('lets only the deploy roles and the root user use the state key', () => {
    const keyPolicy = statements(onlyResource(stack, 'aws_kms_key').policy);
    expect(keyPolicy.map((s) => s.Sid)).toEqual(['AdministerThroughIam', 'BreakGlassUse', 'PlanReadsState', 'ApplyWritesState']);
    const usesKey = (s: Json) => actionsOf(s).some((a) => a === 'kms:*' || /^kms:(Decrypt|Encrypt|ReEncrypt|GenerateDataKey)/.test(a));
    expect(keyPolicy.filter(usesKey).map((s) => [s.Sid, s.Principal.AWS, s.Condition])).toEqual([
      ['BreakGlassUse', expect.stringMatching(/:root$/), { StringEquals: { 'aws:PrincipalType': 'Account' } }],
      ['PlanReadsState', ['${aws_iam_role.plan-role.arn}'], undefined],
      ['ApplyWritesState', ['${aws_iam_role.apply-role-dev.arn}', '${aws_iam_role.apply-role-prod.arn}'], undefined],
    ]);
    expect(keyPolicy[2].Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
  });

  test('lets the configured operators use the state key too, and nobody else', () => {
    const withOperator = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate', operatorArns: ['arn:aws:iam::123456789012:role/ops'] } });
    const operators = statements(onlyResource(withOperator, 'aws_kms_key').policy).find((s) => s.Sid === 'OperatorsUseState')!;
    expect(operators).toMatchObject({ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:role/ops'] }, Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'] });
  });

  test('delegates administering the state key to IAM (KMS refuses a policy that locks out its creator), never its use', () => {
    const administer = statements(onlyResource(stack, 'aws_kms_key').policy)[0];
    expect(administer.Principal.AWS).toMatch(/:root$/);
    expect(administer.Condition).toBeUndefined();
    expect(actionsOf(administer)).toEqual(expect.arrayContaining(['kms:Put*', 'kms:ScheduleKeyDeletion']));
    expect(actionsOf(administer).filter((a) => /^kms:(\*|Decrypt|Encrypt|ReEncrypt|GenerateDataKey)/.test(a))).toEqual([]);
  });

  test('denies deleting state versions or changing the bucket policy to everyone but the root user', () => {
    const policy = statements(resourcesOf(stack, 'aws_s3_bucket_policy').find((p) => p.bucket.includes('state_bucket'))!.policy);
    const guard = policy.find((s) => s.Sid === 'OnlyBreakGlassDeletesVersionsOrChangesPolicy')!;
    expect(guard).toMatchObject({ Effect: 'Deny', Principal: '*', Resource: [bucketArn, `${bucketArn}/*`] });
    expect(guard.Action).toEqual(expect.arrayContaining(['s3:DeleteObjectVersion', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy']));
    expect(guard.Condition.ArnNotEquals['aws:PrincipalArn']).toMatch(/^arn:\$\{.*\}:iam::\$\{.*\}:root$/);
    expect(policy.find((s) => s.Sid === 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test('applies the state bucket policy last, so its guard never denies setting up versioning or lifecycle', () => {
    const policy = resourcesOf(stack, 'aws_s3_bucket_policy').find((p) => p.bucket.includes('state_bucket'))!;
    expect(policy.depends_on).toEqual(expect.arrayContaining([
      expect.stringMatching(/^aws_s3_bucket_versioning\.state_versioning/),
      expect.stringMatching(/^aws_s3_bucket_lifecycle_configuration\.state_lifecycle/),
      expect.stringMatching(/^aws_s3_bucket_public_access_block\.state_public-access-block/),
    ]));
  });

  test('writes server access logs of the state bucket to a log bucket of its own', () => {
    const logging = onlyResource(stack, 'aws_s3_bucket_logging');
    expect(logging.bucket).toBe(refTo(stack, 'aws_s3_bucket', stateBucket, 'id'));
    expect(logging.target_bucket).toBe(refTo(stack, 'aws_s3_bucket', resourceNamed(stack, 'aws_s3_bucket', 'state-access-logs'), 'id'));
  });
});

describe('Bootstrap stack: who can deploy', () => {
  test('trusts GitHub Actions through OIDC with the sts.amazonaws.com audience', () => {
    expect(onlyResource(stack, 'aws_iam_openid_connect_provider')).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    for (const name of ['taskmanager-github-plan', 'taskmanager-github-apply-dev', 'taskmanager-github-apply-prod']) {
      expect(trust(name)).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: '${aws_iam_openid_connect_provider.github-oidc.arn}' } });
      expect(trust(name).Condition.StringEquals[AUD]).toBe('sts.amazonaws.com');
    }
  });

  test.each(['dev', 'prod'])('trusts the %s apply role to that GitHub deployment environment only: no ref, no pull request', (env) => {
    const condition = trust(`taskmanager-github-apply-${env}`).Condition;
    expect(condition.StringLike).toBeUndefined();
    expect(condition.StringEquals[SUB]).toEqual([`repo:acme/tasks:environment:${env}`]);
  });

  test('lets the plan role be assumed from pull requests and branches of the configured repository', () => {
    expect(trust('taskmanager-github-plan').Condition.StringLike[SUB]).toEqual(['repo:acme/tasks:pull_request', 'repo:acme/tasks:ref:refs/heads/*']);
  });

  test('attaches no managed policy to any deploy role (no ReadOnlyAccess, no admin)', () => {
    expect(resourcesOf(stack, 'aws_iam_role_policy_attachment')).toEqual([]);
  });

  test.each([
    ['plan', plan],
    ['apply dev', applyDev],
    ['apply prod', applyProd],
  ])('gives the %s role no "*" action, no ssm:SendCommand and no secret values', (_name, policy) => {
    const allowed = allows(policy).flatMap(actionsOf);
    expect(allowed).not.toContain('*');
    expect(allowed.filter((a) => /^(ssm:SendCommand|ssm:StartSession|secretsmanager:GetSecretValue|secretsmanager:\*|ssm:\*|s3:DeleteObjectVersion)$/.test(a))).toEqual([]);
    expect(policy.find((s) => s.Effect === 'Deny' && actionsOf(s).includes('secretsmanager:GetSecretValue'))).toBeDefined();
  });

  test('lets the plan role write nothing: reads only, state read-only (plans run with -lock=false)', () => {
    const writes = allows(plan).flatMap(actionsOf).filter((a) => /:(Put|Delete|Create|Update|Attach|Pass|Tag)/.test(a) || a.endsWith(':*'));
    expect(writes).toEqual([]);
    expect(allows(plan).find((s) => s.Sid === 'ReadState')).toEqual({ Sid: 'ReadState', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/taskmanager/*.tfstate` });
  });

  test("covers every resource type of dev and prod in the plan role's reads", () => {
    const types = new Set(['dev', 'prod'].flatMap((env) => Object.keys(environmentStack(env as 'dev' | 'prod').resource)));
    types.forEach((type) => expect({ type, listed: type in PLAN_READS }).toEqual({ type, listed: true }));
    const granted = allows(plan).find((s) => s.Sid === 'RefreshOurResourceTypes')!.Action;
    expect(granted).toEqual(planReadActions());
  });

  test('lets each apply role write only its own environment\'s state and lock', () => {
    expect(applyDev.find((s) => s.Sid === 'WriteOwnState')!.Resource).toBe(`${bucketArn}/taskmanager/dev.tfstate`);
    expect(applyDev.find((s) => s.Sid === 'TakeOwnLock')!.Resource).toBe(`${bucketArn}/taskmanager/dev.tfstate.tflock`);
    expect(applyProd.find((s) => s.Sid === 'WriteOwnState')!.Resource).toBe(`${bucketArn}/taskmanager/prod.tfstate`);
  });

  test('lets an apply role create or change IAM roles only inside the workload permissions boundary', () => {
    const boundary = /^arn:\$\{.*\}:iam::\$\{.*\}:policy\/taskmanager-workload-boundary$/;
    const roleWrites = allows(applyDev).filter((s) => actionsOf(s).some((a) => ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'].includes(a)));
    expect(roleWrites.length).toBeGreaterThan(0);
    roleWrites.forEach((s) => expect(s.Condition.StringEquals['iam:PermissionsBoundary']).toMatch(boundary));
    expect(roleWrites.every((s) => [s.Resource].flat().every((r: string) => r === 'arn:aws:iam::*:role/taskmanager-dev-*'))).toBe(true);
  });

  test('lets an apply role attach no managed policy to any role (every permission is inline and under the boundary)', () => {
    expect(allows(applyDev).filter((s) => actionsOf(s).some((a) => a === 'iam:AttachRolePolicy' || a === 'iam:*'))).toEqual([]);
  });

  test('lets an apply role pass its environment\'s roles only to the services our stacks use', () => {
    const pass = allows(applyDev).filter((s) => actionsOf(s).includes('iam:PassRole'));
    expect(pass).toEqual([
      { Sid: 'PassRolesToOurServices', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/taskmanager-dev-*', Condition: { StringEquals: { 'iam:PassedToService': PASS_ROLE_SERVICES } } },
    ]);
  });

  test('denies loosening the boundary, touching the deploy roles, and rewriting the state bucket', () => {
    const denied = applyDev.filter((s) => s.Effect === 'Deny').flatMap(actionsOf);
    expect(denied).toEqual(expect.arrayContaining(['iam:DeleteRolePermissionsBoundary', 'iam:CreatePolicyVersion', 'iam:*', 'ssm:SendCommand', 's3:DeleteObjectVersion', 's3:PutBucketPolicy']));
  });

  test('scopes the dev apply role to resources named or tagged for dev', () => {
    // Statements scoped by the environment's tag are checked below with the wildcard ones.
    const tagged = (s: Json) => s.Condition?.StringEquals?.['aws:ResourceTag/Environment'] === 'dev';
    const named = allows(applyDev).filter((s) => s.Resource !== '*' && !tagged(s)).flatMap((s) => [s.Resource].flat());
    // What has no name or tag to scope by: CloudFront's untaggable policies, AWS's own WAF rule sets, delivery ids.
    const unnameable = ['arn:aws:cloudfront::*:origin-access-control/*', 'arn:aws:cloudfront::*:response-headers-policy/*', 'arn:aws:wafv2:us-east-1:*:global/managedruleset/*/*', 'arn:aws:logs:us-east-1:*:delivery:*'];
    expect(named.filter((r: string) => !/taskmanager-dev|rds!|aws-service-role|TaskManager-Dashboard-dev|\$\{aws_s3_bucket|\$\{aws_kms_key/.test(r))).toEqual(unnameable);
    const wildcardWrites = allows(applyDev).filter((s) => s.Resource === '*' && actionsOf(s).some((a) => !/:(Describe|Get|List)/.test(a)));
    wildcardWrites.forEach((s) => expect({ sid: s.Sid, scoped: s.Condition !== undefined }).toEqual({ sid: s.Sid, scoped: true }));
  });

  test('lets an apply role of another region manage the us-east-1 alarms, topic and key alias that CloudFront\'s metrics need', () => {
    const ireland = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate' }, region: 'eu-west-1' });
    const policy = resourcesOf(ireland, 'aws_iam_role_policy').filter((p) => p.role === '${aws_iam_role.apply-role-dev.id}').flatMap((p) => statements(p.policy));
    expect(policy.find((s) => s.Sid === 'ManageTopics')!.Resource).toEqual(['arn:aws:sns:eu-west-1:*:taskmanager-dev-*', 'arn:aws:sns:us-east-1:*:taskmanager-dev-*']);
    expect(policy.find((s) => s.Sid === 'ManageAlarmsAndDashboard')!.Resource).toContain('arn:aws:cloudwatch:us-east-1:*:alarm:taskmanager-dev-*');
    expect(policy.find((s) => s.Sid === 'ManageKeyAliases')!.Resource).toContain('arn:aws:kms:us-east-1:*:alias/taskmanager-dev-*');
  });

  test('creates the workload permissions boundary, without IAM or STS in it', () => {
    const boundary = onlyResource(stack, 'aws_iam_policy');
    expect(boundary.name).toBe('taskmanager-workload-boundary');
    const actions = statements(boundary.policy).flatMap(actionsOf);
    expect(actions.filter((a) => /^(iam|sts|organizations|kms):/.test(a) || a === '*')).toEqual([]);
  });

  test.each(['dev', 'prod'] as const)('puts the workload boundary on every role of %s', (env) => {
    const roles = resourcesOf(environmentStack(env), 'aws_iam_role');
    expect(roles.length).toBeGreaterThan(0);
    roles.forEach((r) => expect({ role: r.name, boundary: r.permissions_boundary }).toEqual({ role: r.name, boundary: expect.stringMatching(/:policy\/taskmanager-workload-boundary$/) }));
  });

  test('outputs the bucket, the plan role and one apply role per environment', () => {
    expect(Object.keys(stack.output).sort()).toEqual(['apply_role_arn_dev', 'apply_role_arn_prod', 'plan_role_arn', 'state_bucket', 'state_region']);
    expect(stack.output.apply_role_arn_prod.value).toBe('${aws_iam_role.apply-role-prod.arn}');
  });
});

describe('Bootstrap stack: placeholders', () => {
  test('refuses a plan or apply with the placeholder repository or state bucket, naming the setting', () => {
    const checks = onlyResource(bootstrapStack(), 'aws_iam_openid_connect_provider').lifecycle.precondition;
    expect(checks.map((c: Json) => c.error_message)).toEqual([
      expect.stringMatching(/^githubRepository \(TM_GITHUB_REPOSITORY\) is still the placeholder example-org\/taskmanager/),
      expect.stringMatching(/^state\.bucket \(TM_STATE_BUCKET\) is still the placeholder/),
    ]);
  });
});
