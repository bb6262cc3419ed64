import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { denyInsecureTransport, policyDocument, PolicyStatement } from '../lib/iam';
import type { GrantableRole } from '../lib/role';

export interface SecureBucketProps {
  /**
   * An exact name (must be globally unique) ...
   * @default none: `bucketPrefix` is used
   */
  readonly bucketName?: string;
  /**
   * ... or a prefix that S3 completes with a unique suffix.
   * @default none: `bucketName` is used
   */
  readonly bucketPrefix?: string;
  /** Days after which replaced or deleted object versions are removed. */
  readonly noncurrentVersionExpirationDays: number;
  /**
   * Refuse `terraform destroy` of the bucket (state, data worth keeping).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Let `terraform destroy` empty the bucket first (disposable environments only).
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Encrypt with this KMS key (SSE-KMS) instead of S3-managed keys, so that reading an object
   * also needs the key: only principals the key policy names can read.
   * @default SSE-S3
   */
  readonly kmsKeyArn?: string;
  /**
   * Statements added to the bucket policy after the TLS-only deny (more with `addToResourcePolicy`).
   * @default none
   */
  readonly policyStatements?: (bucketArn: string) => PolicyStatement[];
  /**
   * Delete current objects this many days after they were written (logs).
   * @default never
   */
  readonly expireObjectsAfterDays?: number;
}

/**
 * An S3 bucket with the protections every bucket of this project gets: versioning, SSE (S3 or KMS),
 * all four public-access-block flags, owner-enforced object ownership (no ACLs), a TLS-only
 * bucket policy, and expiry of noncurrent versions and incomplete uploads.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** `<bucket>.s3.<region>.amazonaws.com`, the origin domain CloudFront reads through. */
  readonly regionalDomainName: string;
  /** The bucket policy: what writes to the bucket through a grant in it depends on this. */
  readonly policy: S3BucketPolicy;
  private readonly policyStatements: PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      bucketPrefix: props.bucketPrefix,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.regionalDomainName = this.bucket.bucketRegionalDomainName;
    const bucket = this.bucket.id;
    this.policyStatements.push(denyInsecureTransport(this.bucketArn), ...(props.policyStatements?.(this.bucketArn) ?? []));

    const versioning = new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn } : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: true,
        },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const lifecycle = new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
          expiration: props.expireObjectsAfterDays ? [{ days: props.expireObjectsAfterDays }] : undefined,
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: Lazy.stringValue({ produce: () => policyDocument(...this.policyStatements) }),
      // Last: S3 rejects a policy while the public access block is being changed, and a policy that
      // guards versioning or lifecycle (the state bucket's) would deny setting them up after it.
      dependsOn: [publicAccessBlock, versioning, encryption, lifecycle],
    });
  }

  /** Adds a statement to the bucket policy (e.g. a service that reads or writes it). */
  addToResourcePolicy(statement: PolicyStatement): void {
    this.policyStatements.push(statement);
  }

  /** Lets `role` read the objects under `prefix` (`GetObject` covers `HeadObject`). */
  grantRead(role: GrantableRole, prefix: string, sid: string): void {
    role.addToPolicy({ Sid: sid, Effect: 'Allow', Action: 's3:GetObject', Resource: `${this.bucketArn}/${prefix}*` });
  }
}
