import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { SecureBucket } from '../../stacks/constructs/secure-bucket';
import { GrantableRole } from '../../stacks/lib/role';
import { onlyResource, refTo, statements, synthConstruct } from './synth';

setupJest();

const bucket = synthConstruct((scope) => {
  const b = new SecureBucket(scope, 'files', { bucketPrefix: 'files-', noncurrentVersionExpirationDays: 30 });
  const role = new GrantableRole(scope, { ids: { role: 'reader', policy: 'reader-policy' }, name: 'reader', description: 'd', assumedBy: 'ec2.amazonaws.com', policyName: 'p' });
  b.grantRead(role, 'images/', 'ReadImages');
});

describe('SecureBucket', () => {
  test('is versioned and blocks every kind of public access', () => {
    expect(bucket.text).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(bucket.text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test('denies every request that does not use TLS', () => {
    const arn = refTo(bucket.json, 'aws_s3_bucket', onlyResource(bucket.json, 'aws_s3_bucket'), 'arn');
    expect(statements(onlyResource(bucket.json, 'aws_s3_bucket_policy').policy)).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  test('grantRead lets a role read the objects under one prefix only', () => {
    const arn = refTo(bucket.json, 'aws_s3_bucket', onlyResource(bucket.json, 'aws_s3_bucket'), 'arn');
    expect(statements(onlyResource(bucket.json, 'aws_iam_role_policy').policy)).toEqual([
      { Sid: 'ReadImages', Effect: 'Allow', Action: 's3:GetObject', Resource: `${arn}/images/*` },
    ]);
  });
});
