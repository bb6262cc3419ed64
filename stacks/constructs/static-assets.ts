import { Construct } from 'constructs';
import { Naming } from '../lib/naming';
import { SecureBucket } from './secure-bucket';

export interface StaticAssetsProps {
  /** Bucket name prefixes. */
  readonly naming: Naming;
  /** Let `terraform destroy` remove non-empty buckets (disposable environments). */
  readonly forceDestroy: boolean;
}

/** Where the static site lives in the static bucket; CloudFront reads this prefix only. */
export const SITE_KEY_PREFIX = 'site';

/**
 * The environment's buckets: `static` for files the API serves and images the worker makes
 * (under `images/`), and `artifacts` for the builds the instances and the Lambda run. Names are
 * prefixes completed by S3, so they are unique without naming the account.
 */
export class StaticAssets extends Construct {
  readonly staticBucket: SecureBucket;
  readonly artifactsBucket: SecureBucket;

  constructor(scope: Construct, id: string, props: StaticAssetsProps) {
    super(scope, id);
    this.staticBucket = new SecureBucket(this, 'static', {
      bucketPrefix: `${props.naming.name('static')}-`,
      noncurrentVersionExpirationDays: 30,
      forceDestroy: props.forceDestroy,
    });
    this.artifactsBucket = new SecureBucket(this, 'artifacts', {
      bucketPrefix: `${props.naming.name('artifacts')}-`,
      // Old builds are only kept for a roll back within a few weeks.
      noncurrentVersionExpirationDays: 30,
      forceDestroy: props.forceDestroy,
    });
  }
}
