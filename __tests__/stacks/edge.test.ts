import { Lb } from '@cdktf/provider-aws/lib/lb';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { Edge, MANAGED_POLICY } from '../../stacks/constructs/edge';
import { EdgeFirewall } from '../../stacks/constructs/edge-firewall';
import { SecureBucket } from '../../stacks/constructs/secure-bucket';
import { Naming } from '../../stacks/lib/naming';
import { globalProvider } from '../../stacks/lib/provider';
import { environmentConfig, environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements, synthConstruct } from './synth';

setupJest();

/** The edge on its own: a site bucket, an internal load balancer and the firewall, with one environment's settings. */
function edgeOf(name: 'dev' | 'prod', file: Json = {}): { text: string; json: Json } {
  const env = environmentConfig(name, file);
  return synthConstruct((scope) => {
    const naming = Naming.of(env);
    const global = globalProvider(scope, { project: 'taskmanager', environment: env.name });
    const siteBucket = new SecureBucket(scope, 'static', { bucketPrefix: 'site-', noncurrentVersionExpirationDays: 30 });
    const loadBalancer = new Lb(scope, 'alb', { name: 'alb', internal: true, subnets: ['subnet-1', 'subnet-2'] });
    const firewall = new EdgeFirewall(scope, 'firewall', { naming, globalProvider: global, rateLimitPerIp: env.edge.rateLimitPerIp, imageRateLimitPerIp: env.edge.imageRateLimitPerIp });
    new Edge(scope, 'edge', {
      naming, config: env.edge, globalProvider: global, siteBucket, sitePrefix: 'site', loadBalancer, firewall, logRetentionDays: env.logRetentionDays, forceDestroy: false,
    });
  });
}

const { json: dev, text: devText } = edgeOf('dev');
const distribution = onlyResource(dev, 'aws_cloudfront_distribution');
const distributionArn = refTo(dev, 'aws_cloudfront_distribution', distribution, 'arn');
const origin = (id: string) => distribution.origin.find((o: Json) => o.origin_id === id);
const apiBehaviour = distribution.ordered_cache_behavior[0];
const webAcl = onlyResource(dev, 'aws_wafv2_web_acl');
const rule = (name: string) => webAcl.rule.find((r: Json) => r.name === name);

describe('Edge: CloudFront', () => {
  test('redirects HTTP to HTTPS for the site and refuses plain HTTP for the API (a redirect would lose a POST body)', () => {
    expect(distribution.default_cache_behavior.viewer_protocol_policy).toBe('redirect-to-https');
    expect(apiBehaviour.viewer_protocol_policy).toBe('https-only');
  });

  test('serves the site from S3 through a signing Origin Access Control, under the site prefix only', () => {
    const access = onlyResource(dev, 'aws_cloudfront_origin_access_control');
    expect(access).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always', signing_protocol: 'sigv4' });
    expect(origin('site')).toEqual({
      origin_id: 'site',
      domain_name: refTo(dev, 'aws_s3_bucket', resourceNamed(dev, 'aws_s3_bucket', 'static'), 'bucket_regional_domain_name'),
      origin_path: '/site',
      origin_access_control_id: refTo(dev, 'aws_cloudfront_origin_access_control', access, 'id'),
    });
    expect(distribution.default_cache_behavior).toMatchObject({ target_origin_id: 'site', compress: true, cache_policy_id: MANAGED_POLICY.cachingOptimized, allowed_methods: ['GET', 'HEAD', 'OPTIONS'] });
    expect(distribution.default_root_object).toBe('index.html');
  });

  test('lets only this distribution read the site from the bucket, and not the users\' images', () => {
    const policy = statements(resourceNamed(dev, 'aws_s3_bucket_policy', 'static').policy);
    const bucketArn = refTo(dev, 'aws_s3_bucket', resourceNamed(dev, 'aws_s3_bucket', 'static'), 'arn');
    expect(policy.find((s) => s.Sid === 'CloudFrontReadsTheSite')).toEqual({
      Sid: 'CloudFrontReadsTheSite',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: `${bucketArn}/site/*`,
      Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
    });
    expect(policy.find((s) => s.Sid === 'DenyInsecureTransport')).toBeDefined();
  });

  test('reaches the API through a VPC origin on the internal load balancer, over HTTP inside the VPC', () => {
    const vpcOrigin = onlyResource(dev, 'aws_cloudfront_vpc_origin');
    expect(vpcOrigin.vpc_origin_endpoint_config).toEqual([expect.objectContaining({
      arn: refTo(dev, 'aws_lb', onlyResource(dev, 'aws_lb'), 'arn'), http_port: 80, origin_protocol_policy: 'http-only',
    })]);
    expect(origin('api')).toMatchObject({
      domain_name: refTo(dev, 'aws_lb', onlyResource(dev, 'aws_lb'), 'dns_name'),
      vpc_origin_config: { vpc_origin_id: refTo(dev, 'aws_cloudfront_vpc_origin', vpcOrigin, 'id') },
    });
  });

  test('looks up the security group AWS puts on the VPC origin\'s interfaces, in the load balancer\'s VPC, once the origin exists', () => {
    const vpcOrigin = onlyResource(dev, 'aws_cloudfront_vpc_origin');
    expect(Object.values(dev.data.aws_security_group)).toEqual([{
      name: 'CloudFront-VPCOrigins-Service-SG',
      vpc_id: refTo(dev, 'aws_lb', onlyResource(dev, 'aws_lb'), 'vpc_id'),
      // Read after the origin is created (CloudFront creates the group with it), never before.
      depends_on: [`aws_cloudfront_vpc_origin.${Object.entries(dev.resource.aws_cloudfront_vpc_origin).find(([, o]) => o === vpcOrigin)![0]}`],
    }]);
  });

  test('routes /api/* to the API uncached, with every method and every viewer header but Host', () => {
    expect(distribution.ordered_cache_behavior).toHaveLength(1);
    expect(apiBehaviour).toMatchObject({
      path_pattern: '/api/*',
      target_origin_id: 'api',
      cache_policy_id: MANAGED_POLICY.cachingDisabled,
      origin_request_policy_id: MANAGED_POLICY.allViewerExceptHostHeader,
    });
    expect([...apiBehaviour.allowed_methods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
  });

  test('adds HSTS (2 years, preload), no sniffing, no framing, a strict referrer and a content security policy to every answer', () => {
    const headers = onlyResource(dev, 'aws_cloudfront_response_headers_policy');
    const ref = refTo(dev, 'aws_cloudfront_response_headers_policy', headers, 'id');
    expect([distribution.default_cache_behavior.response_headers_policy_id, apiBehaviour.response_headers_policy_id]).toEqual([ref, ref]);
    const security = headers.security_headers_config;
    expect(security.strict_transport_security).toEqual({ access_control_max_age_sec: 63072000, include_subdomains: true, preload: true, override: true });
    expect(security.frame_options).toEqual({ frame_option: 'DENY', override: true });
    expect(security.content_type_options).toEqual({ override: true });
    expect(security.referrer_policy.referrer_policy).toBe('strict-origin-when-cross-origin');
    expect(security.content_security_policy.content_security_policy).toMatch(/^default-src 'self';.*frame-ancestors 'none'/);
  });

  test('puts the web ACL in front of the distribution', () => {
    expect(distribution.web_acl_id).toBe(refTo(dev, 'aws_wafv2_web_acl', webAcl, 'arn'));
  });

  test('uses CloudFront\'s own certificate without a domain, and a us-east-1 certificate with TLS 1.2+ for one', () => {
    expect(distribution.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    expect(distribution.aliases).toBeUndefined();
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123';
    const custom = onlyResource(edgeOf('prod', { environments: { prod: { edge: { domainNames: ['tasks.example.com'], certificateArn } } } }).json, 'aws_cloudfront_distribution');
    expect(custom.aliases).toEqual(['tasks.example.com']);
    expect(custom.viewer_certificate).toEqual({ acm_certificate_arn: certificateArn, ssl_support_method: 'sni-only', minimum_protocol_version: 'TLSv1.2_2021' });
  });

  test('delivers access logs (standard logging v2, from us-east-1) to a log bucket that only the log service writes', () => {
    const source = onlyResource(dev, 'aws_cloudwatch_log_delivery_source');
    expect(source).toMatchObject({ provider: 'aws.global', log_type: 'ACCESS_LOGS', resource_arn: distributionArn });
    const logBucket = resourceNamed(dev, 'aws_s3_bucket', 'access-logs');
    const bucketArn = refTo(dev, 'aws_s3_bucket', logBucket, 'arn');
    expect(onlyResource(dev, 'aws_cloudwatch_log_delivery_destination').delivery_destination_configuration).toEqual([{ destination_resource_arn: bucketArn }]);
    expect(onlyResource(dev, 'aws_cloudwatch_log_delivery')).toMatchObject({ provider: 'aws.global', delivery_source_name: refTo(dev, 'aws_cloudwatch_log_delivery_source', source, 'name') });
    const write = statements(resourceNamed(dev, 'aws_s3_bucket_policy', 'access-logs').policy).find((s) => s.Sid === 'LogDeliveryWrites');
    expect(write).toMatchObject({ Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 's3:PutObject', Condition: { ArnLike: { 'aws:SourceArn': refTo(dev, 'aws_cloudwatch_log_delivery_source', source, 'arn') } } });
    const lifecycle = resourceNamed(dev, 'aws_s3_bucket_lifecycle_configuration', 'access-logs');
    expect(lifecycle.rule[0].expiration).toEqual([{ days: 14 }]);
  });
});

describe('Edge: WAF', () => {
  test('is a CLOUDFRONT web ACL in us-east-1 that allows what no rule blocks', () => {
    expect(devText).toHaveResourceWithProperties(Wafv2WebAcl, { scope: 'CLOUDFRONT', provider: 'aws.global', default_action: { allow: {} } });
  });

  test('runs its rules in this order: operators\' paths, image generation rate, per-IP rate, AWS common, known bad inputs', () => {
    expect(webAcl.rule.map((r: Json) => [r.priority, r.name])).toEqual([
      [0, 'block-ops-paths'], [1, 'rate-limit-image-generation'], [2, 'rate-limit-per-ip'], [3, 'aws-common-rule-set'], [4, 'aws-known-bad-inputs'],
    ]);
  });

  test('blocks /api/metrics and /api/instance however the path is encoded or cased', () => {
    const matches = rule('block-ops-paths').statement.or_statement[0].statement.map((s: Json) => s.byte_match_statement);
    expect(matches.map((m: Json) => [m.positional_constraint, m.search_string])).toEqual([['STARTS_WITH', '/api/metrics'], ['STARTS_WITH', '/api/instance']]);
    matches.forEach((m: Json) => expect(m.text_transformation.map((t: Json) => t.type)).toEqual(['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE']));
    expect(rule('block-ops-paths').action).toEqual({ block: {} });
  });

  test('answers 429 to a client IP past the configured rate, per environment', () => {
    const limit = (stack: Json) => onlyResource(stack, 'aws_wafv2_web_acl').rule.find((r: Json) => r.name === 'rate-limit-per-ip');
    expect(limit(dev).statement.rate_based_statement).toEqual([{ limit: 1000, aggregate_key_type: 'IP', evaluation_window_sec: 300 }]);
    expect(limit(edgeOf('prod').json).statement.rate_based_statement[0].limit).toBe(2000);
    expect(limit(dev).action).toEqual({ block: { custom_response: { response_code: 429 } } });
  });

  test('limits image generations (POST .../image, a Bedrock call each) far more strictly', () => {
    const [rate] = rule('rate-limit-image-generation').statement.rate_based_statement;
    expect(rate.limit).toBe(20);
    const [post, path] = rate.scope_down_statement[0].and_statement[0].statement.map((s: Json) => s.byte_match_statement);
    expect(post).toMatchObject({ search_string: 'POST', positional_constraint: 'EXACTLY', field_to_match: [{ method: [{}] }] });
    expect(path).toMatchObject({ search_string: '/image', positional_constraint: 'ENDS_WITH', field_to_match: [{ uri_path: [{}] }] });
  });

  test('applies the AWS managed common and known-bad-inputs rule sets as they are', () => {
    for (const [name, group] of [['aws-common-rule-set', 'AWSManagedRulesCommonRuleSet'], ['aws-known-bad-inputs', 'AWSManagedRulesKnownBadInputsRuleSet']]) {
      expect(rule(name)).toMatchObject({ override_action: { none: {} }, statement: { managed_rule_group_statement: [{ vendor_name: 'AWS', name: group }] } });
    }
  });

  test('reports metrics and keeps sampled requests for the web ACL and every rule', () => {
    for (const visibility of [webAcl.visibility_config, ...webAcl.rule.map((r: Json) => r.visibility_config)]) {
      expect(visibility).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
    }
    expect(webAcl.visibility_config.metric_name).toBe('taskmanager-dev-edge');
  });
});

describe('Edge in the environment', () => {
  const stack = environmentStack('dev');

  test('serves the static bucket and the internal load balancer of the environment', () => {
    const wired = onlyResource(stack, 'aws_cloudfront_distribution');
    expect(wired.origin[0].domain_name).toBe(refTo(stack, 'aws_s3_bucket', resourceNamed(stack, 'aws_s3_bucket', 'assets_static'), 'bucket_regional_domain_name'));
    expect(onlyResource(stack, 'aws_cloudfront_vpc_origin').vpc_origin_endpoint_config[0].arn).toBe(refTo(stack, 'aws_lb', onlyResource(stack, 'aws_lb'), 'arn'));
  });

  test('outputs the HTTPS URL users open', () => {
    expect(stack.output.url).toMatchObject({ value: `https://${refTo(stack, 'aws_cloudfront_distribution', onlyResource(stack, 'aws_cloudfront_distribution'), 'domain_name')}` });
  });

  test('configures a second AWS provider in us-east-1 for what CloudFront needs there', () => {
    expect(stack.provider.aws.map((p: Json) => [p.alias, p.region])).toEqual([[undefined, 'us-east-1'], ['global', 'us-east-1']]);
    expect(resourcesOf(stack, 'aws_wafv2_web_acl').every((w) => w.provider === 'aws.global')).toBe(true);
  });
});
