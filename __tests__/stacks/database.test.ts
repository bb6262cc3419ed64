import { environmentStack, onlyResource, refTo, resourceNamed } from './synth';

describe('Database', () => {
  const dev = environmentStack('dev');
  const prod = environmentStack('prod', { environments: { prod: { database: { multiAz: true } } } });
  const devDb = onlyResource(dev, 'aws_db_instance');
  const prodDb = onlyResource(prod, 'aws_db_instance');

  test('is MySQL 8.0 on db.t4g.micro with the taskmanager database and the admin user', () => {
    expect(devDb).toMatchObject({
      engine: 'mysql',
      engine_version: '8.0',
      instance_class: 'db.t4g.micro',
      db_name: 'taskmanager',
      username: 'admin',
      port: 3306,
    });
  });

  test('lets RDS generate and keep the master password in Secrets Manager', () => {
    expect(devDb.manage_master_user_password).toBe(true);
    expect(devDb.password).toBeUndefined();
  });

  test('is private: in the private subnets, not public, behind the database security group', () => {
    expect(devDb.publicly_accessible).toBe(false);
    const subnetGroup = onlyResource(dev, 'aws_db_subnet_group');
    expect(subnetGroup.subnet_ids).toEqual([
      refTo(dev, 'aws_subnet', resourceNamed(dev, 'aws_subnet', 'private-0'), 'id'),
      refTo(dev, 'aws_subnet', resourceNamed(dev, 'aws_subnet', 'private-1'), 'id'),
    ]);
    expect(devDb.vpc_security_group_ids).toEqual([refTo(dev, 'aws_security_group', resourceNamed(dev, 'aws_security_group', 'db'), 'id')]);
  });

  test('encrypts storage and requires TLS', () => {
    expect(devDb).toMatchObject({ storage_encrypted: true, storage_type: 'gp3' });
    const parameters = onlyResource(dev, 'aws_db_parameter_group');
    expect(parameters.family).toBe('mysql8.0');
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
});
