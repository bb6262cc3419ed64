/**
 * Every resource type the environment stacks create, as the isolation matrix exercises it: its ARN
 * (from the synthesized resource), what an apply does to it (create, change, delete), what a plan
 * reads to refresh it (the calls the AWS provider makes), and what another environment's role
 * would try on it. The test takes the types from the synthesized stacks: a type missing here fails.
 */
import type { EnvironmentConfig } from '../../../stacks/config';
import { DATABASE_ACCOUNTS } from '../../../api/contract/database';
import type { Json } from '../synth';

/** Where a resource lives and how to name what it refers to. */
export interface Where {
  readonly env: EnvironmentConfig;
  readonly account: string;
  /** A resource's id that AWS would make up: stable per environment and resource. */
  readonly id: (prefix: string) => string;
  /** The bucket name a synthesized `bucket` attribute refers to. */
  readonly bucketOf: (reference: string) => string;
  /** The environment's load balancer name. */
  readonly loadBalancer: string;
  /** The ARN of the environment's database. */
  readonly database: string;
  /** The API repository's policy as the environment stack renders it. */
  readonly repositoryPolicy: Json;
}

export interface ResourceModel {
  readonly arn: (r: Json, at: Where) => string;
  /** The resource a create names when it is not the resource itself (a listener is created on its load balancer). */
  readonly createArn?: (r: Json, at: Where) => string;
  /** The resource's own policy, which the engine evaluates with the request (a KMS key's, a repository's). */
  readonly resourcePolicy?: (r: Json, at: Where) => Json | undefined;
  /** Actions that create it; on an existing parent for a sub-resource. */
  readonly create: readonly string[];
  /** Actions that change or delete it. */
  readonly change: readonly string[];
  /** The reads a refresh makes. */
  readonly reads: readonly string[];
  /** What a role of another environment would try besides changing it. */
  readonly attacks?: readonly string[];
  /** The service's tag and untag actions, for retagging cases. */
  readonly tagging?: readonly [string, string];
  /** `sub`: lives on a tagged parent (routes, rules, bucket settings); `untaggable`: neither tag nor name. */
  readonly kind?: 'sub' | 'untaggable';
  /** Context every request on it carries besides the tags. */
  readonly context?: (r: Json, at: Where) => Record<string, string | string[]>;
  /** Changes that an operator makes in the one-account layout (IAM cannot tell environments apart). */
  readonly operatorInOneAccount?: readonly string[];
  /** Changes AWS authorizes on `*` only, with no condition that names the resource: any environment's apply role may make them. */
  readonly unscopedChanges?: readonly string[];
  /** Reads AWS authorizes on `*` only: any environment's deploy roles may make them. */
  readonly unscopedReads?: readonly string[];
}

const ec2 = (kind: string, idPrefix: string) => (_r: Json, at: Where) => `arn:aws:ec2:${at.env.region}:${at.account}:${kind}/${at.id(idPrefix)}`;
const EC2_TAGS = ['ec2:CreateTags', 'ec2:DeleteTags'] as const;
const EC2_READS = ['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeRouteTables', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules'];
const ec2Model = (kind: string, idPrefix: string, create: string[], change: string[], attacks: string[] = []): ResourceModel => ({ arn: ec2(kind, idPrefix), create, change, reads: EC2_READS, attacks, tagging: EC2_TAGS });
const ec2Sub = (kind: string, idPrefix: string, create: string[], change: string[]): ResourceModel => ({ ...ec2Model(kind, idPrefix, create, change), kind: 'sub' });

const bucketArn = (r: Json, at: Where) => `arn:aws:s3:::${at.bucketOf(r.bucket)}`;
const bucketSetting = (put: string, get: string, remove?: string): ResourceModel => ({ arn: bucketArn, create: [put], change: [put, ...(remove ? [remove] : [])], reads: [get], kind: 'sub' });

const elb = (kind: string) => (_r: Json, at: Where) => `arn:aws:elasticloadbalancing:${at.env.region}:${at.account}:${kind}`;
const ELB_READS = ['elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTags'];
const ELB_TAGS = ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'] as const;

const LAMBDA_READS = ['lambda:GetFunction', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetPolicy', 'lambda:ListVersionsByFunction'];
const functionArn = (name: string, at: Where) => `arn:aws:lambda:${at.env.region}:${at.account}:function:${name}`;

const rds = (kind: string) => (r: Json, at: Where) => `arn:aws:rds:${at.env.region}:${at.account}:${kind}:${r.identifier ?? r.name}`;
const RDS_TAGS = ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'] as const;

const userPool = (_r: Json, at: Where) => `arn:aws:cognito-idp:${at.env.region}:${at.account}:userpool/${at.env.region}_${at.id('pool')}`;
const COGNITO_TAGS = ['cognito-idp:TagResource', 'cognito-idp:UntagResource'] as const;
const CLOUDFRONT_TAGS = ['cloudfront:TagResource', 'cloudfront:UntagResource'] as const;
const LOGS_TAGS = ['logs:TagResource', 'logs:UntagResource'] as const;

const logGroupArn = (r: Json, at: Where) => `arn:aws:logs:${at.env.region}:${at.account}:log-group:${r.name}`;
const delivery = (kind: string) => (r: Json, at: Where) => `arn:aws:logs:us-east-1:${at.account}:${kind}:${r.name ?? at.id('delivery')}`;
const roleArn = (name: string, at: Where) => `arn:aws:iam::${at.account}:role/${name}`;
const IAM_READS = ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'];
const regionOfProvider = (r: Json, at: Where) => (String(r.provider ?? '').includes('global') ? 'us-east-1' : at.env.region);

const repositoryArn = (name: string, at: Where) => `arn:aws:ecr:${at.env.region}:${at.account}:repository/${name}`;
const apiRepository = (_r: Json, at: Where) => repositoryArn(`${at.env.namePrefix}-api`, at);
const repositoryPolicy = (_r: Json, at: Where) => at.repositoryPolicy;
const ecs = (kind: string, name: string, at: Where) => `arn:aws:ecs:${at.env.region}:${at.account}:${kind}/${name}`;
/** The API's cluster, and its task definition's first revision. */
export const apiCluster = (at: Where) => ecs('cluster', `${at.env.namePrefix}-api`, at);
export const apiTaskDefinition = (at: Where) => ecs('task-definition', `${at.env.namePrefix}-api:1`, at);
const ECS_TAGS = ['ecs:TagResource', 'ecs:UntagResource'] as const;
// Scalable targets' ARNs carry an id Application Auto Scaling makes up; their policies live on them.
const scalableTarget = (_r: Json, at: Where) => `arn:aws:application-autoscaling:${at.env.region}:${at.account}:scalable-target/0e${at.id('target')}`;
const ECS_SERVICE_DIMENSION = () => ({ 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' });

export const RESOURCE_MODELS: Readonly<Record<string, ResourceModel>> = {
  aws_vpc: ec2Model('vpc', 'vpc', ['ec2:CreateVpc'], ['ec2:ModifyVpcAttribute', 'ec2:DeleteVpc'], ['ec2:CreateSubnet']),
  aws_subnet: ec2Model('subnet', 'subnet', ['ec2:CreateSubnet'], ['ec2:ModifySubnetAttribute', 'ec2:DeleteSubnet'], ['ec2:CreateNetworkInterface', 'ec2:RunInstances']),
  aws_internet_gateway: ec2Model('internet-gateway', 'igw', ['ec2:CreateInternetGateway'], ['ec2:AttachInternetGateway', 'ec2:DetachInternetGateway', 'ec2:DeleteInternetGateway']),
  aws_route_table: ec2Model('route-table', 'rtb', ['ec2:CreateRouteTable'], ['ec2:DeleteRouteTable']),
  aws_route: ec2Sub('route-table', 'rtb', ['ec2:CreateRoute'], ['ec2:ReplaceRoute', 'ec2:DeleteRoute']),
  aws_route_table_association: ec2Sub('route-table', 'rtb', ['ec2:AssociateRouteTable'], ['ec2:DisassociateRouteTable']),
  aws_security_group: ec2Model('security-group', 'sg', ['ec2:CreateSecurityGroup'], ['ec2:DeleteSecurityGroup', 'ec2:ModifySecurityGroupRules'], ['ec2:AuthorizeSecurityGroupIngress']),
  aws_default_security_group: ec2Sub('security-group', 'sg-default', ['ec2:RevokeSecurityGroupIngress'], ['ec2:RevokeSecurityGroupEgress']),
  aws_vpc_security_group_ingress_rule: ec2Sub('security-group', 'sg', ['ec2:AuthorizeSecurityGroupIngress'], ['ec2:ModifySecurityGroupRules', 'ec2:RevokeSecurityGroupIngress']),
  aws_vpc_security_group_egress_rule: ec2Sub('security-group', 'sg', ['ec2:AuthorizeSecurityGroupEgress'], ['ec2:ModifySecurityGroupRules', 'ec2:RevokeSecurityGroupEgress']),
  aws_eip: ec2Model('elastic-ip', 'eipalloc', ['ec2:AllocateAddress'], ['ec2:ReleaseAddress']),
  aws_nat_gateway: ec2Model('natgateway', 'nat', ['ec2:CreateNatGateway'], ['ec2:DeleteNatGateway']),
  aws_vpc_endpoint: ec2Model('vpc-endpoint', 'vpce', ['ec2:CreateVpcEndpoint'], ['ec2:ModifyVpcEndpoint', 'ec2:DeleteVpcEndpoints']),
  aws_flow_log: ec2Model('vpc-flow-log', 'fl', ['ec2:CreateFlowLogs'], ['ec2:DeleteFlowLogs']),
  aws_launch_template: { ...ec2Model('launch-template', 'lt', ['ec2:CreateLaunchTemplate'], ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate', 'ec2:DeleteLaunchTemplate']), reads: ['ec2:DescribeLaunchTemplates', 'ec2:DescribeLaunchTemplateVersions'] },

  aws_lb: { arn: (r, at) => elb(`loadbalancer/app/${r.name}/50dc6c495c0c9188`)(r, at), create: ['elasticloadbalancing:CreateLoadBalancer'], change: ['elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:DeleteLoadBalancer'], reads: ELB_READS, attacks: ['elasticloadbalancing:SetSecurityGroups'], tagging: ELB_TAGS },
  aws_lb_target_group: { arn: (r, at) => elb(`targetgroup/${r.name}/73e2d6bc24d8a067`)(r, at), create: ['elasticloadbalancing:CreateTargetGroup'], change: ['elasticloadbalancing:ModifyTargetGroup', 'elasticloadbalancing:DeleteTargetGroup'], reads: ELB_READS, attacks: ['elasticloadbalancing:RegisterTargets'] },
  aws_lb_listener: { arn: (r, at) => elb(`listener/app/${at.loadBalancer}/50dc6c495c0c9188/f2f7dc8efc522ab2`)(r, at), createArn: (r, at) => elb(`loadbalancer/app/${at.loadBalancer}/50dc6c495c0c9188`)(r, at), create: ['elasticloadbalancing:CreateListener'], change: ['elasticloadbalancing:ModifyListener', 'elasticloadbalancing:DeleteListener'], reads: ELB_READS },
  aws_lb_listener_rule: { arn: (r, at) => elb(`listener-rule/app/${at.loadBalancer}/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`)(r, at), createArn: (r, at) => elb(`listener/app/${at.loadBalancer}/50dc6c495c0c9188/f2f7dc8efc522ab2`)(r, at), create: ['elasticloadbalancing:CreateRule'], change: ['elasticloadbalancing:ModifyRule', 'elasticloadbalancing:DeleteRule'], reads: ELB_READS },
  aws_autoscaling_group: { arn: (r, at) => `arn:aws:autoscaling:${at.env.region}:${at.account}:autoScalingGroup:6d2ba0f0-0000-4000-8000-000000000000:autoScalingGroupName/${r.name}`, create: ['autoscaling:CreateAutoScalingGroup'], change: ['autoscaling:UpdateAutoScalingGroup', 'autoscaling:DeleteAutoScalingGroup'], reads: ['autoscaling:DescribeAutoScalingGroups'], attacks: ['autoscaling:SetDesiredCapacity'], tagging: ['autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags'] },
  aws_autoscaling_policy: { arn: (_r, at) => `arn:aws:autoscaling:${at.env.region}:${at.account}:autoScalingGroup:6d2ba0f0-0000-4000-8000-000000000000:autoScalingGroupName/${at.env.namePrefix}-api`, create: ['autoscaling:PutScalingPolicy'], change: ['autoscaling:DeletePolicy'], reads: ['autoscaling:DescribePolicies'], kind: 'sub' },

  aws_db_instance: { arn: rds('db'), create: ['rds:CreateDBInstance'], change: ['rds:ModifyDBInstance', 'rds:DeleteDBInstance'], reads: ['rds:DescribeDBInstances', 'rds:ListTagsForResource'], attacks: ['rds:RebootDBInstance', 'rds:CreateDBSnapshot'], tagging: RDS_TAGS },
  aws_db_parameter_group: { arn: rds('pg'), create: ['rds:CreateDBParameterGroup'], change: ['rds:ModifyDBParameterGroup', 'rds:DeleteDBParameterGroup'], reads: ['rds:DescribeDBParameterGroups', 'rds:DescribeDBParameters'], tagging: RDS_TAGS },
  aws_db_subnet_group: { arn: rds('subgrp'), create: ['rds:CreateDBSubnetGroup'], change: ['rds:ModifyDBSubnetGroup', 'rds:DeleteDBSubnetGroup'], reads: ['rds:DescribeDBSubnetGroups'], tagging: RDS_TAGS },

  aws_s3_bucket: { arn: (r, at) => `arn:aws:s3:::${at.bucketOf(r.bucket ?? r.bucket_prefix)}`, create: ['s3:CreateBucket', 's3:PutBucketTagging'], change: ['s3:DeleteBucket'], reads: ['s3:ListBucket', 's3:GetBucketTagging', 's3:GetBucketAcl', 's3:GetBucketCORS', 's3:GetBucketWebsite', 's3:GetBucketObjectLockConfiguration'], attacks: ['s3:PutBucketPolicy', 's3:PutBucketAcl', 's3:ListBucket'] },
  aws_s3_bucket_lifecycle_configuration: bucketSetting('s3:PutLifecycleConfiguration', 's3:GetLifecycleConfiguration'),
  aws_s3_bucket_ownership_controls: bucketSetting('s3:PutBucketOwnershipControls', 's3:GetBucketOwnershipControls'),
  aws_s3_bucket_policy: { ...bucketSetting('s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'), attacks: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'] },
  aws_s3_bucket_public_access_block: { ...bucketSetting('s3:PutBucketPublicAccessBlock', 's3:GetBucketPublicAccessBlock'), attacks: ['s3:PutBucketPublicAccessBlock'] },
  aws_s3_bucket_server_side_encryption_configuration: bucketSetting('s3:PutEncryptionConfiguration', 's3:GetEncryptionConfiguration'),
  aws_s3_bucket_versioning: bucketSetting('s3:PutBucketVersioning', 's3:GetBucketVersioning'),
  aws_s3_bucket_logging: bucketSetting('s3:PutBucketLogging', 's3:GetBucketLogging'),
  // The site's files: overwriting them is stored XSS against the environment's sign-in.
  aws_s3_object: { arn: (r, at) => `arn:aws:s3:::${at.bucketOf(r.bucket)}/${r.key}`, create: ['s3:PutObject'], change: ['s3:PutObject', 's3:DeleteObject'], reads: ['s3:GetObject', 's3:GetObjectTagging'], attacks: ['s3:PutObject', 's3:GetObject'], kind: 'sub' },

  aws_lambda_function: { arn: (r, at) => functionArn(r.function_name, at), create: ['lambda:CreateFunction'], change: ['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration', 'lambda:DeleteFunction'], reads: [...LAMBDA_READS, 'lambda:GetFunctionConfiguration'], attacks: ['lambda:InvokeFunction', 'lambda:GetFunction', 'lambda:AddPermission'], tagging: ['lambda:TagResource', 'lambda:UntagResource'] },
  aws_lambda_event_source_mapping: {
    arn: (_r, at) => `arn:aws:lambda:${at.env.region}:${at.account}:event-source-mapping:${at.id('esm')}`,
    create: ['lambda:CreateEventSourceMapping'], change: ['lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'], reads: ['lambda:GetEventSourceMapping', 'lambda:ListEventSourceMappings'],
    context: (_r, at) => ({ 'lambda:FunctionArn': functionArn(`${at.env.namePrefix}-image-worker`, at) }),
  },
  aws_lambda_invocation: { arn: (r, at) => functionArn(String(r.function_name), at), create: ['lambda:InvokeFunction'], change: ['lambda:InvokeFunction'], reads: [], attacks: ['lambda:InvokeFunction'], kind: 'sub' },

  aws_sqs_queue: { arn: (r, at) => `arn:aws:sqs:${at.env.region}:${at.account}:${r.name}`, create: ['sqs:CreateQueue'], change: ['sqs:SetQueueAttributes', 'sqs:DeleteQueue'], reads: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'], attacks: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:PurgeQueue'], tagging: ['sqs:TagQueue', 'sqs:UntagQueue'] },
  aws_sqs_queue_policy: { arn: (_r, at) => `arn:aws:sqs:${at.env.region}:${at.account}:${at.env.namePrefix}-images`, create: ['sqs:SetQueueAttributes'], change: ['sqs:SetQueueAttributes'], reads: ['sqs:GetQueueAttributes'], kind: 'sub' },
  aws_sns_topic: { arn: (r, at) => `arn:aws:sns:${regionOfProvider(r, at)}:${at.account}:${r.name}`, create: ['sns:CreateTopic'], change: ['sns:SetTopicAttributes', 'sns:DeleteTopic'], reads: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'], attacks: ['sns:Subscribe', 'sns:Publish'], tagging: ['sns:TagResource', 'sns:UntagResource'] },
  aws_sns_topic_subscription: { arn: (r, at) => `arn:aws:sns:${regionOfProvider(r, at)}:${at.account}:${at.env.namePrefix}-alerts`, create: ['sns:Subscribe'], change: ['sns:Unsubscribe'], reads: ['sns:GetSubscriptionAttributes'], kind: 'sub' },

  aws_cloudwatch_log_group: { arn: logGroupArn, create: ['logs:CreateLogGroup'], change: ['logs:PutRetentionPolicy', 'logs:DeleteLogGroup'], reads: ['logs:DescribeLogGroups', 'logs:ListTagsForResource'], attacks: ['logs:FilterLogEvents'], tagging: LOGS_TAGS },
  aws_cloudwatch_log_delivery_source: { arn: delivery('delivery-source'), create: ['logs:PutDeliverySource'], change: ['logs:PutDeliverySource'], reads: ['logs:GetDeliverySource', 'logs:DescribeDeliverySources'], tagging: LOGS_TAGS },
  aws_cloudwatch_log_delivery_destination: { arn: delivery('delivery-destination'), create: ['logs:PutDeliveryDestination'], change: ['logs:PutDeliveryDestination', 'logs:DeleteDeliveryDestination'], reads: ['logs:GetDeliveryDestination'], tagging: LOGS_TAGS },
  aws_cloudwatch_log_delivery: { arn: (_r, at) => `arn:aws:logs:us-east-1:${at.account}:delivery:${at.id('delivery')}`, create: ['logs:CreateDelivery'], change: ['logs:UpdateDeliveryConfiguration', 'logs:DeleteDelivery'], reads: ['logs:GetDelivery'], kind: 'untaggable', operatorInOneAccount: ['logs:UpdateDeliveryConfiguration', 'logs:DeleteDelivery'] },
  aws_cloudwatch_metric_alarm: { arn: (r, at) => `arn:aws:cloudwatch:${regionOfProvider(r, at)}:${at.account}:alarm:${r.alarm_name}`, create: ['cloudwatch:PutMetricAlarm'], change: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'], reads: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'], attacks: ['cloudwatch:DisableAlarmActions'], tagging: ['cloudwatch:TagResource', 'cloudwatch:UntagResource'] },
  aws_cloudwatch_dashboard: { arn: (r, at) => `arn:aws:cloudwatch::${at.account}:dashboard/${r.dashboard_name}`, create: ['cloudwatch:PutDashboard'], change: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'], reads: ['cloudwatch:GetDashboard'] },

  aws_kms_key: { arn: (r, at) => `arn:aws:kms:${regionOfProvider(r, at)}:${at.account}:key/${at.id('key')}`, create: ['kms:CreateKey'], change: ['kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:ScheduleKeyDeletion'], reads: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'], attacks: ['kms:Decrypt', 'kms:PutKeyPolicy', 'kms:DisableKey'], tagging: ['kms:TagResource', 'kms:UntagResource'], resourcePolicy: (r) => JSON.parse(r.policy) },
  aws_kms_alias: { arn: (r, at) => `arn:aws:kms:${regionOfProvider(r, at)}:${at.account}:${r.name}`, create: ['kms:CreateAlias'], change: ['kms:UpdateAlias', 'kms:DeleteAlias'], reads: ['kms:ListAliases'], kind: 'sub' },
  aws_ssm_parameter: { arn: (r, at) => `arn:aws:ssm:${at.env.region}:${at.account}:parameter/${String(r.name).replace(/^\//, '')}`, create: ['ssm:PutParameter'], change: ['ssm:PutParameter', 'ssm:DeleteParameter'], reads: ['ssm:GetParameter', 'ssm:DescribeParameters', 'ssm:ListTagsForResource'], attacks: ['ssm:PutParameter', 'ssm:GetParameter'], tagging: ['ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'] },

  aws_iam_role: {
    arn: (r, at) => roleArn(r.name, at), create: ['iam:CreateRole', 'iam:PassRole'], change: ['iam:UpdateAssumeRolePolicy', 'iam:DeleteRole'], reads: IAM_READS,
    attacks: ['iam:PassRole', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:DeleteRolePermissionsBoundary', 'iam:AttachRolePolicy'], tagging: ['iam:TagRole', 'iam:UntagRole'],
    context: (r) => ({ 'iam:PassedToService': JSON.parse(r.assume_role_policy).Statement[0].Principal.Service }),
  },
  aws_iam_role_policy: { arn: (r, at) => roleArn(String(r.role), at), create: ['iam:PutRolePolicy'], change: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], reads: ['iam:GetRolePolicy'], kind: 'sub' },
  aws_iam_instance_profile: { arn: (r, at) => `arn:aws:iam::${at.account}:instance-profile/${r.name}`, create: ['iam:CreateInstanceProfile', 'iam:AddRoleToInstanceProfile'], change: ['iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'], reads: ['iam:GetInstanceProfile'], attacks: ['iam:AddRoleToInstanceProfile'], tagging: ['iam:TagInstanceProfile', 'iam:UntagInstanceProfile'] },

  aws_cloudfront_distribution: { arn: (_r, at) => `arn:aws:cloudfront::${at.account}:distribution/E${at.id('dist').toUpperCase()}`, create: ['cloudfront:CreateDistribution'], change: ['cloudfront:UpdateDistribution', 'cloudfront:DeleteDistribution'], reads: ['cloudfront:GetDistribution', 'cloudfront:ListTagsForResource'], attacks: ['cloudfront:UpdateDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:CreateInvalidation'], tagging: CLOUDFRONT_TAGS },
  aws_cloudfront_vpc_origin: { arn: (_r, at) => `arn:aws:cloudfront::${at.account}:vpcorigin/vo_${at.id('origin')}`, create: ['cloudfront:CreateVpcOrigin'], change: ['cloudfront:UpdateVpcOrigin', 'cloudfront:DeleteVpcOrigin'], reads: ['cloudfront:GetVpcOrigin', 'cloudfront:ListTagsForResource'], tagging: CLOUDFRONT_TAGS },
  aws_cloudfront_response_headers_policy: { arn: (_r, at) => `arn:aws:cloudfront::${at.account}:response-headers-policy/${at.id('rhp')}`, create: ['cloudfront:CreateResponseHeadersPolicy'], change: ['cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:DeleteResponseHeadersPolicy'], reads: ['cloudfront:GetResponseHeadersPolicy'], kind: 'untaggable', operatorInOneAccount: ['cloudfront:UpdateResponseHeadersPolicy', 'cloudfront:DeleteResponseHeadersPolicy'] },
  aws_cloudfront_origin_access_control: { arn: (_r, at) => `arn:aws:cloudfront::${at.account}:origin-access-control/${at.id('oac').toUpperCase()}`, create: ['cloudfront:CreateOriginAccessControl'], change: ['cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl'], reads: ['cloudfront:GetOriginAccessControl'], kind: 'untaggable', operatorInOneAccount: ['cloudfront:UpdateOriginAccessControl', 'cloudfront:DeleteOriginAccessControl'] },
  aws_wafv2_web_acl: { arn: (r, at) => `arn:aws:wafv2:us-east-1:${at.account}:global/webacl/${r.name}/${at.id('acl')}`, create: ['wafv2:CreateWebACL'], change: ['wafv2:UpdateWebACL', 'wafv2:DeleteWebACL'], reads: ['wafv2:GetWebACL', 'wafv2:ListTagsForResource'], attacks: ['wafv2:UpdateWebACL'], tagging: ['wafv2:TagResource', 'wafv2:UntagResource'] },

  // Callback URLs, the client's secret and deletion protection live on the pool and its client.
  aws_cognito_user_pool: { arn: userPool, create: ['cognito-idp:CreateUserPool'], change: ['cognito-idp:UpdateUserPool', 'cognito-idp:SetUserPoolMfaConfig', 'cognito-idp:DeleteUserPool'], reads: ['cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig', 'cognito-idp:ListTagsForResource'], attacks: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminSetUserPassword'], tagging: COGNITO_TAGS },
  aws_cognito_user_pool_client: { arn: userPool, create: ['cognito-idp:CreateUserPoolClient'], change: ['cognito-idp:UpdateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'], reads: ['cognito-idp:DescribeUserPoolClient'], attacks: ['cognito-idp:UpdateUserPoolClient', 'cognito-idp:DescribeUserPoolClient'], kind: 'sub' },
  // The repository's own policy decides with the identity's: pushing is the push role's alone, pulling the execution role's.
  aws_ecr_repository: {
    arn: (r, at) => repositoryArn(r.name, at), create: ['ecr:CreateRepository', 'ecr:TagResource'], change: ['ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability', 'ecr:DeleteRepository'], reads: ['ecr:DescribeRepositories', 'ecr:ListTagsForResource'],
    attacks: ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchDeleteImage', 'ecr:SetRepositoryPolicy'], tagging: ['ecr:TagResource', 'ecr:UntagResource'], resourcePolicy: repositoryPolicy,
  },
  aws_ecr_repository_policy: { arn: apiRepository, create: ['ecr:SetRepositoryPolicy'], change: ['ecr:SetRepositoryPolicy', 'ecr:DeleteRepositoryPolicy'], reads: ['ecr:GetRepositoryPolicy'], attacks: ['ecr:SetRepositoryPolicy', 'ecr:DeleteRepositoryPolicy'], kind: 'sub', resourcePolicy: repositoryPolicy },
  aws_ecr_lifecycle_policy: { arn: apiRepository, create: ['ecr:PutLifecyclePolicy'], change: ['ecr:PutLifecyclePolicy', 'ecr:DeleteLifecyclePolicy'], reads: ['ecr:GetLifecyclePolicy'], attacks: ['ecr:PutLifecyclePolicy'], kind: 'sub', resourcePolicy: repositoryPolicy },
  aws_ecs_cluster: { arn: (r, at) => ecs('cluster', r.name, at), create: ['ecs:CreateCluster'], change: ['ecs:UpdateCluster', 'ecs:UpdateClusterSettings', 'ecs:DeleteCluster'], reads: ['ecs:DescribeClusters', 'ecs:ListTagsForResource'], attacks: ['ecs:PutClusterCapacityProviders'], tagging: ECS_TAGS },
  // A service runs the environment's own task definition; UpdateService is also how ECS Exec or another image would come in.
  aws_ecs_service: {
    arn: (r, at) => ecs('service', `${at.env.namePrefix}-api/${r.name}`, at), create: ['ecs:CreateService'], change: ['ecs:UpdateService', 'ecs:DeleteService'], reads: ['ecs:DescribeServices', 'ecs:ListTagsForResource'], attacks: ['ecs:UpdateService', 'ecs:DeleteService'], tagging: ECS_TAGS,
    context: (_r, at) => ({ 'ecs:cluster': apiCluster(at), 'ecs:task-definition': apiTaskDefinition(at) }),
  },
  // Its containers name the image and both roles: a new revision of another environment's family would run as that environment.
  aws_ecs_task_definition: {
    arn: (r, at) => ecs('task-definition', `${r.family}:1`, at), create: ['ecs:RegisterTaskDefinition'], change: ['ecs:DeleteTaskDefinitions'], reads: ['ecs:DescribeTaskDefinition', 'ecs:ListTagsForResource'],
    attacks: ['ecs:RegisterTaskDefinition', 'ecs:RunTask', 'ecs:StartTask'], tagging: ECS_TAGS, unscopedChanges: ['ecs:DeregisterTaskDefinition'], unscopedReads: ['ecs:DescribeTaskDefinition'],
  },
  aws_appautoscaling_target: {
    arn: scalableTarget, create: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:TagResource'], change: ['application-autoscaling:RegisterScalableTarget', 'application-autoscaling:DeregisterScalableTarget'],
    reads: ['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:ListTagsForResource'], attacks: ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:PutScheduledAction'], tagging: ['application-autoscaling:TagResource', 'application-autoscaling:UntagResource'],
    context: ECS_SERVICE_DIMENSION,
  },
  aws_appautoscaling_policy: { arn: scalableTarget, create: ['application-autoscaling:PutScalingPolicy'], change: ['application-autoscaling:PutScalingPolicy', 'application-autoscaling:DeleteScalingPolicy'], reads: ['application-autoscaling:DescribeScalingPolicies'], kind: 'sub', context: ECS_SERVICE_DIMENSION },

  aws_cognito_user_pool_domain: { arn: userPool, create: ['cognito-idp:CreateUserPoolDomain'], change: ['cognito-idp:UpdateUserPoolDomain', 'cognito-idp:DeleteUserPoolDomain'], reads: ['cognito-idp:DescribeUserPoolDomain'], kind: 'sub' },
};

/** What another environment tries on the database beyond the instance: its master secret and its accounts. */
export function databaseAttacks(at: Where): { action: string; arn: string; context?: Record<string, string> }[] {
  const secret = `arn:aws:secretsmanager:${at.env.region}:${at.account}:secret:rds!db-${at.id('secret')}-AbCdEf`;
  const secretTag = { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': at.database };
  return [
    ...['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DeleteSecret', 'secretsmanager:RotateSecret', 'secretsmanager:TagResource'].map((action) => ({ action, arn: secret, context: secretTag })),
    ...Object.values(DATABASE_ACCOUNTS).map((a) => ({ action: 'rds-db:connect', arn: `arn:aws:rds-db:${at.env.region}:${at.account}:dbuser:${at.env.databaseResourceId}/${a.user}` })),
  ];
}

/** What the apply needs on the master secret RDS makes for its own database. */
export function databaseSecretOps(at: Where): { action: string; arn: string; context?: Record<string, string> }[] {
  const secret = `arn:aws:secretsmanager:${at.env.region}:${at.account}:secret:rds!db-${at.id('secret')}-AbCdEf`;
  const secretTag = { 'aws:ResourceTag/aws:rds:primaryDBInstanceArn': at.database };
  return [
    { action: 'secretsmanager:CreateSecret', arn: secret },
    { action: 'secretsmanager:TagResource', arn: secret },
    ...['secretsmanager:DescribeSecret', 'secretsmanager:RotateSecret', 'secretsmanager:DeleteSecret'].map((action) => ({ action, arn: secret, context: secretTag })),
  ];
}
