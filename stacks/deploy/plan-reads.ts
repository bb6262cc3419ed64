/**
 * What `terraform plan` of our stacks reads from AWS, per resource type: the calls the AWS provider
 * makes to refresh that type, each on the resources of one environment. A plan role gets exactly
 * these reads, scoped by the environment's names or `Environment` tag wherever the API takes a
 * resource; calls that AWS authorizes only on `*` (EC2, Auto Scaling, ELB descriptions, lists)
 * stay unscoped, and their answers hold no secret. A test derives the resource types from the
 * synthesized stacks, so a new type without a line here fails.
 *
 * Deliberately absent: object reads beyond the objects the stacks upload (the site and the API
 * builds), secret values, log events, parameters of anyone else.
 */
import type { EnvironmentConfig } from '../config';
import type { PolicyCondition, PolicyStatement } from '../lib/iam';
import { GLOBAL_REGION } from '../lib/provider';
import { ENVIRONMENT_TAG } from './guards';
import { logGroupArns, workloadBoundaryName } from './workload-boundary';

/** Where a read applies; `targetsOf` turns each into resources (and a condition) for one environment. */
export type ReadTarget =
  | 'unscoped' | 'functions' | 'eventSourceMappings' | 'logGroups' | 'logDeliveries' | 'buckets' | 'deployedObjects' | 'databases'
  | 'roles' | 'queues' | 'topics' | 'alarms' | 'dashboard' | 'parameters' | 'webAcl' | 'taggedEdge' | 'untaggableEdge' | 'keys' | 'userPools'
  | 'repositories' | 'containerServices' | 'scalingTargets';

type Reads = readonly (readonly [ReadTarget, readonly string[]])[];

/** Key prefixes of the objects the stacks upload: the site (StaticSite) and the API builds (ApiService). */
export const DEPLOYED_OBJECT_PREFIXES = ['site/', 'api/'];

const EC2: Reads = [['unscoped', ['ec2:Describe*']]];
const BUCKET: Reads = [['buckets', ['s3:ListBucket', 's3:GetBucket*', 's3:GetEncryptionConfiguration', 's3:GetLifecycleConfiguration', 's3:GetAccelerateConfiguration', 's3:GetReplicationConfiguration', 's3:GetAnalyticsConfiguration', 's3:GetInventoryConfiguration', 's3:GetMetricsConfiguration', 's3:GetIntelligentTieringConfiguration']]];
const IAM: Reads = [['roles', ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:GetInstanceProfile', 'iam:ListInstanceProfilesForRole', 'iam:GetPolicy', 'iam:GetPolicyVersion']]];
const LOGS: Reads = [['unscoped', ['logs:DescribeLogGroups']], ['logGroups', ['logs:ListTagsForResource', 'logs:ListTagsLogGroup']]];
const RDS: Reads = [['databases', ['rds:DescribeDBInstances', 'rds:DescribeDBParameterGroups', 'rds:DescribeDBParameters', 'rds:DescribeDBSubnetGroups', 'rds:ListTagsForResource']]];
const ELB: Reads = [['unscoped', ['elasticloadbalancing:Describe*']]];
const LOG_DELIVERY: Reads = [['unscoped', ['logs:DescribeDeliveries', 'logs:DescribeDeliverySources', 'logs:DescribeDeliveryDestinations']], ['logDeliveries', ['logs:GetDelivery', 'logs:GetDeliverySource', 'logs:GetDeliveryDestination', 'logs:GetDeliveryDestinationPolicy', 'logs:ListTagsForResource']]];
const LAMBDA: Reads = [['functions', ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetFunctionConcurrency', 'lambda:GetPolicy', 'lambda:ListVersionsByFunction', 'lambda:ListTags']]];

export const PLAN_READS: Readonly<Record<string, Reads>> = {
  // Application Auto Scaling and task-definition descriptions take no resource ARN; a scalable target's tags are its own.
  aws_appautoscaling_policy: [['unscoped', ['application-autoscaling:DescribeScalingPolicies']]],
  aws_appautoscaling_target: [['unscoped', ['application-autoscaling:DescribeScalableTargets']], ['scalingTargets', ['application-autoscaling:ListTagsForResource']]],
  aws_autoscaling_group: [['unscoped', ['autoscaling:Describe*']]],
  aws_autoscaling_policy: [['unscoped', ['autoscaling:DescribePolicies']]],
  aws_cloudfront_distribution: [['taggedEdge', ['cloudfront:GetDistribution', 'cloudfront:ListTagsForResource']]],
  // No tags, no names in their ARNs: their configuration (no secret in it) is readable account-wide.
  aws_cloudfront_origin_access_control: [['untaggableEdge', ['cloudfront:GetOriginAccessControl']]],
  aws_cloudfront_response_headers_policy: [['untaggableEdge', ['cloudfront:GetResponseHeadersPolicy']]],
  aws_cloudfront_vpc_origin: [['taggedEdge', ['cloudfront:GetVpcOrigin', 'cloudfront:ListTagsForResource']]],
  aws_cloudwatch_dashboard: [['dashboard', ['cloudwatch:GetDashboard']]],
  aws_cloudwatch_log_delivery: LOG_DELIVERY,
  aws_cloudwatch_log_delivery_destination: LOG_DELIVERY,
  aws_cloudwatch_log_delivery_source: LOG_DELIVERY,
  aws_cloudwatch_log_group: LOGS,
  aws_cloudwatch_metric_alarm: [['alarms', ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource']]],
  aws_cognito_user_pool: [['userPools', ['cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig', 'cognito-idp:ListTagsForResource']]],
  aws_cognito_user_pool_client: [['userPools', ['cognito-idp:DescribeUserPoolClient']]],
  aws_cognito_user_pool_domain: [['unscoped', ['cognito-idp:DescribeUserPoolDomain']]],
  aws_db_instance: RDS,
  aws_db_parameter_group: RDS,
  aws_db_subnet_group: RDS,
  aws_default_security_group: EC2,
  aws_ecr_lifecycle_policy: [['repositories', ['ecr:GetLifecyclePolicy']]],
  aws_ecr_repository: [['repositories', ['ecr:DescribeRepositories', 'ecr:ListTagsForResource']]],
  aws_ecr_repository_policy: [['repositories', ['ecr:GetRepositoryPolicy']]],
  aws_ecs_cluster: [['containerServices', ['ecs:DescribeClusters', 'ecs:ListTagsForResource']]],
  aws_ecs_service: [['containerServices', ['ecs:DescribeServices', 'ecs:ListTagsForResource']]],
  aws_ecs_task_definition: [['unscoped', ['ecs:DescribeTaskDefinition']], ['containerServices', ['ecs:ListTagsForResource']]],
  aws_eip: EC2,
  aws_flow_log: EC2,
  aws_iam_instance_profile: IAM,
  aws_iam_role: IAM,
  aws_iam_role_policy: IAM,
  aws_iam_role_policy_attachment: IAM,
  aws_internet_gateway: EC2,
  aws_kms_alias: [['unscoped', ['kms:ListAliases']]],
  aws_kms_key: [['keys', ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags']]],
  aws_lambda_event_source_mapping: [['unscoped', ['lambda:ListEventSourceMappings']], ['eventSourceMappings', ['lambda:GetEventSourceMapping']]],
  aws_lambda_function: LAMBDA,
  // Terraform keeps an invocation's result in state; refreshing it calls nothing.
  aws_lambda_invocation: [],
  aws_launch_template: EC2,
  aws_lb: ELB,
  aws_lb_listener: ELB,
  aws_lb_listener_rule: ELB,
  aws_lb_target_group: ELB,
  aws_nat_gateway: EC2,
  aws_route: EC2,
  aws_route_table: EC2,
  aws_route_table_association: EC2,
  aws_s3_bucket: BUCKET,
  aws_s3_bucket_lifecycle_configuration: [['buckets', ['s3:GetLifecycleConfiguration']]],
  aws_s3_bucket_logging: [['buckets', ['s3:GetBucketLogging']]],
  aws_s3_bucket_ownership_controls: [['buckets', ['s3:GetBucketOwnershipControls']]],
  aws_s3_bucket_policy: [['buckets', ['s3:GetBucketPolicy']]],
  aws_s3_bucket_public_access_block: [['buckets', ['s3:GetBucketPublicAccessBlock']]],
  aws_s3_bucket_server_side_encryption_configuration: [['buckets', ['s3:GetEncryptionConfiguration']]],
  aws_s3_bucket_versioning: [['buckets', ['s3:GetBucketVersioning']]],
  // Refreshing an object is a HeadObject, which S3 authorizes as GetObject: the uploaded objects only.
  aws_s3_object: [['deployedObjects', ['s3:GetObject', 's3:GetObjectTagging']]],
  aws_security_group: EC2,
  aws_sns_topic: [['topics', ['sns:GetTopicAttributes', 'sns:ListTagsForResource']]],
  aws_sns_topic_subscription: [['topics', ['sns:GetSubscriptionAttributes']]],
  aws_sqs_queue: [['queues', ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags']]],
  aws_sqs_queue_policy: [['queues', ['sqs:GetQueueAttributes']]],
  aws_ssm_parameter: [['unscoped', ['ssm:DescribeParameters']], ['parameters', ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:ListTagsForResource']]],
  aws_subnet: EC2,
  aws_vpc: EC2,
  aws_vpc_endpoint: EC2,
  aws_vpc_security_group_egress_rule: EC2,
  aws_vpc_security_group_ingress_rule: EC2,
  aws_wafv2_web_acl: [['webAcl', ['wafv2:GetWebACL', 'wafv2:ListTagsForResource']]],
};

interface Target {
  readonly resources: readonly string[];
  readonly condition?: PolicyCondition;
}

/** The resources each read target means for one environment. */
export function targetsOf(env: EnvironmentConfig): Record<ReadTarget, Target> {
  const p = env.namePrefix;
  const r = env.region;
  const regions = [...new Set([r, GLOBAL_REGION])];
  const tagged = { StringEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: env.name } };
  return {
    unscoped: { resources: ['*'] },
    functions: { resources: [`arn:aws:lambda:${r}:*:function:${p}-*`] },
    eventSourceMappings: { resources: [`arn:aws:lambda:${r}:*:event-source-mapping:*`], condition: { StringLike: { 'lambda:FunctionArn': `arn:aws:lambda:${r}:*:function:${p}-*` } } },
    logGroups: { resources: logGroupArns(env) },
    logDeliveries: { resources: [`arn:aws:logs:${GLOBAL_REGION}:*:delivery-source:${p}-*`, `arn:aws:logs:${GLOBAL_REGION}:*:delivery-destination:${p}-*`, `arn:aws:logs:${GLOBAL_REGION}:*:delivery:*`] },
    buckets: { resources: [`arn:aws:s3:::${p}-*`] },
    deployedObjects: { resources: DEPLOYED_OBJECT_PREFIXES.map((k) => `arn:aws:s3:::${p}-*/${k}*`) },
    databases: { resources: ['db', 'pg', 'subgrp'].map((kind) => `arn:aws:rds:${r}:*:${kind}:${p}-*`) },
    roles: { resources: [`arn:aws:iam::*:role/${p}-*`, `arn:aws:iam::*:instance-profile/${p}-*`, `arn:aws:iam::*:policy/${workloadBoundaryName(p)}`] },
    queues: { resources: [`arn:aws:sqs:${r}:*:${p}-*`] },
    topics: { resources: regions.map((x) => `arn:aws:sns:${x}:*:${p}-*`) },
    alarms: { resources: regions.map((x) => `arn:aws:cloudwatch:${x}:*:alarm:${p}-*`) },
    dashboard: { resources: [`arn:aws:cloudwatch::*:dashboard/${env.observability.dashboardName}`] },
    parameters: { resources: [`arn:aws:ssm:${r}:*:parameter/${p}-*`] },
    webAcl: { resources: [`arn:aws:wafv2:${GLOBAL_REGION}:*:global/webacl/${p}-*/*`] },
    taggedEdge: { resources: ['arn:aws:cloudfront::*:distribution/*', 'arn:aws:cloudfront::*:vpcorigin/*'], condition: tagged },
    untaggableEdge: { resources: ['arn:aws:cloudfront::*:origin-access-control/*', 'arn:aws:cloudfront::*:response-headers-policy/*'] },
    keys: { resources: regions.map((x) => `arn:aws:kms:${x}:*:key/*`), condition: tagged },
    userPools: { resources: [`arn:aws:cognito-idp:${r}:*:userpool/*`], condition: tagged },
    repositories: { resources: [`arn:aws:ecr:${r}:*:repository/${p}-*`] },
    containerServices: { resources: [`arn:aws:ecs:${r}:*:cluster/${p}-*`, `arn:aws:ecs:${r}:*:service/${p}-*/*`, `arn:aws:ecs:${r}:*:task-definition/${p}-*:*`] },
    scalingTargets: { resources: [`arn:aws:application-autoscaling:${r}:*:scalable-target/*`], condition: tagged },
  };
}

/** One statement per target: every refresh read of the stacks' resource types, on one environment's resources. */
export function refreshStatements(env: EnvironmentConfig): PolicyStatement[] {
  const byTarget = new Map<ReadTarget, Set<string>>();
  for (const reads of Object.values(PLAN_READS)) {
    for (const [target, actions] of reads) {
      const set = byTarget.get(target) ?? new Set<string>();
      actions.forEach((a) => set.add(a));
      byTarget.set(target, set);
    }
  }
  const targets = targetsOf(env);
  return [...byTarget.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([target, actions]) => ({
      Sid: `Refresh${target[0].toUpperCase()}${target.slice(1)}`,
      Effect: 'Allow' as const,
      Action: [...actions].sort(),
      Resource: targets[target].resources.length === 1 ? targets[target].resources[0] : targets[target].resources,
      ...(targets[target].condition ? { Condition: targets[target].condition } : {}),
    }));
}
