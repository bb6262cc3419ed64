import { Construct } from 'constructs';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { DATABASE_ACCOUNTS, DATABASE_NAME, MYSQL_PORT } from '../../api/contract/database';
import type { SetupSettingName } from '../../api/db-setup/config';
import type { LambdaPackage } from '../build/lambda-package';
import { Naming } from '../lib/naming';
import type { Database } from './database';
import { databaseFunction } from './database-function';
import type { Network } from './network';
import type { SecurityGroups } from './security-groups';

export interface DatabaseAccountsProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Region of the function (the Secrets Manager endpoint's service name). */
  readonly region: string;
  /** The database whose accounts the function keeps, with its master secret. */
  readonly database: Database;
  /** The function runs in a private subnet, next to the database. */
  readonly network: Network;
  /** The function's group (MySQL to the database, HTTPS out) and the endpoint's. */
  readonly securityGroups: SecurityGroups;
  /** What the function runs. */
  readonly build: LambdaPackage;
  /** Retention of the function's log group. */
  readonly logRetentionDays: number;
}

/**
 * The application's MySQL accounts (`api`: rows only; `migrator`: the schema), which sign in with
 * IAM database authentication: a Lambda in the VPC that Terraform invokes on every apply that
 * changes it or the accounts, and that alone reads the master user's secret. Without NAT it reaches
 * Secrets Manager through an interface endpoint in one private subnet (about 7.30 USD a month).
 */
export class DatabaseAccounts extends Construct {
  readonly function: LambdaFunction;
  /** The set-up's run: what has to be done before anything signs in as the accounts. */
  readonly setUp: LambdaInvocation;

  constructor(scope: Construct, id: string, props: DatabaseAccountsProps) {
    super(scope, id);
    const { naming, network } = props;
    const functionName = naming.name('db-setup');
    const subnetIds = [network.privateSubnetIds[0]];

    const { function: fn, role } = databaseFunction(this, {
      functionName,
      description: 'Keeps the task manager\'s MySQL accounts (IAM authentication) in place',
      roleDescription: 'Database set-up function: keeps the application accounts in place',
      policyName: 'db-setup',
      build: props.build,
      subnetIds,
      securityGroupId: props.securityGroups.databaseSetup.id,
      environment: setupEnvironment({
        DB_HOST: props.database.address,
        DB_PORT: String(MYSQL_PORT),
        DB_NAME: DATABASE_NAME,
        DB_SECRET_ARN: props.database.secretArn,
      }),
      // Long enough to wait for a database that is still starting.
      timeoutSeconds: 300,
      logRetentionDays: props.logRetentionDays,
    });
    this.function = fn;
    props.database.grantReadMasterSecret(role);

    const endpoint = network.hasNat ? undefined : new VpcEndpoint(this, 'secrets-endpoint', {
      vpcId: network.vpcId,
      serviceName: `com.amazonaws.${props.region}.secretsmanager`,
      vpcEndpointType: 'Interface',
      subnetIds,
      securityGroupIds: [props.securityGroups.endpoints.id],
      privateDnsEnabled: true,
      tags: naming.nameTag('secretsmanager-endpoint'),
    });

    this.setUp = new LambdaInvocation(this, 'run', {
      functionName: this.function.functionName,
      // The function keeps the accounts of the contract it was built with; the event carries nothing.
      input: '{}',
      // Invoked again whenever the function's code or the accounts change.
      triggers: { code: props.build.zipSha256Base64, accounts: JSON.stringify(DATABASE_ACCOUNTS) },
      dependsOn: [props.database.instance, ...(endpoint ? [endpoint] : [])],
    });
  }
}

/** The function's environment, with names its configuration reads (AWS_REGION is Lambda's own). */
function setupEnvironment(variables: Partial<Record<SetupSettingName, string>>): Record<string, string> {
  return variables as Record<string, string>;
}
