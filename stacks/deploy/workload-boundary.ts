/**
 * The permissions boundary every role of the application stacks carries, created by `bootstrap`.
 * Whatever inline policy a role gets, it can never do more than this: the services our workloads
 * call, on the project's own resources. No IAM, no STS, no administration of anything, so a role
 * that the apply role creates can never be a way to more power than the apply role has.
 */
import { DATABASE_ACCOUNTS } from '../../api/contract/database';
import { SESSION_MANAGER_AGENT_ACTIONS, type PolicyStatement } from '../lib/iam';

/** The boundary's name; the environment stacks build its ARN from it. */
export function workloadBoundaryName(project: string): string {
  return `${project}-workload-boundary`;
}

/** `arn:<partition>:iam::<account>:policy/<project>-workload-boundary`. */
export function workloadBoundaryArn(partition: string, accountId: string, project: string): string {
  return `arn:${partition}:iam::${accountId}:policy/${workloadBoundaryName(project)}`;
}

export function workloadBoundaryStatements(project: string): PolicyStatement[] {
  return [
    { Sid: 'ProjectObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${project}-*`, `arn:aws:s3:::${project}-*/*`] },
    { Sid: 'ProjectQueues', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'], Resource: `arn:aws:sqs:*:*:${project}-*` },
    { Sid: 'DatabaseSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: 'arn:aws:secretsmanager:*:*:secret:rds!*' },
    { Sid: 'DatabaseAccounts', Effect: 'Allow', Action: 'rds-db:connect', Resource: Object.values(DATABASE_ACCOUNTS).map((a) => `arn:aws:rds-db:*:*:dbuser:*/${a.user}`) },
    // Functions in the VPC (the database set-up) have Lambda create their network interfaces.
    { Sid: 'FunctionsInTheVpc', Effect: 'Allow', Action: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: '*' },
    { Sid: 'ProjectParameters', Effect: 'Allow', Action: ['ssm:GetParameter', 'ssm:GetParameters'], Resource: `arn:aws:ssm:*:*:parameter/${project}-*` },
    { Sid: 'Telemetry', Effect: 'Allow', Action: ['cloudwatch:PutMetricData', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'ec2:DescribeTags'], Resource: '*' },
    { Sid: 'ImageModels', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: 'arn:aws:bedrock:*::foundation-model/*' },
    // What the SSM agent does for Session Manager (operators' shell access, no SSH anywhere).
    { Sid: 'SessionManagerAgent', Effect: 'Allow', Action: SESSION_MANAGER_AGENT_ACTIONS, Resource: '*' },
  ];
}
