/** The edge: CloudFront distributions and application load balancers, whatever stack has them. */
import { blocks, isSet, isTrue, resourceRule, type Rule, show } from '../rule';
import { referencedAddresses } from '../stack';

const HTTPS_VIEWERS = ['redirect-to-https', 'https-only'];
/** CloudFront security policies of TLS 1.2 and later. */
const MODERN_TLS = ['TLSv1.2_2019', 'TLSv1.2_2021', 'TLSv1.2_2025', 'TLSv1.3_2025'];

export const EDGE_RULES: readonly Rule[] = [
  resourceRule({
    id: 'CKV_AWS_34',
    severity: 'high',
    title: 'CloudFront redirects viewers to HTTPS or requires it',
    fix: 'Set viewer_protocol_policy = "redirect-to-https" (or "https-only") on the default and every ordered cache behavior',
    types: ['aws_cloudfront_distribution'],
    check: (d) => {
      const behaviors = [...blocks(d.body.default_cache_behavior).map((b) => ['default_cache_behavior', b] as const), ...blocks(d.body.ordered_cache_behavior).map((b, i) => [`ordered_cache_behavior[${i}]`, b] as const)];
      const plain = behaviors.find(([, b]) => !HTTPS_VIEWERS.includes(String(b.viewer_protocol_policy)));
      return plain ? `${plain[0]}.viewer_protocol_policy is ${show(plain[1].viewer_protocol_policy)}` : undefined;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_174',
    severity: 'high',
    title: 'CloudFront with a custom certificate accepts TLS 1.2 or later only',
    fix: 'Set viewer_certificate.minimum_protocol_version = "TLSv1.2_2021"',
    types: ['aws_cloudfront_distribution'],
    // With CloudFront's own certificate (*.cloudfront.net) the protocol floor is not configurable.
    appliesTo: (d) => !isTrue(blocks(d.body.viewer_certificate)[0]?.cloudfront_default_certificate),
    check: (d) => {
      const version = blocks(d.body.viewer_certificate)[0]?.minimum_protocol_version;
      return MODERN_TLS.includes(String(version)) ? undefined : `viewer_certificate.minimum_protocol_version is ${show(version)}`;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_86',
    severity: 'medium',
    title: 'CloudFront distributions log their requests',
    fix: 'Add logging_config (to a bucket), or a CloudWatch log delivery source for the distribution (standard logging v2)',
    types: ['aws_cloudfront_distribution'],
    check: (d, stack) => {
      if (blocks(d.body.logging_config).some((l) => isSet(l.bucket))) return undefined;
      const delivered = stack.ofType('aws_cloudwatch_log_delivery_source').some((s) => referencedAddresses(s.body.resource_arn).has(d.address));
      return delivered ? undefined : 'neither logging_config nor a log delivery source';
    },
  }),
  resourceRule({
    id: 'CKV_AWS_68',
    severity: 'high',
    title: 'CloudFront distributions have a WAF web ACL',
    fix: 'Set web_acl_id to the ARN of an aws_wafv2_web_acl with scope CLOUDFRONT (created in us-east-1)',
    types: ['aws_cloudfront_distribution'],
    check: (d) => (isSet(d.body.web_acl_id) ? undefined : 'web_acl_id is not set'),
  }),
  resourceRule({
    id: 'CKV_AWS_91',
    severity: 'medium',
    title: 'Application load balancers write access logs',
    fix: 'Set access_logs { bucket, enabled = true } to a bucket ELB log delivery may write to (loadBalancer.accessLogs in the config)',
    types: ['aws_lb', 'aws_alb'],
    appliesTo: (lb) => (lb.body.load_balancer_type ?? 'application') === 'application',
    check: (lb) => {
      const logs = blocks(lb.body.access_logs)[0];
      if (!logs) return 'no access_logs block: requests leave no trace beyond the CloudWatch metrics';
      return isTrue(logs.enabled) && isSet(logs.bucket) ? undefined : `access_logs.enabled is ${show(logs.enabled)}, bucket ${show(logs.bucket)}`;
    },
  }),
  resourceRule({
    id: 'CKV_AWS_131',
    severity: 'high',
    title: 'Application load balancers drop invalid header fields',
    fix: 'Set drop_invalid_header_fields = true',
    types: ['aws_lb', 'aws_alb'],
    appliesTo: (lb) => (lb.body.load_balancer_type ?? 'application') === 'application',
    check: (lb) => (isTrue(lb.body.drop_invalid_header_fields) ? undefined : `drop_invalid_header_fields is ${show(lb.body.drop_invalid_header_fields)}`),
  }),
];
