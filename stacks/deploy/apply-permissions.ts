/**
 * What the apply role of one environment may do: manage that environment's resources and nothing
 * else. Resources are matched by their name prefix (`<namePrefix>-*`) where the service puts names
 * in ARNs, and by the `Environment` tag where it does not (EC2, KMS keys); the provider's
 * default_tags put that tag on every resource at creation. IAM is the way out of any sandbox, so
 * every role the apply role creates must carry the workload permissions boundary, may be passed
 * only to the services our stacks use, and may have no managed policy attached at all (every
 * permission is an inline policy that the boundary caps).
 */
import type { EnvironmentConfig } from '../config';
import type { PolicyStatement } from '../lib/iam';
import { GITHUB_OIDC_HOST } from './github-trust';

/** Services our stacks hand roles to: EC2 (instance profile), Lambda (the worker), VPC flow logs. */
export const PASS_ROLE_SERVICES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'vpc-flow-logs.amazonaws.com'];
/** Service-linked roles the services create on first use (CloudFront's for the VPC origin's network interfaces). */
const SERVICE_LINKED_ROLES = ['autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'rds.amazonaws.com', 'vpcorigin.cloudfront.amazonaws.com'];

export interface ApplyScope {
  readonly project: string;
  readonly env: EnvironmentConfig;
  /** The workload permissions boundary every created role must carry. */
  readonly boundaryArn: string;
  readonly stateBucketArn: string;
  readonly stateKeyArn: string;
}

/** Reading what plan reads; apply refreshes too. */
const DESCRIBE = [
  'ec2:Describe*', 'autoscaling:Describe*', 'elasticloadbalancing:Describe*', 'rds:Describe*', 'rds:ListTagsForResource',
  'logs:Describe*', 'logs:ListTagsForResource', 'logs:ListTagsLogGroup', 'cloudwatch:Describe*', 'cloudwatch:GetDashboard',
  'cloudwatch:ListTagsForResource', 'sns:ListTopics', 'sqs:ListQueues', 'lambda:GetEventSourceMapping', 'lambda:ListEventSourceMappings',
  'kms:ListAliases', 'ssm:DescribeParameters', 'iam:Get*', 'iam:List*', 'cloudfront:Get*', 'cloudfront:List*', 'wafv2:Get*', 'wafv2:List*',
  'logs:GetDelivery*', 'logs:DescribeDeliver*', 'cognito-idp:Describe*', 'cognito-idp:GetUserPoolMfaConfig', 'cognito-idp:ListTagsForResource',
];

export function applyStatements(scope: ApplyScope): PolicyStatement[] {
  const { env, boundaryArn } = scope;
  const prefix = env.namePrefix;
  const region = env.region;
  // Alarms on CloudFront's metrics, their topic and its key live in us-east-1 (Alerts.addGlobalAlarm).
  const alarmRegions = [...new Set([region, 'us-east-1'])];
  const envTag = { 'aws:ResourceTag/Environment': env.name };
  const logGroups = [
    `arn:aws:logs:${region}:*:log-group:${prefix}-*`,
    `arn:aws:logs:${region}:*:log-group:/aws/lambda/${prefix}-*`,
    `arn:aws:logs:${region}:*:log-group:${env.observability.logGroupName}`,
    `arn:aws:logs:${region}:*:log-group:${env.observability.logGroupName}:*`,
  ];
  return [
    { Sid: 'ReadEverythingPlanReads', Effect: 'Allow', Action: DESCRIBE, Resource: '*' },
    // EC2 has no names in its ARNs: creating needs the environment's tag, changing needs it on the resource.
    { Sid: 'CreateTaggedNetworkAndCompute', Effect: 'Allow', Action: ['ec2:Create*', 'ec2:AllocateAddress', 'ec2:RunInstances'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Environment': env.name } } },
    { Sid: 'TagOnCreate', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'ec2:CreateAction': ['Create*', 'AllocateAddress', 'RunInstances'] } } },
    // Sub-resources without tags of their own (routes, rules, associations) are checked on their parent.
    { Sid: 'ManageTaggedNetworkAndCompute', Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: envTag } },
    { Sid: 'UntaggedSubResources', Effect: 'Allow', Action: ['ec2:AssociateRouteTable', 'ec2:DisassociateRouteTable', 'ec2:CreateRoute', 'ec2:DeleteRoute', 'ec2:ModifyVpcEndpoint', 'ec2:CreateFlowLogs', 'ec2:DeleteFlowLogs', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:ModifySecurityGroupRules'], Resource: '*', Condition: { StringEquals: envTag } },
    { Sid: 'ManageLoadBalancer', Effect: 'Allow', Action: 'elasticloadbalancing:*', Resource: [`arn:aws:elasticloadbalancing:${region}:*:loadbalancer/app/${prefix}-*/*`, `arn:aws:elasticloadbalancing:${region}:*:targetgroup/${prefix}-*/*`, `arn:aws:elasticloadbalancing:${region}:*:listener/app/${prefix}-*/*`, `arn:aws:elasticloadbalancing:${region}:*:listener-rule/app/${prefix}-*/*`] },
    { Sid: 'ManageAutoScaling', Effect: 'Allow', Action: 'autoscaling:*', Resource: `arn:aws:autoscaling:${region}:*:autoScalingGroup:*:autoScalingGroupName/${prefix}-*` },
    { Sid: 'ManageScalingPolicies', Effect: 'Allow', Action: ['autoscaling:PutScalingPolicy', 'autoscaling:DeletePolicy'], Resource: '*', Condition: { StringLike: { 'autoscaling:ResourceTag/Name': `${prefix}-*` } } },
    { Sid: 'ManageDatabase', Effect: 'Allow', Action: 'rds:*', Resource: [`arn:aws:rds:${region}:*:db:${prefix}-*`, `arn:aws:rds:${region}:*:subgrp:${prefix}-*`, `arn:aws:rds:${region}:*:pg:${prefix}-*`, `arn:aws:rds:${region}:*:snapshot:${prefix}-*`] },
    // RDS creates and rotates the master password's secret itself; the role never reads its value.
    { Sid: 'LetRdsManageItsSecret', Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource', 'secretsmanager:DescribeSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:RotateSecret', 'secretsmanager:PutSecretValue'], Resource: `arn:aws:secretsmanager:${region}:*:secret:rds!*` },
    { Sid: 'ManageBuckets', Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::${prefix}-*`, `arn:aws:s3:::${prefix}-*/*`] },
    { Sid: 'ManageQueues', Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:${region}:*:${prefix}-*` },
    { Sid: 'ManageTopics', Effect: 'Allow', Action: 'sns:*', Resource: alarmRegions.map((r) => `arn:aws:sns:${r}:*:${prefix}-*`) },
    { Sid: 'ManageFunctions', Effect: 'Allow', Action: 'lambda:*', Resource: `arn:aws:lambda:${region}:*:function:${prefix}-*` },
    { Sid: 'ManageEventSourceMappings', Effect: 'Allow', Action: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping', 'lambda:TagResource'], Resource: '*', Condition: { StringLike: { 'lambda:FunctionArn': `arn:aws:lambda:${region}:*:function:${prefix}-*` } } },
    { Sid: 'ManageLogGroups', Effect: 'Allow', Action: 'logs:*', Resource: logGroups },
    { Sid: 'ManageAlarmsAndDashboard', Effect: 'Allow', Action: 'cloudwatch:*', Resource: [...alarmRegions.map((r) => `arn:aws:cloudwatch:${r}:*:alarm:${prefix}-*`), `arn:aws:cloudwatch::*:dashboard/${env.observability.dashboardName}`] },
    { Sid: 'ManageParameters', Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:ListTagsForResource'], Resource: `arn:aws:ssm:${region}:*:parameter/${prefix}-*` },
    { Sid: 'CreateTaggedKeys', Effect: 'Allow', Action: ['kms:CreateKey', 'kms:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Environment': env.name } } },
    { Sid: 'ManageTaggedKeys', Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringEquals: envTag } },
    { Sid: 'ManageKeyAliases', Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], Resource: alarmRegions.map((r) => `arn:aws:kms:${r}:*:alias/${prefix}-*`) },
    ...edgeStatements(prefix, env.name),
    // User pool ids carry no names: creating needs the environment's tag, changing needs it on the pool.
    { Sid: 'CreateTaggedUserPools', Effect: 'Allow', Action: ['cognito-idp:CreateUserPool', 'cognito-idp:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Environment': env.name } } },
    { Sid: 'ManageTaggedUserPools', Effect: 'Allow', Action: ['cognito-idp:UpdateUserPool', 'cognito-idp:DeleteUserPool', 'cognito-idp:SetUserPoolMfaConfig', 'cognito-idp:CreateUserPoolClient', 'cognito-idp:UpdateUserPoolClient', 'cognito-idp:DeleteUserPoolClient', 'cognito-idp:CreateUserPoolDomain', 'cognito-idp:UpdateUserPoolDomain', 'cognito-idp:DeleteUserPoolDomain', 'cognito-idp:UntagResource'], Resource: `arn:aws:cognito-idp:${region}:*:userpool/*`, Condition: { StringEquals: envTag } },
    // IAM: roles of this environment only, always inside the boundary.
    { Sid: 'CreateBoundedRoles', Effect: 'Allow', Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:PutRolePermissionsBoundary'], Resource: `arn:aws:iam::*:role/${prefix}-*`, Condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } } },
    { Sid: 'ManageOwnRoles', Effect: 'Allow', Action: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy'], Resource: `arn:aws:iam::*:role/${prefix}-*` },
    { Sid: 'ManageInstanceProfiles', Effect: 'Allow', Action: ['iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:TagInstanceProfile', 'iam:UntagInstanceProfile'], Resource: `arn:aws:iam::*:instance-profile/${prefix}-*` },
    { Sid: 'PassRolesToOurServices', Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::*:role/${prefix}-*`, Condition: { StringEquals: { 'iam:PassedToService': PASS_ROLE_SERVICES } } },
    { Sid: 'ServiceLinkedRoles', Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: 'arn:aws:iam::*:role/aws-service-role/*', Condition: { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED_ROLES } } },
    // Guard rails that hold whatever an Allow above says.
    { Sid: 'NeverLoosenTheBoundary', Effect: 'Deny', Action: ['iam:DeleteRolePermissionsBoundary', 'iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion'], Resource: '*' },
    { Sid: 'NeverTouchTheDeployRoles', Effect: 'Deny', Action: 'iam:*', Resource: [`arn:aws:iam::*:role/${scope.project}-github-*`, `arn:aws:iam::*:oidc-provider/${GITHUB_OIDC_HOST}`] },
    { Sid: 'NoRemoteCommandsOrSecretValues', Effect: 'Deny', Action: ['ssm:SendCommand', 'ssm:StartSession', 'secretsmanager:GetSecretValue'], Resource: '*' },
    { Sid: 'NeverRewriteTheStateBucket', Effect: 'Deny', Action: ['s3:DeleteObjectVersion', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:DeleteBucket'], Resource: [scope.stateBucketArn, `${scope.stateBucketArn}/*`] },
  ];
}

/**
 * The edge: CloudFront ids carry no names, so its resources are matched by the `Environment` tag
 * (creating needs it in the request); WAF web ACLs and CloudWatch log deliveries by name, in us-east-1.
 */
function edgeStatements(prefix: string, environment: string): PolicyStatement[] {
  const global = 'us-east-1';
  return [
    { Sid: 'CreateTaggedEdge', Effect: 'Allow', Action: ['cloudfront:CreateDistribution', 'cloudfront:CreateDistributionWithTags', 'cloudfront:CreateVpcOrigin', 'cloudfront:TagResource'], Resource: '*', Condition: { StringEquals: { 'aws:RequestTag/Environment': environment } } },
    { Sid: 'ManageTaggedEdge', Effect: 'Allow', Action: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:UpdateVpcOrigin', 'cloudfront:DeleteVpcOrigin', 'cloudfront:TagResource', 'cloudfront:UntagResource', 'cloudfront:AllowVendedLogDeliveryForResource'], Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/Environment': environment } } },
    // Untaggable helpers of a distribution; a role of another environment could only change what its own distribution uses.
    { Sid: 'ManageEdgePolicies', Effect: 'Allow', Action: ['cloudfront:CreateOriginAccessControl', 'cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl', 'cloudfront:CreateResponseHeadersPolicy', 'cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:DeleteResponseHeadersPolicy'], Resource: ['arn:aws:cloudfront::*:origin-access-control/*', 'arn:aws:cloudfront::*:response-headers-policy/*'] },
    { Sid: 'ManageWebAcl', Effect: 'Allow', Action: 'wafv2:*', Resource: [`arn:aws:wafv2:${global}:*:global/webacl/${prefix}-*/*`, `arn:aws:wafv2:${global}:*:global/managedruleset/*/*`] },
    { Sid: 'ManageEdgeLogDelivery', Effect: 'Allow', Action: ['logs:PutDeliverySource', 'logs:PutDeliveryDestination', 'logs:DeleteDeliverySource', 'logs:DeleteDeliveryDestination', 'logs:CreateDelivery', 'logs:DeleteDelivery', 'logs:UpdateDeliveryConfiguration', 'logs:TagResource', 'logs:UntagResource'], Resource: [`arn:aws:logs:${global}:*:delivery-source:${prefix}-*`, `arn:aws:logs:${global}:*:delivery-destination:${prefix}-*`, `arn:aws:logs:${global}:*:delivery:*`] },
  ];
}
