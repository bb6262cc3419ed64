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
