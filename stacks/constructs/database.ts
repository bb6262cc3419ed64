import { Construct } from 'constructs';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import type { DatabaseConfig } from '../config';
import { Naming } from '../lib/naming';
import type { GrantableRole } from '../lib/role';

export interface DatabaseProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Class, storage, backups, multi-AZ and protection. */
  readonly config: DatabaseConfig;
  /** Private subnets in two AZs. */
  readonly subnetIds: string[];
  /** The group that admits MySQL from the API instances only. */
  readonly securityGroupId: string;
}

/** Names the API relies on (SPEC D1). */
export const DATABASE_NAME = 'taskmanager';
export const DATABASE_USER = 'admin';
export const MYSQL_PORT = 3306;

/**
 * RDS MySQL 8.0 (SPEC D1): private subnets, not public, encrypted, TLS required, the master
 * password generated and kept by RDS in Secrets Manager (never in state or code), backups and
 * log exports on; multi-AZ, deletion protection and the final snapshot from the config.
 */
export class Database extends Construct {
  readonly instance: DbInstance;
  readonly address: string;
  /** ARN of the secret RDS manages for the master user (JSON with username and password). */
  readonly secretArn: string;
  readonly identifier: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { naming, config } = props;

    const subnetGroup = new DbSubnetGroup(this, 'subnets', {
      name: naming.name('db'),
      description: 'Private subnets of the task-manager database',
      subnetIds: props.subnetIds,
    });
    const parameters = new DbParameterGroup(this, 'parameters', {
      name: naming.name('mysql80'),
      family: 'mysql8.0',
      description: 'Task manager MySQL 8.0: TLS only',
      parameter: [{ name: 'require_secure_transport', value: '1' }],
      lifecycle: { createBeforeDestroy: true },
    });

    this.identifier = naming.name('db');
    this.instance = new DbInstance(this, 'instance', {
      identifier: this.identifier,
      engine: 'mysql',
      engineVersion: '8.0',
      port: MYSQL_PORT,
      instanceClass: config.instanceClass,
      allocatedStorage: config.allocatedStorageGb,
      maxAllocatedStorage: config.maxAllocatedStorageGb,
      storageType: 'gp3',
      storageEncrypted: true,
      dbName: DATABASE_NAME,
      username: DATABASE_USER,
      manageMasterUserPassword: true,
      dbSubnetGroupName: subnetGroup.name,
      parameterGroupName: parameters.name,
      vpcSecurityGroupIds: [props.securityGroupId],
      publiclyAccessible: false,
      multiAz: config.multiAz,
      backupRetentionPeriod: config.backupRetentionDays,
      autoMinorVersionUpgrade: true,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ['error', 'slowquery'],
      deletionProtection: config.deletionProtection,
      skipFinalSnapshot: !config.deletionProtection,
      finalSnapshotIdentifier: config.deletionProtection ? naming.name('db-final') : undefined,
      // Protected environments change in the maintenance window, disposable ones at once.
      applyImmediately: !config.deletionProtection,
    });
    this.address = this.instance.address;
    this.secretArn = this.instance.masterUserSecret.get(0).secretArn;
  }

  /** Lets `role` read the master user's secret (the API reads it at start). */
  grantReadMasterSecret(role: GrantableRole): void {
    role.addToPolicy({
      Sid: 'ReadDatabaseSecret',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: this.secretArn,
    });
  }
}
