import { Construct } from 'constructs';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { DATABASE_NAME, MYSQL_PORT } from '../../api/contract/database';
import type { DatabaseConfig } from '../config';
import { Naming } from '../lib/naming';
import { accountIdOf, partitionOf, regionOf } from '../lib/arn';
import { GrantableRole } from '../lib/role';

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

/** MySQL 8.4, the LTS line (8.0's standard support ended 2026-07-31); the parameter group family follows it. */
export const MYSQL_VERSION = '8.4';
/** The certificate authority the instance's certificate is signed by; the API trusts the Amazon RDS CAs. */
export const RDS_CA = 'rds-ca-rsa2048-g1';

/** The master user (SPEC D1): operators' and the set-up function's, never the API's. */
export const MASTER_USER = 'admin';

/** The log group RDS enhanced monitoring writes every instance's OS metrics to (fixed by RDS). */
export const ENHANCED_MONITORING_LOG_GROUP = 'RDSOSMetrics';

/**
 * RDS MySQL 8.4 (SPEC D1): private subnets, not public, encrypted, TLS required with a pinned CA, the master
 * password generated and kept by RDS in Secrets Manager (never in state or code), backups and
 * log exports on; multi-AZ, enhanced monitoring, deletion protection and the final snapshot from the config.
 */
export class Database extends Construct {
  readonly instance: DbInstance;
  readonly address: string;
  /** ARN of the secret RDS manages for the master user (JSON with username and password). */
  readonly secretArn: string;
  readonly identifier: string;
  /** The role RDS publishes enhanced-monitoring metrics with; none when monitoring is off. */
  readonly monitoringRole?: GrantableRole;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { naming, config } = props;

    const subnetGroup = new DbSubnetGroup(this, 'subnets', {
      name: naming.name('db'),
      description: 'Private subnets of the task-manager database',
      subnetIds: props.subnetIds,
    });
    const parameters = new DbParameterGroup(this, 'parameters', {
      name: naming.name(`mysql${MYSQL_VERSION.replace('.', '')}`),
      family: `mysql${MYSQL_VERSION}`,
      description: `Task manager MySQL ${MYSQL_VERSION}: TLS only`,
      parameter: [{ name: 'require_secure_transport', value: '1' }],
      lifecycle: { createBeforeDestroy: true },
    });

    this.monitoringRole = config.monitoringIntervalSeconds > 0 ? enhancedMonitoringRole(this, naming) : undefined;
    this.identifier = naming.name('db');
    this.instance = new DbInstance(this, 'instance', {
      identifier: this.identifier,
      engine: 'mysql',
      engineVersion: MYSQL_VERSION,
      // An existing 8.0 instance upgrades in place (README: upgrading the database).
      allowMajorVersionUpgrade: true,
      caCertIdentifier: RDS_CA,
      port: MYSQL_PORT,
      instanceClass: config.instanceClass,
      allocatedStorage: config.allocatedStorageGb,
      maxAllocatedStorage: config.maxAllocatedStorageGb,
      storageType: 'gp3',
      storageEncrypted: true,
      dbName: DATABASE_NAME,
      username: MASTER_USER,
      manageMasterUserPassword: true,
      // The application's accounts sign in with short-lived IAM tokens (DatabaseAccounts), no passwords.
      iamDatabaseAuthenticationEnabled: true,
      dbSubnetGroupName: subnetGroup.name,
      parameterGroupName: parameters.name,
      vpcSecurityGroupIds: [props.securityGroupId],
      publiclyAccessible: false,
      multiAz: config.multiAz,
      monitoringInterval: config.monitoringIntervalSeconds,
      monitoringRoleArn: this.monitoringRole?.role.arn,
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

  /** Lets `role` sign in as the MySQL account `user` with an IAM authentication token. */
  grantConnect(role: GrantableRole, user: string, sid: string): void {
    const arn = this.instance.arn;
    role.addToPolicy({
      Sid: sid,
      Effect: 'Allow',
      Action: 'rds-db:connect',
      Resource: `arn:${partitionOf(arn)}:rds-db:${regionOf(arn)}:${accountIdOf(arn)}:dbuser:${this.instance.resourceId}/${user}`,
    });
  }

  /** Lets `role` read the master user's secret (the set-up function; operators use it by hand). */
  grantReadMasterSecret(role: GrantableRole): void {
    role.addToPolicy({
      Sid: 'ReadDatabaseSecret',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: this.secretArn,
    });
  }
}

/**
 * The role RDS assumes to write OS metrics: an inline policy with what AWS's managed
 * AmazonRDSEnhancedMonitoringRole allows, limited to the RDSOSMetrics log group (the apply role
 * attaches no managed policies; the workload boundary, set on every role, caps it too).
 */
function enhancedMonitoringRole(scope: Construct, naming: Naming): GrantableRole {
  const role = new GrantableRole(scope, {
    name: naming.name('db-monitoring'),
    description: 'RDS enhanced monitoring of the task-manager database: writes OS metrics to CloudWatch Logs',
    assumedBy: 'monitoring.rds.amazonaws.com',
    policyName: 'enhanced-monitoring',
    ids: { role: 'monitoring-role', policy: 'monitoring-policy' },
  });
  const group = `arn:${partitionOf(role.role.arn)}:logs:*:${accountIdOf(role.role.arn)}:log-group:${ENHANCED_MONITORING_LOG_GROUP}`;
  role.addToPolicy(
    { Sid: 'MetricsLogGroup', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'], Resource: group },
    { Sid: 'MetricsLogStreams', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'], Resource: `${group}:log-stream:*` },
  );
  return role;
}
