import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { DATABASE_ACCOUNTS, DATABASE_NAME, MYSQL_PORT } from '../../api/contract/database';
import type { MigrationSettingName } from '../../api/db-setup/config';
import type { LambdaPackage } from '../build/lambda-package';
import { Naming } from '../lib/naming';
import type { Database } from './database';
import type { DatabaseAccounts } from './database-accounts';
import { databaseFunction } from './database-function';
import type { Network } from './network';
import type { SecurityGroups } from './security-groups';

export interface DatabaseMigrationsProps {
  /** Resource names. */
  readonly naming: Naming;
  /** The database whose schema the function migrates. */
  readonly database: Database;
  /** The accounts' set-up, which makes the migrator account the function signs in as. */
  readonly accounts: DatabaseAccounts;
  /** The function runs in the private subnets, next to the database. */
  readonly network: Network;
  /** The function's group: MySQL to the database and nothing else. */
  readonly securityGroups: SecurityGroups;
  /** What the function runs: the migrations of this build. */
  readonly build: LambdaPackage;
  /** Retention of the function's log group. */
  readonly logRetentionDays: number;
}

/**
 * The schema's migrations, run by a Lambda in the VPC that alone signs in as the migrator account
 * (`ALL PRIVILEGES` on the database; an IAM token, no password): Terraform invokes it after the
 * accounts exist and again whenever its code (which holds the migrations) or the database
 * changes. Whatever runs the API depends on `migrated` (the Auto Scaling group and its launch
 * template; a Fargate service the same way), so a new migration is applied before anything starts
 * with the code that needs it, and a failed one stops the apply before the API rolls. Runs are
 * safe concurrently and again (see api/db-setup/migrate.ts). Needs nothing outside the VPC:
 * the token is signed inside the function.
 */
export class DatabaseMigrations extends Construct {
  readonly function: LambdaFunction;
  /** The migrations' run for this build: what every deployment of the API depends on. */
  readonly migrated: ITerraformDependable;

  constructor(scope: Construct, id: string, props: DatabaseMigrationsProps) {
    super(scope, id);
    const { function: fn, role } = databaseFunction(this, {
      functionName: props.naming.name('db-migrate'),
      description: 'Migrates the task manager\'s database schema as the migrator account, before the API starts',
      roleDescription: 'Database migration function: the only user of the migrator account',
      policyName: 'db-migrate',
      build: props.build,
      subnetIds: props.network.privateSubnetIds,
      securityGroupId: props.securityGroups.databaseMigrations.id,
      environment: migrationEnvironment({
        DB_HOST: props.database.address,
        DB_PORT: String(MYSQL_PORT),
        DB_NAME: DATABASE_NAME,
        DB_USER: DATABASE_ACCOUNTS.migrator.user,
      }),
      // Lambda's longest: a migration that rebuilds an index of a large table takes its time.
      timeoutSeconds: 900,
      logRetentionDays: props.logRetentionDays,
    });
    this.function = fn;
    props.database.grantConnect(role, DATABASE_ACCOUNTS.migrator.user, 'ConnectAsMigrator');

    this.migrated = new LambdaInvocation(this, 'run', {
      functionName: fn.functionName,
      // The function applies the migrations it was built with; the event carries nothing.
      input: '{}',
      // Again for new code (a new migration changes it) and for a replaced (empty) database.
      triggers: { code: props.build.zipSha256Base64, database: props.database.instance.resourceId },
      dependsOn: [props.accounts.setUp],
    });
  }
}

/** The function's environment, with names its configuration reads (AWS_REGION is Lambda's own). */
function migrationEnvironment(variables: Record<Exclude<MigrationSettingName, 'AWS_REGION'>, string>): Record<string, string> {
  return variables;
}
