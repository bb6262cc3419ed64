import { Construct } from 'constructs';
import type { LbAccessLogs } from '@cdktf/provider-aws/lib/lb';
import { SecureBucket } from './secure-bucket';
import type { Naming } from '../lib/naming';

export interface LoadBalancerLogsProps {
  /** Resource names: the bucket is `<prefix>-alb-logs-<suffix>`. */
  readonly naming: Naming;
  /** The account the load balancer is in: Elastic Load Balancing writes under `AWSLogs/<account>/`. */
  readonly accountId: string;
  /** Days the logs are kept (the environment's logRetentionDays). */
  readonly retentionDays: number;
  /**
   * Let `terraform destroy` empty the bucket (disposable environments).
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/**
 * The access logs of an application load balancer (CKV_AWS_91): a SecureBucket (SSE-S3, which is
 * what Elastic Load Balancing can write to) that expires them after the retention, and a bucket
 * policy that lets ELB's log delivery put objects under this account's prefix only.
 */
export class LoadBalancerLogs extends Construct {
  readonly bucket: SecureBucket;
  /** The load balancer's `access_logs` block; the load balancer must depend on `bucket.policy`, which ELB checks on enabling. */
  readonly accessLogs: LbAccessLogs;

  constructor(scope: Construct, id: string, props: LoadBalancerLogsProps) {
    super(scope, id);
    this.bucket = new SecureBucket(this, 'bucket', {
      bucketPrefix: `${props.naming.name('alb-logs')}-`,
      noncurrentVersionExpirationDays: 1,
      expireObjectsAfterDays: props.retentionDays,
      forceDestroy: props.forceDestroy,
      // The region-independent principal of ELB log delivery (AWS's recommendation over the per-region ELB accounts).
      policyStatements: (bucketArn) => [
        { Sid: 'LoadBalancerLogDelivery', Effect: 'Allow', Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' }, Action: 's3:PutObject', Resource: `${bucketArn}/AWSLogs/${props.accountId}/*` },
      ],
    });
    this.accessLogs = { bucket: this.bucket.bucketName, enabled: true };
  }
}
