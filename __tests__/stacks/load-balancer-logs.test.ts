/** The load balancer's access logs (CKV_AWS_91): their bucket on its own, and the load balancer writing to it. */
import { LoadBalancerLogs } from '../../stacks/constructs/load-balancer-logs';
import { Naming } from '../../stacks/lib/naming';
import { addressOf, environmentStack, onlyResource, refTo, resourceNamed, resourcesOf, statements, synthConstruct } from './synth';

describe('LoadBalancerLogs', () => {
  const { json } = synthConstruct((scope) => {
    new LoadBalancerLogs(scope, 'alb-logs', { naming: new Naming('tm-test'), accountId: '123456789012', retentionDays: 365 });
  });
  const bucket = onlyResource(json, 'aws_s3_bucket');

  test('lets only ELB log delivery put objects, and only under this account\'s prefix', () => {
    const arn = refTo(json, 'aws_s3_bucket', bucket, 'arn');
    expect(statements(onlyResource(json, 'aws_s3_bucket_policy').policy)).toContainEqual({
      Sid: 'LoadBalancerLogDelivery',
      Effect: 'Allow',
      Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${arn}/AWSLogs/123456789012/*`,
    });
  });

  test('encrypts with S3-managed keys (ELB cannot write to SSE-KMS) and expires the logs after the retention', () => {
    const rule = onlyResource(json, 'aws_s3_bucket_server_side_encryption_configuration').rule[0];
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
    expect(onlyResource(json, 'aws_s3_bucket_lifecycle_configuration').rule[0].expiration).toEqual([{ days: 365 }]);
    expect(bucket).toMatchObject({ bucket_prefix: 'tm-test-alb-logs-', force_destroy: false });
  });
});

describe('The load balancer\'s access logs in an environment', () => {
  test('go to the environment\'s log bucket, enabled only once its policy lets ELB write', () => {
    const dev = environmentStack('dev');
    const lb = onlyResource(dev, 'aws_lb');
    const bucket = resourceNamed(dev, 'aws_s3_bucket', 'alb-logs');
    expect(lb.access_logs).toEqual({ bucket: refTo(dev, 'aws_s3_bucket', bucket, 'bucket'), enabled: true });
    expect(lb.depends_on).toEqual([addressOf(dev, 'aws_s3_bucket_policy', resourceNamed(dev, 'aws_s3_bucket_policy', 'alb-logs'))]);
    expect(bucket.force_destroy).toBe(true);
  });

  test('are off when loadBalancer.accessLogs is false: no bucket, no access_logs', () => {
    const dev = environmentStack('dev', { environments: { dev: { loadBalancer: { accessLogs: false } } } });
    expect(onlyResource(dev, 'aws_lb').access_logs).toBeUndefined();
    expect(resourcesOf(dev, 'aws_s3_bucket').filter((b) => String(b.bucket_prefix).includes('alb-logs'))).toEqual([]);
  });
});
