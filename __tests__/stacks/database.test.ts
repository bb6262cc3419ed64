import { Database } from '../../stacks/constructs/database';
import { GrantableRole } from '../../stacks/lib/role';
import { Naming } from '../../stacks/lib/naming';
import { environmentConfig, environmentStack, Json, onlyResource, refTo, resourceNamed, statements, synthConstruct } from './synth';

/** The Database construct on its own, with one environment's settings. */
function databaseOf(name: 'dev' | 'prod', file: Json = {}): Json {
  const env = environmentConfig(name, file);
  return synthConstruct((scope) => {
    new Database(scope, 'database', { naming: Naming.of(env), config: env.database, subnetIds: ['subnet-a', 'subnet-b'], securityGroupId: 'sg-db' });
  }).json;
}

describe('Database', () => {
  const dev = databaseOf('dev');
  const prod = databaseOf('prod', { environments: { prod: { database: { multiAz: true } } } });
  const devDb = onlyResource(dev, 'aws_db_instance');
  const prodDb = onlyResource(prod, 'aws_db_instance');

  test('is MySQL 8.4 (LTS) on db.t4g.micro with the taskmanager database and the admin user', () => {
    expect(devDb).toMatchObject({
      engine: 'mysql',
      engine_version: '8.4',
      instance_class: 'db.t4g.micro',
      db_name: 'taskmanager',
      username: 'admin',
      port: 3306,
    });
  });

  test('pins the certificate authority the API trusts, and upgrades an 8.0 instance in place', () => {
    expect(devDb).toMatchObject({ ca_cert_identifier: 'rds-ca-rsa2048-g1', allow_major_version_upgrade: true });
  });

  test('lets RDS generate and keep the master password in Secrets Manager', () => {
    expect(devDb.manage_master_user_password).toBe(true);
    expect(devDb.password).toBeUndefined();
  });

  test('is not publicly accessible, in the subnets and behind the group it is given', () => {
    expect(devDb.publicly_accessible).toBe(false);
    expect(onlyResource(dev, 'aws_db_subnet_group').subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    expect(devDb.vpc_security_group_ids).toEqual(['sg-db']);
  });

  test('grants a role reading its master secret, and nothing else', () => {
    const stack = synthConstruct((scope) => {
      const env = environmentConfig('dev');
      const database = new Database(scope, 'database', { naming: Naming.of(env), config: env.database, subnetIds: ['a', 'b'], securityGroupId: 'sg' });
      const role = new GrantableRole(scope, { ids: { role: 'role', policy: 'policy' }, name: 'r', description: 'd', assumedBy: 'ec2.amazonaws.com', policyName: 'p' });
      database.grantReadMasterSecret(role);
    }).json;
    const secretArn = refTo(stack, 'aws_db_instance', onlyResource(stack, 'aws_db_instance'), 'master_user_secret[0].secret_arn');
    expect(statements(onlyResource(stack, 'aws_iam_role_policy').policy)).toEqual([
      { Sid: 'ReadDatabaseSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: secretArn },
    ]);
  });

  test('sits in the private subnets behind the database group in an environment', () => {
    const stack = environmentStack('dev');
    const db = onlyResource(stack, 'aws_db_instance');
    expect(onlyResource(stack, 'aws_db_subnet_group').subnet_ids).toEqual([
      refTo(stack, 'aws_subnet', resourceNamed(stack, 'aws_subnet', 'private-0'), 'id'),
      refTo(stack, 'aws_subnet', resourceNamed(stack, 'aws_subnet', 'private-1'), 'id'),
    ]);
    expect(db.vpc_security_group_ids).toEqual([refTo(stack, 'aws_security_group', resourceNamed(stack, 'aws_security_group', 'security-groups_db_'), 'id')]);
  });

  test('encrypts storage and requires TLS', () => {
    expect(devDb).toMatchObject({ storage_encrypted: true, storage_type: 'gp3' });
    const parameters = onlyResource(dev, 'aws_db_parameter_group');
    expect(parameters).toMatchObject({ family: 'mysql8.4', name: 'taskmanager-dev-mysql84' });
    expect(parameters.parameter).toEqual([{ name: 'require_secure_transport', value: '1' }]);
    expect(devDb.parameter_group_name).toBe(refTo(dev, 'aws_db_parameter_group', parameters, 'name'));
  });

  test('keeps backups, upgrades minor versions, copies tags to snapshots and exports logs', () => {
    expect(devDb).toMatchObject({
      backup_retention_period: 1,
      auto_minor_version_upgrade: true,
      copy_tags_to_snapshot: true,
      enabled_cloudwatch_logs_exports: ['error', 'slowquery'],
    });
    expect(prodDb.backup_retention_period).toBe(7);
  });

  test('is disposable in dev: no deletion protection, no final snapshot', () => {
    expect(devDb).toMatchObject({ deletion_protection: false, skip_final_snapshot: true, multi_az: false });
    expect(devDb.final_snapshot_identifier).toBeUndefined();
  });

  test('is protected in prod: deletion protection and a final snapshot, multi-AZ when configured', () => {
    expect(prodDb).toMatchObject({
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: 'taskmanager-prod-db-final',
      multi_az: true,
      apply_immediately: false,
    });
  });

  test('has a standby in a second AZ and enhanced monitoring every minute in prod by default, neither in dev', () => {
    const defaults = onlyResource(databaseOf('prod'), 'aws_db_instance');
    expect(defaults).toMatchObject({ multi_az: true, monitoring_interval: 60 });
    expect(devDb).toMatchObject({ multi_az: false, monitoring_interval: 0 });
    expect(devDb.monitoring_role_arn).toBeUndefined();
    expect(dev.resource.aws_iam_role).toBeUndefined();
  });

  test('publishes enhanced monitoring through a role that only RDS monitoring assumes, writing only RDSOSMetrics', () => {
    const stack = databaseOf('prod');
    const role = onlyResource(stack, 'aws_iam_role');
    expect(role.name).toBe('taskmanager-prod-db-monitoring');
    expect(statements(role.assume_role_policy)).toEqual([{ Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    expect(onlyResource(stack, 'aws_db_instance').monitoring_role_arn).toBe(refTo(stack, 'aws_iam_role', role, 'arn'));
    const granted = statements(onlyResource(stack, 'aws_iam_role_policy').policy);
    expect(granted.flatMap((s) => s.Action)).toEqual(['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents']);
    expect(granted.map((s) => s.Resource)).toEqual([expect.stringMatching(/:log-group:RDSOSMetrics$/), expect.stringMatching(/:log-group:RDSOSMetrics:log-stream:\*$/)]);
  });

  test('the monitoring role carries the workload boundary in an environment, like every role', () => {
    const stack = environmentStack('prod');
    expect(resourceNamed(stack, 'aws_iam_role', 'monitoring-role').permissions_boundary).toMatch(/:policy\/taskmanager-prod-workload-boundary$/);
  });
});
