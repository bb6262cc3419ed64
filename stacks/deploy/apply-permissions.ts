/**
 * What the apply role of one environment may do: manage that environment's resources and nothing
 * else. Resources are matched by their name prefix (`<namePrefix>-*`) where the service puts names
 * in ARNs, and by the `Environment` tag where it does not (EC2, KMS keys, CloudFront, Cognito); the
 * provider's default_tags put that tag on every resource at creation, and the environment guards
 * (guards.ts) stop any role from moving a resource between environments by retagging it. IAM is
 * the way out of any sandbox, so every role the apply role creates must carry its environment's
 * workload boundary, may be passed only to the services our stacks use, and may have no managed
 * policy attached (every permission is an inline policy that the boundary caps).
 *
 * Adding a resource type: give it a statement here (by name or tag), its refresh reads in
 * plan-reads.ts, and its cases in __tests__/stacks/isolation/resource-models.ts; the isolation
 * test fails until all three exist.
 */
import type { EnvironmentConfig } from '../config';
import type { PolicyCondition, PolicyStatement } from '../lib/iam';
import { GLOBAL_REGION } from '../lib/provider';
import { GITHUB_OIDC_HOST } from './github-trust';
import { containerRoleNamePattern } from './container-boundary';
import { ENVIRONMENT_TAG, environmentGuards } from './guards';
import { refreshStatements } from './plan-reads';
import { logGroupArns } from './workload-boundary';

/** Services our stacks hand roles to: EC2 (instance profile), Lambda (the functions), VPC flow logs. */
export const PASS_ROLE_SERVICES = ['ec2.amazonaws.com', 'lambda.amazonaws.com', 'vpc-flow-logs.amazonaws.com', 'monitoring.rds.amazonaws.com'];
/** Service-linked roles the services create on first use (CloudFront's for the VPC origin's network interfaces). */
const SERVICE_LINKED_ROLES = [
  'autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com', 'rds.amazonaws.com', 'vpcorigin.cloudfront.amazonaws.com',
  // ECS (the service's network interfaces and load balancer registration) and Application Auto Scaling's role for ECS services.
  'ecs.amazonaws.com', 'ecs.application-autoscaling.amazonaws.com',
];

/** The EC2 creations of our stacks, by name: `ec2:Create*` would include CreateTags on anything. */
export const EC2_CREATE_ACTIONS = [
  'ec2:CreateVpc', 'ec2:CreateSubnet', 'ec2:CreateInternetGateway', 'ec2:CreateRouteTable', 'ec2:CreateNatGateway', 'ec2:AllocateAddress',
  'ec2:CreateSecurityGroup', 'ec2:CreateLaunchTemplate', 'ec2:CreateLaunchTemplateVersion', 'ec2:CreateVpcEndpoint', 'ec2:CreateFlowLogs',
  'ec2:AuthorizeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupEgress', 'ec2:RunInstances',
];

export interface ApplyScope {
  readonly project: string;
  readonly env: EnvironmentConfig;
  /** The environment's workload permissions boundary: every created role must carry it (or the container boundary). */
  readonly boundaryArn: string;
  /** The boundary of the API's ECS task and execution roles (named `<namePrefix>-api-task*`), which only those may carry. */
  readonly containerBoundaryArn: string;
  readonly stateBucketArn: string;
  /**
   * The environment has an AWS account of its own: what carries neither a name nor a tag
   * (CloudFront's policies, log deliveries) is then the environment's by its account.
   */
  readonly ownAccount: boolean;
}

export function applyStatements(scope: ApplyScope): PolicyStatement[] {
  const { env, boundaryArn } = scope;
  const prefix = env.namePrefix;
  const region = env.region;
  // Alarms on CloudFront's metrics, their topic and its key live in us-east-1 (Alerts.addGlobalAlarm).
  const alarmRegions = [...new Set([region, GLOBAL_REGION])];
  const own = { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env.name };
  const creates = { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: env.name };
  // Tagging that comes with a create: the resource has no Environment tag yet (a tagged one is changed by the Manage* statements).
  const untagged = { Null: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: 'true' } };
  const ownDatabase = `arn:aws:rds:${region}:*:db:${prefix}-*`;
  return [
    ...refreshStatements(env),
    // EC2 has no names in its ARNs: creating needs the environment's tag, changing needs it on the resource.
    { Sid: 'CreateTaggedNetworkAndCompute', Effect: 'Allow', Action: EC2_CREATE_ACTIONS, Resource: '*', Condition: { StringEquals: creates } },
    { Sid: 'TagOnCreate', Effect: 'Allow', Action: 'ec2:CreateTags', Resource: '*', Condition: { StringEquals: { ...creates, 'ec2:CreateAction': EC2_CREATE_ACTIONS.map((a) => a.slice('ec2:'.length)) } } },
    // Sub-resources without tags of their own (routes, rules, associations) are checked on their parent.
    { Sid: 'ManageTaggedNetworkAndCompute', Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringEquals: own } },
    { Sid: 'ManageLoadBalancer', Effect: 'Allow', Action: 'elasticloadbalancing:*', Resource: ['loadbalancer/app', 'targetgroup', 'listener/app', 'listener-rule/app'].map((kind) => `arn:aws:elasticloadbalancing:${region}:*:${kind}/${prefix}-*/*`) },
    { Sid: 'ManageAutoScaling', Effect: 'Allow', Action: 'autoscaling:*', Resource: `arn:aws:autoscaling:${region}:*:autoScalingGroup:*:autoScalingGroupName/${prefix}-*` },
    { Sid: 'ManageDatabase', Effect: 'Allow', Action: 'rds:*', Resource: [ownDatabase, ...['subgrp', 'pg', 'snapshot'].map((kind) => `arn:aws:rds:${region}:*:${kind}:${prefix}-*`)] },
    // RDS creates and rotates the master password's secret with the caller's rights and tags it with
    // the database's ARN; the role never reads its value, and changes only the secret of its own database.
    { Sid: 'LetRdsCreateItsSecret', Effect: 'Allow', Action: ['secretsmanager:CreateSecret', 'secretsmanager:TagResource'], Resource: `arn:aws:secretsmanager:${region}:*:secret:rds!*`, Condition: { Null: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': 'true' } } },
    { Sid: 'LetRdsManageItsSecret', Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:RotateSecret', 'secretsmanager:TagResource'], Resource: `arn:aws:secretsmanager:${region}:*:secret:rds!*`, Condition: { StringLike: { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': ownDatabase } } },
    { Sid: 'ManageBuckets', Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::${prefix}-*`, `arn:aws:s3:::${prefix}-*/*`] },
    { Sid: 'ManageQueues', Effect: 'Allow', Action: 'sqs:*', Resource: `arn:aws:sqs:${region}:*:${prefix}-*` },
    { Sid: 'ManageTopics', Effect: 'Allow', Action: 'sns:*', Resource: alarmRegions.map((r) => `arn:aws:sns:${r}:*:${prefix}-*`) },
    { Sid: 'ManageFunctions', Effect: 'Allow', Action: 'lambda:*', Resource: `arn:aws:lambda:${region}:*:function:${prefix}-*` },
    { Sid: 'ManageEventSourceMappings', Effect: 'Allow', Action: ['lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping', 'lambda:TagResource'], Resource: '*', Condition: { StringLike: { 'lambda:FunctionArn': `arn:aws:lambda:${region}:*:function:${prefix}-*` } } },
    { Sid: 'ManageLogGroups', Effect: 'Allow', Action: 'logs:*', Resource: logGroupArns(env) },
    { Sid: 'ManageAlarmsAndDashboard', Effect: 'Allow', Action: 'cloudwatch:*', Resource: [...alarmRegions.map((r) => `arn:aws:cloudwatch:${r}:*:alarm:${prefix}-*`), `arn:aws:cloudwatch::*:dashboard/${env.observability.dashboardName}`] },
    { Sid: 'ManageParameters', Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:DeleteParameter', 'ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource', 'ssm:ListTagsForResource'], Resource: `arn:aws:ssm:${region}:*:parameter/${prefix}-*` },
    { Sid: 'CreateTaggedKeys', Effect: 'Allow', Action: ['kms:CreateKey', 'kms:TagResource'], Resource: '*', Condition: { StringEquals: creates, ...untagged } },
    { Sid: 'ManageTaggedKeys', Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { StringEquals: own } },
    { Sid: 'ManageKeyAliases', Effect: 'Allow', Action: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], Resource: alarmRegions.map((r) => `arn:aws:kms:${r}:*:alias/${prefix}-*`) },
    ...edgeStatements(scope, untagged),
    // User pool ids carry no names: creating needs the environment's tag, changing needs it on the pool.
    { Sid: 'CreateTaggedUserPools', Effect: 'Allow', Action: ['cognito-idp:CreateUserPool', 'cognito-idp:TagResource'], Resource: '*', Condition: { StringEquals: creates, ...untagged } },
    { Sid: 'ManageTaggedUserPools', Effect: 'Allow', Action: ['cognito-idp:UpdateUserPool', 'cognito-idp:DeleteUserPool', 'cognito-idp:SetUserPoolMfaConfig', 'cognito-idp:CreateUserPoolClient', 'cognito-idp:UpdateUserPoolClient', 'cognito-idp:DeleteUserPoolClient', 'cognito-idp:CreateUserPoolDomain', 'cognito-idp:UpdateUserPoolDomain', 'cognito-idp:DeleteUserPoolDomain', 'cognito-idp:UntagResource'], Resource: `arn:aws:cognito-idp:${region}:*:userpool/*`, Condition: { StringEquals: own } },
    ...containerStatements(env, { own, creates, untagged }),
    ...iamStatements(prefix, boundaryArn, scope.containerBoundaryArn),
    // Guard rails that hold whatever an Allow above says.
    ...environmentGuards(env.name),
    { Sid: 'NeverLoosenABoundary', Effect: 'Deny', Action: ['iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeleteRolePermissionsBoundary', 'iam:TagPolicy', 'iam:UntagPolicy'], Resource: '*' },
    { Sid: 'NeverTouchTheDeployRoles', Effect: 'Deny', Action: 'iam:*', Resource: [`arn:aws:iam::*:role/${scope.project}-github-*`, `arn:aws:iam::*:oidc-provider/${GITHUB_OIDC_HOST}`] },
    { Sid: 'NoRemoteCommandsOrSecretValues', Effect: 'Deny', Action: ['ssm:SendCommand', 'ssm:StartSession', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], Resource: '*' },
    { Sid: 'NeverRewriteTheStateBucket', Effect: 'Deny', Action: ['s3:DeleteObjectVersion', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketVersioning', 's3:PutLifecycleConfiguration', 's3:DeleteBucket'], Resource: [scope.stateBucketArn, `${scope.stateBucketArn}/*`] },
  ];
}

/** IAM: roles of this environment only, always inside its boundary, passed only to our services. */
function iamStatements(prefix: string, boundaryArn: string, containerBoundaryArn: string): PolicyStatement[] {
  const createRole = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:PutRolePermissionsBoundary'];
  const containerRoles = `arn:aws:iam::*:role/${containerRoleNamePattern(prefix)}`;
  return [
    { Sid: 'CreateBoundedRoles', Effect: 'Allow', Action: createRole, Resource: `arn:aws:iam::*:role/${prefix}-*`, Condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } } },
    // ECS task credentials carry no source context for the workload boundary to test: the API's two ECS roles carry the container boundary instead.
    { Sid: 'CreateContainerRoles', Effect: 'Allow', Action: createRole, Resource: containerRoles, Condition: { StringEquals: { 'iam:PermissionsBoundary': containerBoundaryArn } } },
    { Sid: 'PassContainerRolesToTasks', Effect: 'Allow', Action: 'iam:PassRole', Resource: containerRoles, Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
    { Sid: 'ManageOwnRoles', Effect: 'Allow', Action: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy'], Resource: `arn:aws:iam::*:role/${prefix}-*` },
    { Sid: 'ManageInstanceProfiles', Effect: 'Allow', Action: ['iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:TagInstanceProfile', 'iam:UntagInstanceProfile'], Resource: `arn:aws:iam::*:instance-profile/${prefix}-*` },
    { Sid: 'PassRolesToOurServices', Effect: 'Allow', Action: 'iam:PassRole', Resource: `arn:aws:iam::*:role/${prefix}-*`, Condition: { StringEquals: { 'iam:PassedToService': PASS_ROLE_SERVICES } } },
    { Sid: 'ServiceLinkedRoles', Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: 'arn:aws:iam::*:role/aws-service-role/*', Condition: { StringEquals: { 'iam:AWSServiceName': SERVICE_LINKED_ROLES } } },
  ];
}

/**
 * The edge: CloudFront ids carry no names, so distributions and VPC origins are matched by the
 * `Environment` tag (creating needs it in the request); WAF web ACLs and log delivery sources and
 * destinations by name, in us-east-1. Response-headers policies, origin access controls and log
 * deliveries have neither a name in their ARN nor a tag IAM can test: with an account of its own
 * the environment manages them there; sharing an account, its role may create them, and changing or
 * deleting one is an operator's step (docs/delivery.md), since IAM cannot tell dev's from prod's.
 */
function edgeStatements(scope: ApplyScope, untagged: PolicyCondition): PolicyStatement[] {
  const prefix = scope.env.namePrefix;
  const env = scope.env.name;
  const untaggable = ['arn:aws:cloudfront::*:origin-access-control/*', 'arn:aws:cloudfront::*:response-headers-policy/*'];
  const changeUntaggable = ['cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl', 'cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:DeleteResponseHeadersPolicy'];
  const changeDeliveries = ['logs:DeleteDelivery', 'logs:UpdateDeliveryConfiguration'];
  const deliveries = `arn:aws:logs:${GLOBAL_REGION}:*:delivery:*`;
  return [
    { Sid: 'CreateTaggedEdge', Effect: 'Allow', Action: ['cloudfront:CreateDistribution', 'cloudfront:CreateVpcOrigin', 'cloudfront:TagResource'], Resource: '*', Condition: { StringEquals: { [`aws:RequestTag/${ENVIRONMENT_TAG}`]: env }, ...untagged } },
    { Sid: 'ManageTaggedEdge', Effect: 'Allow', Action: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution', 'cloudfront:UpdateVpcOrigin', 'cloudfront:DeleteVpcOrigin', 'cloudfront:TagResource', 'cloudfront:UntagResource', 'cloudfront:AllowVendedLogDeliveryForResource'], Resource: '*', Condition: { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env } } },
    // Creating names no resource: IAM authorizes it on `*`; a new policy changes nothing of anyone's.
    { Sid: 'CreateEdgePolicies', Effect: 'Allow', Action: ['cloudfront:CreateOriginAccessControl', 'cloudfront:CreateResponseHeadersPolicy'], Resource: '*' },
    ...(scope.ownAccount ? [{ Sid: 'ManageEdgePoliciesOfOwnAccount', Effect: 'Allow' as const, Action: changeUntaggable, Resource: untaggable }] : []),
    { Sid: 'ManageWebAcl', Effect: 'Allow', Action: 'wafv2:*', Resource: [`arn:aws:wafv2:${GLOBAL_REGION}:*:global/webacl/${prefix}-*/*`, `arn:aws:wafv2:${GLOBAL_REGION}:*:global/managedruleset/*/*`] },
    { Sid: 'ManageEdgeLogDelivery', Effect: 'Allow', Action: ['logs:PutDeliverySource', 'logs:PutDeliveryDestination', 'logs:PutDeliveryDestinationPolicy', 'logs:DeleteDeliverySource', 'logs:DeleteDeliveryDestination', 'logs:DeleteDeliveryDestinationPolicy', 'logs:CreateDelivery', 'logs:TagResource', 'logs:UntagResource'], Resource: [`arn:aws:logs:${GLOBAL_REGION}:*:delivery-source:${prefix}-*`, `arn:aws:logs:${GLOBAL_REGION}:*:delivery-destination:${prefix}-*`, deliveries] },
    ...(scope.ownAccount ? [{ Sid: 'ManageLogDeliveriesOfOwnAccount', Effect: 'Allow' as const, Action: changeDeliveries, Resource: deliveries }] : []),
  ];
}

/**
 * The container path (compute.kind fargate; the repository exists in every environment): the
 * repository, cluster, service and task definitions by the environment's names; scalable targets,
 * whose ARNs carry an id, by the `Environment` tag and the ECS service dimension. A service runs
 * only the environment's own task definitions (another's would hand it that environment's roles).
 * DeregisterTaskDefinition takes no resource (AWS authorizes it on `*`): a task definition made
 * inactive keeps its running tasks and services, and ours are re-registered by the next apply.
 */
function containerStatements(env: EnvironmentConfig, tags: { own: Record<string, string>; creates: Record<string, string>; untagged: PolicyCondition }): PolicyStatement[] {
  const { own, creates, untagged } = tags;
  const prefix = env.namePrefix;
  const region = env.region;
  const ownTaskDefinitions = `arn:aws:ecs:${region}:*:task-definition/${prefix}-*`;
  const scalingTargets = `arn:aws:application-autoscaling:${region}:*:scalable-target/*`;
  const ecsDimension = { 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' };
  return [
    {
      Sid: 'ManageRepositories',
      Effect: 'Allow',
      Action: ['ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability', 'ecr:SetRepositoryPolicy', 'ecr:DeleteRepositoryPolicy', 'ecr:PutLifecyclePolicy', 'ecr:DeleteLifecyclePolicy', 'ecr:TagResource', 'ecr:UntagResource'],
      Resource: `arn:aws:ecr:${region}:*:repository/${prefix}-*`,
    },
    // A repository encrypted with ECR's AWS managed key: ECR makes its grants on that key with the caller's rights.
    { Sid: 'LetEcrGrantItsKey', Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:RetireGrant', 'kms:DescribeKey'], Resource: `arn:aws:kms:${region}:*:key/*`, Condition: { StringEquals: { 'kms:ViaService': `ecr.${region}.amazonaws.com` }, 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/aws/ecr' } } },
    { Sid: 'ManageClusters', Effect: 'Allow', Action: ['ecs:CreateCluster', 'ecs:UpdateCluster', 'ecs:UpdateClusterSettings', 'ecs:DeleteCluster', 'ecs:TagResource', 'ecs:UntagResource'], Resource: `arn:aws:ecs:${region}:*:cluster/${prefix}-*` },
    { Sid: 'ManageServices', Effect: 'Allow', Action: ['ecs:CreateService', 'ecs:UpdateService', 'ecs:DeleteService', 'ecs:TagResource', 'ecs:UntagResource'], Resource: `arn:aws:ecs:${region}:*:service/${prefix}-*/*`, Condition: { ArnLikeIfExists: { 'ecs:task-definition': `${ownTaskDefinitions}:*` } } },
    { Sid: 'RegisterTaggedTaskDefinitions', Effect: 'Allow', Action: 'ecs:RegisterTaskDefinition', Resource: ownTaskDefinitions, Condition: { StringEquals: creates } },
    { Sid: 'ManageTaskDefinitions', Effect: 'Allow', Action: ['ecs:DeleteTaskDefinitions', 'ecs:TagResource', 'ecs:UntagResource'], Resource: ownTaskDefinitions },
    { Sid: 'DeregisterTaskDefinitions', Effect: 'Allow', Action: 'ecs:DeregisterTaskDefinition', Resource: '*' },
    { Sid: 'CreateTaggedScalingTargets', Effect: 'Allow', Action: 'application-autoscaling:RegisterScalableTarget', Resource: scalingTargets, Condition: { StringEquals: { ...ecsDimension, ...creates }, ...untagged } },
    { Sid: 'TagNewScalingTargets', Effect: 'Allow', Action: 'application-autoscaling:TagResource', Resource: scalingTargets, Condition: { StringEquals: creates, ...untagged } },
    {
      Sid: 'ManageTaggedScalingTargets',
      Effect: 'Allow',
      Action: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy'],
      Resource: scalingTargets,
      Condition: { StringEquals: { ...ecsDimension, ...own } },
    },
    // Target tracking makes its alarms (`TargetTracking-service/<cluster>/<service>-AlarmHigh-...`) with the caller's rights.
    { Sid: 'LetScalingManageItsAlarms', Effect: 'Allow', Action: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'], Resource: `arn:aws:cloudwatch:${region}:*:alarm:TargetTracking-service/${prefix}-*` },
    { Sid: 'RetagOwnScalingTargets', Effect: 'Allow', Action: ['application-autoscaling:TagResource', 'application-autoscaling:UntagResource'], Resource: scalingTargets, Condition: { StringEquals: own } },
  ];
}
