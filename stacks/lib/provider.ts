import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { defaultTags } from './naming';

export interface AwsProviderProps {
  readonly region: string;
  readonly project: string;
  readonly environment: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The AWS provider every stack uses: its region, and project/environment/managed-by tags on every resource. */
export function awsProvider(scope: Construct, props: AwsProviderProps): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: props.region,
    defaultTags: [{ tags: defaultTags(props.project, props.environment, props.tags) }],
  });
}

/** The region of CloudFront's own resources: WAF web ACLs for CloudFront, its metrics and log deliveries. */
export const GLOBAL_REGION = 'us-east-1';

/** A second provider (alias `global`) in us-east-1, with the same tags, for what CloudFront needs there. */
export function globalProvider(scope: Construct, props: Omit<AwsProviderProps, 'region'>): AwsProvider {
  return new AwsProvider(scope, 'aws-global', {
    alias: 'global',
    region: GLOBAL_REGION,
    defaultTags: [{ tags: defaultTags(props.project, props.environment, props.tags) }],
  });
}
