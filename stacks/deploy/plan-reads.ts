/**
 * What `terraform plan` of our stacks reads from AWS, per resource type: the Describe/List/Get
 * calls the AWS provider makes to refresh that type. The plan role gets exactly their union,
 * instead of ReadOnlyAccess (which reads every object, log and secret of the account). A test
 * derives the resource types from the synthesized stacks, so a new type without a line here fails.
 *
 * Deliberately absent: s3:GetObject (objects are data; only the state and the API build's
 * metadata are read, see the plan policy), secretsmanager:GetSecretValue, logs:GetLogEvents,
 * ssm:GetParameter beyond the project's own parameters.
 */
const EC2_READS = ['ec2:Describe*'];
const S3_BUCKET_READS = ['s3:ListBucket', 's3:GetBucket*', 's3:GetEncryptionConfiguration', 's3:GetLifecycleConfiguration', 's3:GetAccelerateConfiguration', 's3:GetReplicationConfiguration', 's3:GetAnalyticsConfiguration', 's3:GetInventoryConfiguration', 's3:GetMetricsConfiguration', 's3:GetIntelligentTieringConfiguration'];
const IAM_READS = ['iam:Get*', 'iam:List*'];
const LOGS_READS = ['logs:Describe*', 'logs:ListTagsForResource', 'logs:ListTagsLogGroup'];
const RDS_READS = ['rds:Describe*', 'rds:ListTagsForResource'];
const ELB_READS = ['elasticloadbalancing:Describe*'];
const CLOUDFRONT_READS = ['cloudfront:ListTagsForResource'];
const LOG_DELIVERY_READS = ['logs:GetDelivery', 'logs:GetDeliverySource', 'logs:GetDeliveryDestination', 'logs:DescribeDeliveries', 'logs:ListTagsForResource'];
const LAMBDA_READS = ['lambda:GetFunction', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetFunctionConcurrency', 'lambda:GetPolicy', 'lambda:ListVersionsByFunction', 'lambda:ListTags'];

export const PLAN_READS: Readonly<Record<string, readonly string[]>> = {
  aws_appautoscaling_policy: ['application-autoscaling:DescribeScalingPolicies'],
  aws_appautoscaling_target: ['application-autoscaling:DescribeScalableTargets', 'application-autoscaling:ListTagsForResource'],
  aws_autoscaling_group: ['autoscaling:Describe*'],
  aws_cloudfront_distribution: ['cloudfront:GetDistribution', ...CLOUDFRONT_READS],
  aws_cloudfront_origin_access_control: ['cloudfront:GetOriginAccessControl'],
  aws_cloudfront_response_headers_policy: ['cloudfront:GetResponseHeadersPolicy'],
  aws_cloudfront_vpc_origin: ['cloudfront:GetVpcOrigin', ...CLOUDFRONT_READS],
  aws_cloudwatch_log_delivery: LOG_DELIVERY_READS,
  aws_cloudwatch_log_delivery_destination: LOG_DELIVERY_READS,
  aws_cloudwatch_log_delivery_source: LOG_DELIVERY_READS,
  aws_autoscaling_policy: ['autoscaling:DescribePolicies'],
  aws_cloudwatch_dashboard: ['cloudwatch:GetDashboard'],
  aws_cloudwatch_log_group: LOGS_READS,
  aws_cloudwatch_metric_alarm: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
  aws_cognito_user_pool: ['cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig', 'cognito-idp:ListTagsForResource'],
  aws_cognito_user_pool_client: ['cognito-idp:DescribeUserPoolClient'],
  aws_cognito_user_pool_domain: ['cognito-idp:DescribeUserPoolDomain'],
  aws_db_instance: RDS_READS,
  aws_db_parameter_group: RDS_READS,
  aws_db_subnet_group: RDS_READS,
  aws_default_security_group: EC2_READS,
  aws_ecr_lifecycle_policy: ['ecr:GetLifecyclePolicy'],
  aws_ecr_repository: ['ecr:DescribeRepositories', 'ecr:ListTagsForResource'],
  aws_ecr_repository_policy: ['ecr:GetRepositoryPolicy'],
  aws_ecs_cluster: ['ecs:DescribeClusters', 'ecs:ListTagsForResource'],
  aws_ecs_service: ['ecs:DescribeServices', 'ecs:ListTagsForResource'],
  aws_ecs_task_definition: ['ecs:DescribeTaskDefinition', 'ecs:ListTagsForResource'],
  aws_eip: EC2_READS,
  aws_flow_log: EC2_READS,
  aws_iam_instance_profile: IAM_READS,
  aws_iam_openid_connect_provider: IAM_READS,
  aws_iam_policy: IAM_READS,
  aws_iam_role: IAM_READS,
  aws_iam_role_policy: IAM_READS,
  aws_iam_role_policy_attachment: IAM_READS,
  aws_internet_gateway: EC2_READS,
  aws_kms_alias: ['kms:ListAliases'],
  aws_kms_key: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
  aws_lambda_event_source_mapping: ['lambda:GetEventSourceMapping', 'lambda:ListEventSourceMappings'],
  aws_lambda_function: LAMBDA_READS,
  // Terraform keeps an invocation's result in state; refreshing it calls nothing.
  aws_lambda_invocation: [],
  aws_launch_template: EC2_READS,
  aws_lb: ELB_READS,
  aws_lb_listener: ELB_READS,
  aws_lb_listener_rule: ELB_READS,
  aws_lb_target_group: ELB_READS,
  aws_nat_gateway: EC2_READS,
  aws_route: EC2_READS,
  aws_route_table: EC2_READS,
  aws_route_table_association: EC2_READS,
  aws_s3_bucket: [...S3_BUCKET_READS, 's3:GetBucketTagging', 's3:GetBucketObjectLockConfiguration'],
  aws_s3_bucket_lifecycle_configuration: ['s3:GetLifecycleConfiguration'],
  aws_s3_bucket_logging: ['s3:GetBucketLogging'],
  aws_s3_bucket_ownership_controls: ['s3:GetBucketOwnershipControls'],
  aws_s3_bucket_policy: ['s3:GetBucketPolicy'],
  aws_s3_bucket_public_access_block: ['s3:GetBucketPublicAccessBlock'],
  aws_s3_bucket_server_side_encryption_configuration: ['s3:GetEncryptionConfiguration'],
  aws_s3_bucket_versioning: ['s3:GetBucketVersioning'],
  // Refreshing an object is a HeadObject, which S3 authorizes as GetObject: granted for the API builds only.
  aws_s3_object: ['s3:GetObjectTagging'],
  aws_security_group: EC2_READS,
  aws_sns_topic: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
  aws_sns_topic_subscription: ['sns:GetSubscriptionAttributes'],
  aws_sqs_queue: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'],
  aws_sqs_queue_policy: ['sqs:GetQueueAttributes'],
  aws_ssm_parameter: ['ssm:DescribeParameters', 'ssm:ListTagsForResource'],
  aws_subnet: EC2_READS,
  aws_vpc: EC2_READS,
  aws_vpc_endpoint: EC2_READS,
  aws_vpc_security_group_egress_rule: EC2_READS,
  aws_vpc_security_group_ingress_rule: EC2_READS,
  aws_wafv2_web_acl: ['wafv2:GetWebACL', 'wafv2:ListTagsForResource'],
};

/** Every read the plan role needs, once each, sorted. */
export function planReadActions(): string[] {
  return [...new Set(Object.values(PLAN_READS).flat())].sort();
}
