import { environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements, testBuilds } from './synth';

const dev = environmentStack('dev');
const prod = environmentStack('prod');
const ref = (stack: Json, type: string, part: string, attribute: string) => refTo(stack, type, resourceNamed(stack, type, part), attribute);
const setup = (stack: Json) => resourceNamed(stack, 'aws_lambda_function', 'database-accounts_function');
const policy = (stack: Json) => statements(resourceNamed(stack, 'aws_iam_role_policy', 'database-accounts_policy').policy);
const masterSecret = (stack: Json) => '${' + `${ref(stack, 'aws_db_instance', 'database', 'master_user_secret').slice(2, -1)}[0].secret_arn}`;

describe('Database accounts', () => {
  test('the database signs accounts in with IAM tokens', () => {
    expect(onlyResource(dev, 'aws_db_instance').iam_database_authentication_enabled).toBe(true);
  });

  test('a set-up function in one private subnet, behind its own group, runs the bundled set-up', () => {
    expect(setup(dev)).toMatchObject({
      function_name: 'taskmanager-dev-db-setup',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      timeout: 300,
      source_code_hash: testBuilds().databaseSetup.zipSha256Base64,
      vpc_config: { subnet_ids: [ref(dev, 'aws_subnet', 'private-0', 'id')], security_group_ids: [ref(dev, 'aws_security_group', 'db-setup', 'id')] },
    });
    expect(setup(dev).environment.variables).toEqual({
      DB_HOST: ref(dev, 'aws_db_instance', 'database', 'address'),
      DB_PORT: '3306',
      DB_NAME: 'taskmanager',
      DB_SECRET_ARN: masterSecret(dev),
    });
  });


  test('Terraform invokes it after the database exists, and again whenever its code or the accounts change', () => {
    const run = resourceNamed(dev, 'aws_lambda_invocation', 'database-accounts_run');
    expect(run.function_name).toBe(ref(dev, 'aws_lambda_function', 'database-accounts_function', 'function_name'));
    expect(run.triggers).toEqual({ code: testBuilds().databaseSetup.zipSha256Base64, accounts: expect.stringContaining('taskmanager_api') });
    expect(run.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_db_instance\.database/)]));
  });

  test('without NAT it reaches Secrets Manager through an interface endpoint in its subnet; with NAT through the NAT', () => {
    const endpoint = resourcesOf(dev, 'aws_vpc_endpoint').find((e) => e.vpc_endpoint_type === 'Interface')!;
    expect(endpoint).toMatchObject({
      service_name: 'com.amazonaws.us-east-1.secretsmanager',
      private_dns_enabled: true,
      subnet_ids: [ref(dev, 'aws_subnet', 'private-0', 'id')],
      security_group_ids: [ref(dev, 'aws_security_group', 'endpoints', 'id')],
    });
    expect(resourceNamed(dev, 'aws_lambda_invocation', 'database-accounts_run').depends_on).toContain(`aws_vpc_endpoint.${Object.entries(dev.resource.aws_vpc_endpoint).find(([, e]) => e === endpoint)![0]}`);
    expect(resourcesOf(prod, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface')).toEqual([]);
  });

  test('the API instances may sign in as the api account only, with tokens and not the master secret', () => {
    const instance = statements(resourceNamed(dev, 'aws_iam_role_policy', 'instance-policy').policy);
    const connects = instance.filter((s) => s.Action === 'rds-db:connect').map((s) => s.Resource);
    expect(connects).toEqual([expect.stringMatching(/:rds-db:.*:dbuser:\$\{aws_db_instance\.[^}]+\.resource_id\}\/taskmanager_api$/)]);
    expect(instance.filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))).toEqual([]);
  });
  test('only the set-up function reads the master secret', () => {
    const readers = resourcesOf(dev, 'aws_iam_role_policy').filter((p) => statements(p.policy).some((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue')));
    expect(readers).toEqual([resourceNamed(dev, 'aws_iam_role_policy', 'database-accounts_policy')]);
    expect(policy(dev).find((s) => s.Sid === 'ReadDatabaseSecret')!.Resource).toBe(masterSecret(dev));
  });

});
