import { environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements, testBuilds } from './synth';

const dev = environmentStack('dev');
const ref = (stack: Json, type: string, part: string, attribute: string) => refTo(stack, type, resourceNamed(stack, type, part), attribute);
const migrate = resourceNamed(dev, 'aws_lambda_function', 'database-migrations_function');
const policy = statements(resourceNamed(dev, 'aws_iam_role_policy', 'database-migrations_policy').policy);
const run = resourceNamed(dev, 'aws_lambda_invocation', 'database-migrations_run');
const runAddress = `aws_lambda_invocation.${Object.entries(dev.resource.aws_lambda_invocation).find(([, r]) => r === run)![0]}`;

describe('Database migrations', () => {
  test('a function in the private subnets, behind its own group, runs the bundled migrations as the migrator account', () => {
    expect(migrate).toMatchObject({
      function_name: 'taskmanager-dev-db-migrate',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      timeout: 900,
      source_code_hash: testBuilds().databaseMigrations.zipSha256Base64,
      vpc_config: {
        subnet_ids: [ref(dev, 'aws_subnet', 'private-0', 'id'), ref(dev, 'aws_subnet', 'private-1', 'id')],
        security_group_ids: [ref(dev, 'aws_security_group', 'db-migrate', 'id')],
      },
    });
    expect(migrate.environment.variables).toEqual({
      DB_HOST: ref(dev, 'aws_db_instance', 'database', 'address'),
      DB_PORT: '3306',
      DB_NAME: 'taskmanager',
      DB_USER: 'taskmanager_migrator',
    });
  });

  test('its role signs in as the migrator with a token and may do nothing else but write its logs', () => {
    expect(policy.map((s) => s.Sid)).toEqual(['WriteOwnLogs', 'NetworkInterfaces', 'ConnectAsMigrator']);
    expect(policy.find((s) => s.Sid === 'ConnectAsMigrator')).toEqual({
      Sid: 'ConnectAsMigrator',
      Effect: 'Allow',
      Action: 'rds-db:connect',
      Resource: expect.stringMatching(/:rds-db:.*:dbuser:\$\{aws_db_instance\.[^}]+\.resource_id\}\/taskmanager_migrator$/),
    });
    expect(policy.find((s) => s.Sid === 'WriteOwnLogs')!.Resource).toBe(`${ref(dev, 'aws_cloudwatch_log_group', 'database-migrations_logs', 'arn')}:*`);
  });

  test('nothing else may sign in as the migrator: not the instances, not the set-up function', () => {
    const connectsAsMigrator = resourcesOf(dev, 'aws_iam_role_policy').filter((p) =>
      statements(p.policy).some((s) => [s.Action].flat().some((a: string) => a.startsWith('rds-db:')) && [s.Resource].flat().some((r: string) => /taskmanager_migrator$|\*$/.test(r))),
    );
    expect(connectsAsMigrator).toEqual([resourceNamed(dev, 'aws_iam_role_policy', 'database-migrations_policy')]);
  });

  test('Terraform invokes it after the accounts exist, and again for new code (a new migration) or a replaced database', () => {
    expect(run).toMatchObject({
      function_name: ref(dev, 'aws_lambda_function', 'database-migrations_function', 'function_name'),
      input: '{}',
      triggers: { code: testBuilds().databaseMigrations.zipSha256Base64, database: ref(dev, 'aws_db_instance', 'database', 'resource_id') },
    });
    expect(run.depends_on).toEqual([expect.stringMatching(/^aws_lambda_invocation\.database-accounts_run/)]);
  });

  test('no instance starts, and no launch template version exists, before the migrations of its build have run', () => {
    expect(onlyResource(dev, 'aws_autoscaling_group').depends_on).toEqual([runAddress]);
    expect(onlyResource(dev, 'aws_launch_template').depends_on).toEqual([runAddress]);
  });
});
