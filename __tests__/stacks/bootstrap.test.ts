import { PLAN_READS } from '../../stacks/deploy/plan-reads';
import { PASS_ROLE_SERVICES } from '../../stacks/deploy/apply-permissions';
import { bootstrapStack, environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements } from './synth';

const stack = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate' } });
const role = (name: string) => resourcesOf(stack, 'aws_iam_role').find((r) => r.name === name)!;
const trust = (name: string) => JSON.parse(role(name).assume_role_policy).Statement[0];
const policyOf = (roleId: string): Json[] =>
  resourcesOf(stack, 'aws_iam_role_policy')
    .filter((p) => p.role === `\${aws_iam_role.${roleId}.id}`)
    .flatMap((p) => statements(p.policy));
const plan = policyOf('plan-role-dev');
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
      ['PlanReadsState', ['${aws_iam_role.plan-role-dev.arn}', '${aws_iam_role.plan-role-prod.arn}'], undefined],
      ['ApplyWritesState', ['${aws_iam_role.apply-role-dev.arn}', '${aws_iam_role.apply-role-prod.arn}'], undefined],
    ]);
    expect(keyPolicy[2].Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
  });

  test('lets the configured operators use the state key too, and nobody else', () => {
    const withOperator = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate', operatorArns: ['arn:aws:iam::123456789012:role/ops'] } });
    const operators = statements(onlyResource(withOperator, 'aws_kms_key').policy).find((s) => s.Sid === 'OperatorsUseState')!;
    expect(operators).toMatchObject({ Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::123456789012:role/ops'] }, Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'] });
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
    for (const name of ['taskmanager-github-plan-dev', 'taskmanager-github-plan-prod', 'taskmanager-github-apply-dev', 'taskmanager-github-apply-prod']) {
      expect(trust(name)).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: '${aws_iam_openid_connect_provider.github-oidc.arn}' } });
      expect(trust(name).Condition.StringEquals[AUD]).toBe('sts.amazonaws.com');
    }
  });

  test.each(['dev', 'prod'])('trusts the %s apply role to that GitHub deployment environment only: no ref, no pull request', (env) => {
    const condition = trust(`taskmanager-github-apply-${env}`).Condition;
    expect(condition.StringLike).toBeUndefined();
    expect(condition.StringEquals[SUB]).toEqual([`repo:acme/tasks:environment:${env}`]);
  });

  test.each(['dev', 'prod'])('lets the %s plan role be assumed from pull requests and main only: no other branch, no wildcard', (env) => {
    const condition = trust(`taskmanager-github-plan-${env}`).Condition;
    expect(condition.StringLike).toBeUndefined();
    expect(condition.StringEquals[SUB]).toEqual(['repo:acme/tasks:pull_request', 'repo:acme/tasks:ref:refs/heads/main']);
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
    expect(allows(plan).find((s) => s.Sid === 'ReadOwnState')).toEqual({ Sid: 'ReadOwnState', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:${element(split(":", aws_iam_openid_connect_provider.github-oidc.arn), 1)}:s3:::acme-tfstate/taskmanager/dev.tfstate' });
  });

  test("covers every resource type of dev and prod in the plan role's reads", () => {
    const types = new Set(['dev', 'prod'].flatMap((env) => Object.keys(environmentStack(env as 'dev' | 'prod').resource)));
    types.forEach((type) => expect({ type, listed: type in PLAN_READS }).toEqual({ type, listed: true }));
    const granted = new Set(allows(plan).filter((s) => s.Sid.startsWith('Refresh')).flatMap(actionsOf));
    expect([...new Set(Object.values(PLAN_READS).flatMap((reads) => reads.flatMap(([, actions]) => actions)))].filter((a) => !granted.has(a))).toEqual([]);
  });

  test('lets each apply role write only its own environment\'s state and lock', () => {
    const stateArn = 'arn:${element(split(":", aws_iam_openid_connect_provider.github-oidc.arn), 1)}:s3:::acme-tfstate';
    expect(applyDev.find((s) => s.Sid === 'WriteOwnState')!.Resource).toBe(`${stateArn}/taskmanager/dev.tfstate`);
    expect(applyDev.find((s) => s.Sid === 'TakeOwnLock')!.Resource).toBe(`${stateArn}/taskmanager/dev.tfstate.tflock`);
    expect(applyProd.find((s) => s.Sid === 'WriteOwnState')!.Resource).toBe(`${stateArn}/taskmanager/prod.tfstate`);
  });

  test('lets an apply role create or change IAM roles only inside the workload boundary, or the container boundary for the API\'s ECS roles', () => {
    const boundary = (name: string) => expect.stringMatching(new RegExp(`^arn:\\$\\{.*\\}:iam::\\$\\{.*\\}:policy/taskmanager-dev-${name}$`));
    const roleWrites = allows(applyDev).filter((s) => actionsOf(s).some((a) => ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'].includes(a)));
    expect(roleWrites.map((s) => [s.Resource, s.Condition.StringEquals['iam:PermissionsBoundary']])).toEqual([
      ['arn:aws:iam::*:role/taskmanager-dev-*', boundary('workload-boundary')],
      ['arn:aws:iam::*:role/taskmanager-dev-api-task*', boundary('container-boundary')],
    ]);
  });

  test('lets an apply role attach no managed policy to any role (every permission is inline and under the boundary)', () => {
    expect(allows(applyDev).filter((s) => actionsOf(s).some((a) => a === 'iam:AttachRolePolicy' || a === 'iam:*'))).toEqual([]);
  });

  test('lets an apply role pass its environment\'s roles only to the services our stacks use', () => {
    const pass = allows(applyDev).filter((s) => actionsOf(s).includes('iam:PassRole'));
    expect(pass).toEqual([
      { Sid: 'PassContainerRolesToTasks', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/taskmanager-dev-api-task*', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
      { Sid: 'PassRolesToOurServices', Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/taskmanager-dev-*', Condition: { StringEquals: { 'iam:PassedToService': PASS_ROLE_SERVICES } } },
    ]);
  });

  test('denies loosening the boundary, touching the deploy roles, and rewriting the state bucket', () => {
    const denied = applyDev.filter((s) => s.Effect === 'Deny').flatMap(actionsOf);
    expect(denied).toEqual(expect.arrayContaining(['iam:DeleteRolePermissionsBoundary', 'iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:*', 'ssm:SendCommand', 's3:DeleteObjectVersion', 's3:PutBucketPolicy']));
  });

  test('scopes the dev apply role to resources named or tagged for dev', () => {
    // Statements scoped by the environment's tag are checked below with the wildcard ones.
    const tagged = (s: Json) => s.Condition?.StringEquals?.['aws:ResourceTag/Environment'] === 'dev';
    const named = allows(applyDev).filter((s) => s.Resource !== '*' && !tagged(s)).flatMap((s) => [s.Resource].flat());
    // What has no name or tag to scope by: AWS's own WAF rule sets, log deliveries (create only), the refresh of CloudFront's untaggable policies,
    // a new scalable target (its id is AWS's; the request's tag and the ECS dimension scope it), ECR's AWS managed key (through ECR, by its alias).
    const unnameable = [
      'arn:aws:cloudfront::*:origin-access-control/*', 'arn:aws:cloudfront::*:response-headers-policy/*', 'arn:aws:wafv2:us-east-1:*:global/managedruleset/*/*', 'arn:aws:logs:us-east-1:*:delivery:*',
      'arn:aws:lambda:us-east-1:*:event-source-mapping:*', 'arn:aws:application-autoscaling:us-east-1:*:scalable-target/*', 'arn:aws:kms:us-east-1:*:key/*',
    ];
    expect([...new Set(named.filter((r: string) => !/taskmanager-dev|rds!|aws-service-role|TaskManager-Dashboard-dev|s3:::acme-tfstate|\$\{aws_kms_key/.test(r)))].sort()).toEqual(unnameable.sort());
    const wildcardWrites = allows(applyDev).filter((s) => s.Resource === '*' && actionsOf(s).some((a) => !/:(Describe|Get|List)/.test(a)));
    // Creating edge policies names nothing; deregistering a task definition takes no resource (docs/delivery.md).
    wildcardWrites.forEach((s) => expect({ sid: s.Sid, scoped: s.Condition !== undefined || ['CreateEdgePolicies', 'DeregisterTaskDefinitions'].includes(s.Sid) }).toEqual({ sid: s.Sid, scoped: true }));
  });

  test('lists the EC2 creations by name and tags only what they create', () => {
    const creates = allows(applyDev).find((s) => s.Sid === 'CreateTaggedNetworkAndCompute')!;
    expect(actionsOf(creates).filter((a) => a.includes('*') || a === 'ec2:CreateTags')).toEqual([]);
    const tagOnCreate = allows(applyDev).find((s) => s.Sid === 'TagOnCreate')!;
    expect(tagOnCreate.Condition.StringEquals['ec2:CreateAction']).toEqual(actionsOf(creates).map((a) => a.replace('ec2:', '')));
  });

  test.each([['plan', plan], ['apply dev', applyDev]])('gives the %s role the environment guards', (_name, policy) => {
    const sids = policy.filter((s) => s.Effect === 'Deny').map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['NothingOfOtherEnvironments', 'EnvironmentTagOnlyOwn', 'NoAdoptingNetworkResources']));
    expect(policy.find((s) => s.Sid === 'NothingOfOtherEnvironments')!.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/Environment': ['prod'] } });
  });

  test('lets an apply role of another region manage the us-east-1 alarms, topic and key alias that CloudFront\'s metrics need', () => {
    const ireland = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate' }, region: 'eu-west-1' });
    const policy = resourcesOf(ireland, 'aws_iam_role_policy').filter((p) => p.role === '${aws_iam_role.apply-role-dev.id}').flatMap((p) => statements(p.policy));
    expect(policy.find((s) => s.Sid === 'ManageTopics')!.Resource).toEqual(['arn:aws:sns:eu-west-1:*:taskmanager-dev-*', 'arn:aws:sns:us-east-1:*:taskmanager-dev-*']);
    expect(policy.find((s) => s.Sid === 'ManageAlarmsAndDashboard')!.Resource).toContain('arn:aws:cloudwatch:us-east-1:*:alarm:taskmanager-dev-*');
    expect(policy.find((s) => s.Sid === 'ManageKeyAliases')!.Resource).toContain('arn:aws:kms:us-east-1:*:alias/taskmanager-dev-*');
  });

  test('creates a workload, a container and an image-push permissions boundary per environment, without IAM, STS or KMS in their allows', () => {
    const boundaries = resourcesOf(stack, 'aws_iam_policy');
    expect(boundaries.map((b) => b.name).sort()).toEqual(['dev', 'prod'].flatMap((env) => ['container', 'image-push', 'workload'].map((kind) => `taskmanager-${env}-${kind}-boundary`)).sort());
    for (const boundary of boundaries) {
      const actions = allows(statements(boundary.policy)).flatMap(actionsOf);
      expect(actions.filter((a) => /^(iam|sts|organizations|kms):/.test(a) || a === '*')).toEqual([]);
    }
  });

  test('scopes every allow of the dev boundary to dev: names, its database, its model, its subnets', () => {
    const boundary = statements(resourceNamed(stack, 'aws_iam_policy', 'workload-boundary-dev').policy);
    const resources = allows(boundary).filter((s) => s.Resource !== '*').flatMap((s) => [s.Resource].flat());
    expect(resources.filter((r: string) => !/taskmanager-dev|rds!\*|dbuser:\*\/taskmanager_|foundation-model\/amazon\.|:subnet\/\*|:security-group\/\*|:network-interface\/\*|taskmanager-dev-logs/.test(r))).toEqual([]);
    expect(boundary.find((s) => s.Sid === 'OwnDatabaseSecret')!.Condition).toEqual({ StringLike: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': expect.stringMatching(/:db:taskmanager-dev-\*$/) } });
    expect(boundary.find((s) => s.Sid === 'FunctionInterfacesInOwnSubnets')!.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/Environment': 'dev' } });
  });

  test('pins the boundary\'s rds-db:connect to the database id once it is configured', () => {
    const pinned = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate' }, environments: { dev: { databaseResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXY0' } } });
    const connect = statements(resourceNamed(pinned, 'aws_iam_policy', 'workload-boundary-dev').policy).find((s) => s.Sid === 'OwnDatabaseAccounts')!;
    expect([connect.Resource].flat().every((r: string) => r.includes(':dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/'))).toBe(true);
  });

  test('denies bucket writes without the state key, and every deploy role another environment\'s state', () => {
    const policy = statements(resourcesOf(stack, 'aws_s3_bucket_policy').find((p) => p.bucket.includes('state_bucket'))!.policy);
    expect(policy.find((s) => s.Sid === 'OnlyTheStateKey')).toMatchObject({ Effect: 'Deny', Action: 's3:PutObject', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': ['${aws_kms_key.state-key.arn}', '${aws_kms_alias.state-key-alias.arn}'] } } });
    expect(policy.find((s) => s.Sid === 'OnlyDevDeployRolesReachDevState')).toMatchObject({ Effect: 'Deny', Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['${aws_iam_role.plan-role-dev.arn}', '${aws_iam_role.apply-role-dev.arn}'] } } });
  });

  test('creates an environment\'s OIDC provider and roles in its own account when it has one', () => {
    const split = bootstrapStack({ githubRepository: 'acme/tasks', state: { bucket: 'acme-tfstate' }, environments: { prod: { accountId: '123456789012' } } });
    const provider = split.provider.aws.find((p: Json) => p.alias === 'account-prod');
    expect(provider).toMatchObject({ allowed_account_ids: ['123456789012'], assume_role: [{ role_arn: 'arn:aws:iam::123456789012:role/OrganizationAccountAccessRole' }] });
    const inProd = (type: string) => resourcesOf(split, type).filter((r) => r.provider === 'aws.account-prod').length;
    expect([inProd('aws_iam_openid_connect_provider'), inProd('aws_iam_role'), inProd('aws_iam_role_policy'), inProd('aws_iam_policy')]).toEqual([1, 3, 3, 3]);
    const bucketPolicy = statements(resourcesOf(split, 'aws_s3_bucket_policy').find((p) => p.bucket.includes('state_bucket'))!.policy);
    expect(bucketPolicy.filter((s) => s.Effect === 'Allow').map((s) => s.Sid)).toEqual(['ProdListsOwnState', 'ProdReadsOwnState', 'ProdWritesOwnState', 'ProdTakesOwnLock']);
  });

  test.each(['dev', 'prod'] as const)('puts the workload boundary on every role of %s', (env) => {
    const roles = resourcesOf(environmentStack(env), 'aws_iam_role');
    expect(roles.length).toBeGreaterThan(0);
    roles.forEach((r) => expect({ role: r.name, boundary: r.permissions_boundary }).toEqual({ role: r.name, boundary: expect.stringMatching(new RegExp(`:policy/taskmanager-${env}-workload-boundary$`)) }));
  });

  test('outputs the bucket, the state key and one plan, one apply and one image-push role per environment', () => {
    expect(Object.keys(stack.output).sort()).toEqual(['apply_role_arn_dev', 'apply_role_arn_prod', 'image_push_role_arn_dev', 'image_push_role_arn_prod', 'plan_role_arn_dev', 'plan_role_arn_prod', 'state_bucket', 'state_key_arn', 'state_region']);
    expect(stack.output.apply_role_arn_prod.value).toBe('${aws_iam_role.apply-role-prod.arn}');
    expect(stack.output.image_push_role_arn_dev).toEqual({ value: '${aws_iam_role.image-push-role-dev.arn}', description: expect.stringContaining('AWS_IMAGE_PUSH_ROLE_ARN_DEV') });
  });

  test.each(['dev', 'prod'])('lets the %s image-push role be assumed from main only, inside its own boundary', (env) => {
    const name = `taskmanager-github-image-push-${env}`;
    expect(trust(name).Condition).toEqual({ StringEquals: { [AUD]: 'sts.amazonaws.com', [SUB]: ['repo:acme/tasks:ref:refs/heads/main'] } });
    expect(role(name).permissions_boundary).toBe(`\${aws_iam_policy.image-push-boundary-${env}.arn}`);
    expect(policyOf(`image-push-role-${env}`).map((s) => s.Sid)).toEqual(['EcrSignIn', 'PushApiImage']);
    expect(policyOf(`image-push-role-${env}`)[1].Resource).toMatch(new RegExp(`:repository/taskmanager-${env}-api$`));
  });

  test('puts the container boundary on the API\'s ECS task and execution roles, the workload boundary on every other role', () => {
    const fargate = environmentStack('prod', { environments: { prod: { compute: { kind: 'fargate', image: `sha256:${'a'.repeat(64)}` } } } });
    const boundaries = Object.fromEntries(resourcesOf(fargate, 'aws_iam_role').map((r) => [r.name, String(r.permissions_boundary).replace(/^.*:policy\//, '')]));
    expect(Object.entries(boundaries).filter(([, b]) => b !== 'taskmanager-prod-workload-boundary')).toEqual([
      ['taskmanager-prod-api-task-execution', 'taskmanager-prod-container-boundary'],
      ['taskmanager-prod-api-task', 'taskmanager-prod-container-boundary'],
    ]);
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
