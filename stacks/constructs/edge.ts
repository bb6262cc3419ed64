import { Construct } from 'constructs';
import { Lazy } from 'cdktf';
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { CloudfrontVpcOrigin } from '@cdktf/provider-aws/lib/cloudfront-vpc-origin';
import { CloudwatchLogDelivery } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery';
import { CloudwatchLogDeliveryDestination } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination';
import { CloudwatchLogDeliverySource } from '@cdktf/provider-aws/lib/cloudwatch-log-delivery-source';
import { DataAwsSecurityGroup } from '@cdktf/provider-aws/lib/data-aws-security-group';
import type { Lb } from '@cdktf/provider-aws/lib/lb';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { API_BASE_PATH } from '../../api/contract/web';
import type { EdgeConfig } from '../config';
import { Naming } from '../lib/naming';
import type { EdgeFirewall } from './edge-firewall';
import { SecureBucket } from './secure-bucket';
import { LOAD_BALANCER_PORT } from './security-groups';

/** CloudFront's managed policies, by id (literals, so that no data source asks AWS at plan time). */
export const MANAGED_POLICY = {
  /** Managed-CachingOptimized: long TTLs honouring the origin's Cache-Control, no cookies or query strings in the key. */
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  /** Managed-CachingDisabled: every request goes to the origin. */
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  /** Managed-AllViewerExceptHostHeader: every viewer header (Authorization too, caching being off), cookie and query string, not Host. */
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
} as const;

/**
 * The security group CloudFront creates in the VPC with its first VPC origin there and puts on the
 * origin's network interfaces: what the load balancer admits (AWS's own recommendation for VPC
 * origins). AWS manages it; the stacks only look it up.
 */
export const VPC_ORIGIN_SECURITY_GROUP_NAME = 'CloudFront-VPCOrigins-Service-SG';

/** Every method: the API takes POST, PATCH and DELETE too. */
const ALL_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'];

/**
 * What the browser may load: our own origin, images through presigned S3 links, and the sign-in
 * service. Anything else (injected scripts, framing, plugins) is refused.
 */
export function contentSecurityPolicy(signInOrigins: readonly string[] = []): string {
  const signIn = signInOrigins.join(' ');
  return [
    "default-src 'self'",
    "img-src 'self' data: https://*.amazonaws.com",
    `connect-src 'self' ${signIn}`.trim(),
    `form-action 'self' ${signIn}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

export interface EdgeProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Host names, certificate, price class. */
  readonly config: EdgeConfig;
  /** The us-east-1 provider: CloudFront's log deliveries live there. */
  readonly globalProvider: AwsProvider;
  /** The bucket of the static site; the distribution reads `sitePrefix` from it and nothing else. */
  readonly siteBucket: SecureBucket;
  /** Key prefix of the site in the bucket, without slashes (e.g. `site`). */
  readonly sitePrefix: string;
  /** The internal load balancer in front of the API. */
  readonly loadBalancer: Lb;
  /** The web ACL in front of everything. */
  readonly firewall: EdgeFirewall;
  /** Days the access logs are kept. */
  readonly logRetentionDays: number;
  /** Let `terraform destroy` empty the log bucket (disposable environments). */
  readonly forceDestroy: boolean;
}

/**
 * The edge (HTTPS for every environment without a domain): one CloudFront distribution whose
 * default behaviour serves the static site from S3 through an Origin Access Control (the bucket
 * stays private and admits only this distribution) and whose `/api/*` behaviour reaches the
 * internal load balancer through a VPC origin, uncached. HTTP redirects to HTTPS; HSTS and the
 * usual security headers on every answer; WAF in front; access logs to a bucket of their own.
 */
export class Edge extends Construct {
  readonly distribution: CloudfrontDistribution;
  /** The HTTPS URL users open. */
  readonly url: string;
  /** Every HTTPS URL the distribution answers on: its own domain names, then CloudFront's. */
  readonly urls: string[];
  /**
   * The security group of the VPC origin's network interfaces, where its requests to the load
   * balancer come from (SecurityGroups.admitEdgeOrigin admits it).
   */
  readonly originSecurityGroupId: string;
  private readonly signInOrigins: string[] = [];

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { naming, config } = props;

    const siteAccess = new CloudfrontOriginAccessControl(this, 'site-access', {
      name: naming.name('site'),
      description: 'CloudFront reads the static site from S3, signed',
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const apiOrigin = new CloudfrontVpcOrigin(this, 'api-origin', {
      vpcOriginEndpointConfig: [{
        name: naming.name('api'),
        arn: props.loadBalancer.arn,
        httpPort: LOAD_BALANCER_PORT,
        httpsPort: 443,
        // Inside the VPC, on AWS's network; the load balancer's name has no certificate of ours.
        originProtocolPolicy: 'http-only',
        originSslProtocols: [{ items: ['TLSv1.2'], quantity: 1 }],
      }],
    });
    // Looked up after the origin exists (CloudFront creates the group with it). Read at apply while
    // the origin or the VPC is still to be made (the offline plan), at plan time otherwise.
    this.originSecurityGroupId = new DataAwsSecurityGroup(this, 'origin-security-group', {
      vpcId: props.loadBalancer.vpcId,
      name: VPC_ORIGIN_SECURITY_GROUP_NAME,
      dependsOn: [apiOrigin],
    }).id;
    const headers = new CloudfrontResponseHeadersPolicy(this, 'security-headers', {
      name: naming.name('security-headers'),
      comment: 'HSTS, no sniffing, no framing, strict referrer, content security policy',
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: 'DENY', override: true },
        referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
        contentSecurityPolicy: { contentSecurityPolicy: Lazy.stringValue({ produce: () => contentSecurityPolicy(this.signInOrigins) }), override: true },
      },
    });

    const viewerCertificate = config.certificateArn
      ? { acmCertificateArn: config.certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
      // CloudFront's own *.cloudfront.net certificate; its TLS policy is CloudFront's to choose.
      : { cloudfrontDefaultCertificate: true };
    this.distribution = new CloudfrontDistribution(this, 'distribution', {
      enabled: true,
      comment: naming.name('edge'),
      isIpv6Enabled: true,
      httpVersion: 'http2and3',
      priceClass: config.priceClass,
      aliases: config.domainNames.length > 0 ? [...config.domainNames] : undefined,
      defaultRootObject: 'index.html',
      webAclId: props.firewall.webAcl.arn,
      origin: [
        {
          originId: 'site',
          domainName: props.siteBucket.regionalDomainName,
          originPath: `/${props.sitePrefix}`,
          originAccessControlId: siteAccess.id,
        },
        {
          originId: 'api',
          domainName: props.loadBalancer.dnsName,
          vpcOriginConfig: { vpcOriginId: apiOrigin.id, originKeepaliveTimeout: 5, originReadTimeout: 30 },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: 'site',
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        cachePolicyId: MANAGED_POLICY.cachingOptimized,
        responseHeadersPolicyId: headers.id,
      },
      orderedCacheBehavior: [{
        pathPattern: `${API_BASE_PATH}/*`,
        targetOriginId: 'api',
        // A redirect would turn a POST into a GET: API calls over HTTP are refused instead.
        viewerProtocolPolicy: 'https-only',
        allowedMethods: ALL_METHODS,
        cachedMethods: ['GET', 'HEAD'],
        compress: true,
        cachePolicyId: MANAGED_POLICY.cachingDisabled,
        originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
        responseHeadersPolicyId: headers.id,
      }],
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate,
    });
    this.urls = [...config.domainNames, this.distribution.domainName].map((domain) => `https://${domain}`);
    this.url = this.urls[0];

    // The bucket admits this distribution, for the site's keys only (not the users' images).
    props.siteBucket.addToResourcePolicy({
      Sid: 'CloudFrontReadsTheSite',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: `${props.siteBucket.bucketArn}/${props.sitePrefix}/*`,
      Condition: { StringEquals: { 'AWS:SourceArn': this.distribution.arn } },
    });
    this.addAccessLogs(props);
  }

  /** Lets the page send people to `origin` to sign in, and fetch tokens from it (content security policy). */
  allowSignInFrom(origin: string): void {
    this.signInOrigins.push(origin);
  }

  /** Standard logging (v2): CloudWatch Logs delivers the access logs to S3, no bucket ACLs needed. */
  private addAccessLogs(props: EdgeProps): void {
    const { naming } = props;
    const logs = new SecureBucket(this, 'access-logs', {
      bucketPrefix: `${naming.name('edge-logs')}-`,
      noncurrentVersionExpirationDays: 1,
      expireObjectsAfterDays: props.logRetentionDays,
      forceDestroy: props.forceDestroy,
    });
    const source = new CloudwatchLogDeliverySource(this, 'log-source', {
      provider: props.globalProvider,
      name: naming.name('edge-access'),
      logType: 'ACCESS_LOGS',
      resourceArn: this.distribution.arn,
    });
    logs.addToResourcePolicy({
      Sid: 'LogDeliveryWrites',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logs.bucketArn}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' }, ArnLike: { 'aws:SourceArn': source.arn } },
    });
    const destination = new CloudwatchLogDeliveryDestination(this, 'log-destination', {
      provider: props.globalProvider,
      name: naming.name('edge-logs'),
      outputFormat: 'json',
      deliveryDestinationConfiguration: [{ destinationResourceArn: logs.bucketArn }],
    });
    new CloudwatchLogDelivery(this, 'log-delivery', {
      provider: props.globalProvider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
      s3DeliveryConfiguration: [{ suffixPath: '{DistributionId}/{yyyy}/{MM}/{dd}/{HH}', enableHiveCompatiblePath: false }],
    });
  }
}
