/**
 * The permissions boundary of one environment's workload roles, created by `bootstrap` in the
 * environment's account. Whatever inline policy a role gets (the apply role writes those), it can
 * never do more than this: the services the environment's workloads call, on that environment's
 * own resources, and only from inside the environment's own functions and instances.
 *
 * Why bootstrap and not the environment stack: the apply role must not be able to write the
 * policy that caps the roles it creates (it could loosen it to `*`); IAM has no condition on a
 * policy's content, so the boundary lives where the apply role cannot reach (its policy denies
 * every IAM policy write). The price is that bootstrap cannot know ids created later: the database's
 * DbiResourceId, the VPC id. So the boundary scopes by what it can know, and by structure:
 * - `rds-db:connect` on the environment's database once its id is known
 *   (`environments.<env>.databaseResourceId`, the stack's output `database_resource_id`); before
 *   that, on the environment's account and region and the application's own accounts: a session of this boundary is usable only in the environment's functions and instances, which
 *   can only sit in the environment's own subnets (below), and the database's security group admits
 *   only the environment's groups; with one account per environment, the ARN itself is the
 *   environment's own database;
 * - functions in the VPC: Lambda creates a function's network interfaces with the function's role,
 *   so allowing `ec2:CreateNetworkInterface` only in subnets and security groups tagged with the
 *   environment keeps every function in the environment's own VPC (`lambda:VpcIds` would need the
 *   VPC id, which bootstrap cannot know);
 * - the master secret by the tag RDS puts on it (`aws:rds:primaryDBInstanceArn`), naming the
 *   environment's database.
 */
import { DATABASE_ACCOUNTS } from '../../api/contract/database';
import type { EnvironmentConfig } from '../config';
import { SESSION_MANAGER_AGENT_ACTIONS, type PolicyStatement } from '../lib/iam';
import { ENVIRONMENT_TAG, environmentGuards } from './guards';

/** The boundary's name: `<namePrefix>-workload-boundary`; the environment stack builds its ARN from it. */
export function workloadBoundaryName(namePrefix: string): string {
  return `${namePrefix}-workload-boundary`;
}

/** `arn:<partition>:iam::<account>:policy/<namePrefix>-workload-boundary`. */
export function workloadBoundaryArn(partition: string, accountId: string, namePrefix: string): string {
  return `arn:${partition}:iam::${accountId}:policy/${workloadBoundaryName(namePrefix)}`;
}

/** The actions VPC flow logs takes with its role: the one workload role a service, not our code, uses. */
const FLOW_LOG_DELIVERY = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'];

/** The log groups of one environment: `<prefix>-*`, its functions', its flow logs', and the API's (SPEC O1 name). */
export function logGroupArns(env: EnvironmentConfig, account = '*'): string[] {
  const group = (name: string) => `arn:aws:logs:${env.region}:${account}:log-group:${name}`;
  const names = [`${env.namePrefix}-*`, `/aws/lambda/${env.namePrefix}-*`, `/vpc/${env.namePrefix}-*`, env.observability.logGroupName];
  return names.flatMap((n) => [group(n), `${group(n)}:*`]);
}

/** IAM sign-in as `user` to the environment's database: pinned by `databaseResourceId` once set, else any database of the account and region. */
export function databaseUserArn(env: EnvironmentConfig, accountId: string, user: string): string {
  return `arn:aws:rds-db:${env.region}:${accountId}:dbuser:${env.databaseResourceId || '*'}/${user}`;
}

export function workloadBoundaryStatements(env: EnvironmentConfig, accountId: string): PolicyStatement[] {
  const prefix = env.namePrefix;
  const { region } = env;
  const own = { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env.name };
  return [
    { Sid: 'OwnObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${prefix}-*`, `arn:aws:s3:::${prefix}-*/*`] },
    { Sid: 'OwnQueues', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], Resource: `arn:aws:sqs:${region}:${accountId}:${prefix}-*` },
    {
      Sid: 'OwnDatabaseSecret',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: `arn:aws:secretsmanager:${region}:${accountId}:secret:rds!*`,
      Condition: { StringLike: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': `arn:aws:rds:${region}:${accountId}:db:${prefix}-*` } },
    },
    { Sid: 'OwnDatabaseAccounts', Effect: 'Allow', Action: 'rds-db:connect', Resource: Object.values(DATABASE_ACCOUNTS).map((a) => databaseUserArn(env, accountId, a.user)) },
    // Lambda creates a function's interfaces with its role: only in the environment's subnets and groups.
    { Sid: 'FunctionInterfacesInOwnSubnets', Effect: 'Allow', Action: 'ec2:CreateNetworkInterface', Resource: [`arn:aws:ec2:${region}:${accountId}:subnet/*`, `arn:aws:ec2:${region}:${accountId}:security-group/*`], Condition: { StringEquals: own } },
    { Sid: 'FunctionInterfaces', Effect: 'Allow', Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: `arn:aws:ec2:${region}:${accountId}:network-interface/*` },
    { Sid: 'OwnParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: `arn:aws:ssm:${region}:${accountId}:parameter/${prefix}-*` },
    { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroupArns(env, accountId) },
    // Calls without a resource to scope: metrics, descriptions, traces.
    { Sid: 'Telemetry', Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ec2:DescribeTags', 'ec2:DescribeNetworkInterfaces'], Resource: '*' },
    { Sid: 'OwnImageModel', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: `arn:aws:bedrock:${region}::foundation-model/${env.worker.modelId}` },
    // What the SSM agent does for Session Manager (operators' shell access, no SSH anywhere).
    { Sid: 'SessionManagerAgent', Effect: 'Allow', Action: SESSION_MANAGER_AGENT_ACTIONS, Resource: '*' },
    ...environmentGuards(env.name),
    // A created role can trust anyone (IAM has no condition on a trust policy's content), so its
    // permissions work only in sessions AWS hands to this account's functions of the environment
    // and to this account's instances: assumed from anywhere else, another account included, it can
    // do nothing. VPC flow logs, a service, only writes its log events.
    {
      Sid: 'OnlyInsideOwnWorkloads',
      Effect: 'Deny',
      NotAction: [...FLOW_LOG_DELIVERY, 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      Resource: '*',
      Condition: {
        StringNotLike: { 'lambda:SourceFunctionArn': `arn:aws:lambda:${region}:${accountId}:function:${prefix}-*`, 'ec2:SourceInstanceARN': `arn:aws:ec2:${region}:${accountId}:instance/*` },
      },
    },
  ];
}
