import { Construct } from 'constructs';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { OPS_PATHS } from '../../api/contract/http';
import { API_BASE_PATH } from '../../api/contract/web';
import { Naming } from '../lib/naming';

export interface EdgeFirewallProps {
  /** The web ACL's name and its metric names. */
  readonly naming: Naming;
  /** The us-east-1 provider: web ACLs for CloudFront live there. */
  readonly globalProvider: AwsProvider;
  /** Requests one client IP may make in 5 minutes. */
  readonly rateLimitPerIp: number;
  /** Image-generation requests (`POST .../image`) one client IP may make in 5 minutes. */
  readonly imageRateLimitPerIp: number;
}

/** How far WAF looks back for its rate-based rules. */
export const RATE_WINDOW_SECONDS = 300;

/** Undo the encodings a request can hide a path behind (`/API//%6detrics`) before comparing. */
const NORMALIZED = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
];

/** A byte match on the normalized URI path (the statement blocks are written as Terraform JSON). */
function uriPath(positionalConstraint: 'STARTS_WITH' | 'ENDS_WITH', searchString: string): object {
  return { byte_match_statement: { search_string: searchString, positional_constraint: positionalConstraint, field_to_match: [{ uri_path: [{}] }], text_transformation: NORMALIZED } };
}

/**
 * The AWS WAF web ACL of the edge (scope CLOUDFRONT): the operators' paths are blocked, one client
 * IP gets a bounded number of requests (and far fewer image generations, each a Bedrock call) per
 * five minutes, then 429; AWS's common and known-bad-inputs rule sets screen the rest. Every rule
 * reports CloudWatch metrics and keeps sampled requests.
 */
export class EdgeFirewall extends Construct {
  readonly webAcl: Wafv2WebAcl;
  /** The web ACL's metric name: the `WebACL` dimension of its AWS/WAFV2 metrics. */
  readonly metricName: string;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const { naming } = props;
    this.metricName = naming.name('edge');
    const visibility = (rule?: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: rule ? `${this.metricName}-${rule}` : this.metricName });
    const tooManyRequests = { block: { customResponse: { responseCode: 429 } } };
    const rateLimit = (limit: number, scopeDown?: object) => ({
      rate_based_statement: [{ limit, aggregate_key_type: 'IP', evaluation_window_sec: RATE_WINDOW_SECONDS, ...(scopeDown ? { scope_down_statement: [scopeDown] } : {}) }],
    });
    const managed = (name: string) => ({ managed_rule_group_statement: [{ vendor_name: 'AWS', name }] });

    this.webAcl = new Wafv2WebAcl(this, 'web-acl', {
      provider: props.globalProvider,
      name: naming.name('edge'),
      description: 'Rate limits and managed rules in front of the task manager',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(),
      rule: [
        {
          name: 'block-ops-paths',
          priority: 0,
          action: { block: {} },
          statement: { or_statement: [{ statement: OPS_PATHS.map((path) => uriPath('STARTS_WITH', `${API_BASE_PATH}${path}`)) }] },
          visibilityConfig: visibility('ops-paths'),
        },
        {
          name: 'rate-limit-image-generation',
          priority: 1,
          action: tooManyRequests,
          statement: rateLimit(props.imageRateLimitPerIp, {
            and_statement: [{
              statement: [
                { byte_match_statement: { search_string: 'POST', positional_constraint: 'EXACTLY', field_to_match: [{ method: [{}] }], text_transformation: [{ priority: 0, type: 'NONE' }] } },
                uriPath('ENDS_WITH', '/image'),
              ],
            }],
          }),
          visibilityConfig: visibility('image-rate'),
        },
        { name: 'rate-limit-per-ip', priority: 2, action: tooManyRequests, statement: rateLimit(props.rateLimitPerIp), visibilityConfig: visibility('ip-rate') },
        { name: 'aws-common-rule-set', priority: 3, overrideAction: { none: {} }, statement: managed('AWSManagedRulesCommonRuleSet'), visibilityConfig: visibility('common') },
        { name: 'aws-known-bad-inputs', priority: 4, overrideAction: { none: {} }, statement: managed('AWSManagedRulesKnownBadInputsRuleSet'), visibilityConfig: visibility('bad-inputs') },
      ],
    });
  }
}
