import type { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { LambdaPackage } from '../build/lambda-package';
import { GrantableRole } from '../lib/role';

export interface DatabaseFunctionProps {
  /** The function's name (also its role's and its log group's). */
  readonly functionName: string;
  /** What the function does. */
  readonly description: string;
  /** The role's description. */
  readonly roleDescription: string;
  /** Name of the role's inline policy. */
  readonly policyName: string;
  /** What the function runs. */
  readonly build: LambdaPackage;
  /** Private subnets the function runs in, next to the database. */
  readonly subnetIds: string[];
  /** The function's security group. */
  readonly securityGroupId: string;
  /** Its environment, with the names its configuration reads. */
  readonly environment: Record<string, string>;
  /** Longest run, in seconds. */
  readonly timeoutSeconds: number;
  /** Retention of the function's log group. */
  readonly logRetentionDays: number;
}

/** The network interfaces a function in a VPC needs (AWSLambdaVPCAccessExecutionRole's actions). */
const VPC_ACCESS = ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'];

/**
 * A function in the VPC that Terraform runs against the database (the accounts' set-up, the
 * migrations): its log group, a role that may write those logs and nothing else until the owner
 * grants more, and the function on Node 22, arm64. Created directly in `scope` with the ids `logs`,
 * `role`, `policy`, `code` and `function`, which decide their addresses.
 */
export function databaseFunction(scope: Construct, props: DatabaseFunctionProps): { readonly function: LambdaFunction; readonly role: GrantableRole } {
  const logGroup = new CloudwatchLogGroup(scope, 'logs', { name: `/aws/lambda/${props.functionName}`, retentionInDays: props.logRetentionDays });
  const role = new GrantableRole(scope, {
    ids: { role: 'role', policy: 'policy' },
    name: props.functionName,
    description: props.roleDescription,
    assumedBy: 'lambda.amazonaws.com',
    policyName: props.policyName,
  });
  role.addToPolicy(
    { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroup.arn}:*` },
    // Lambda creates the function's interfaces in the subnet; EC2 has no resource-level form for this.
    { Sid: 'NetworkInterfaces', Effect: 'Allow', Action: VPC_ACCESS, Resource: '*' },
  );
  const code = new TerraformAsset(scope, 'code', { path: props.build.zipFile, type: AssetType.FILE });
  const fn = new LambdaFunction(scope, 'function', {
    functionName: props.functionName,
    description: props.description,
    role: role.role.arn,
    runtime: 'nodejs22.x',
    architectures: ['arm64'],
    handler: props.build.handler,
    filename: code.path,
    sourceCodeHash: props.build.zipSha256Base64,
    memorySize: 256,
    timeout: props.timeoutSeconds,
    vpcConfig: { subnetIds: props.subnetIds, securityGroupIds: [props.securityGroupId] },
    loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
    environment: { variables: props.environment },
    dependsOn: [logGroup, role.policy],
  });
  return { function: fn, role };
}
