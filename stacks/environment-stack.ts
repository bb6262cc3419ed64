import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from './config';
import { Network } from './constructs/network';
import { Naming } from './lib/naming';
import { awsProvider } from './lib/provider';

export interface EnvironmentStackProps {
  readonly project: string;
  readonly env: EnvironmentConfig;
}

/** One environment of the application (SPEC T3): provider, remote state, and the constructs wired together. */
export class EnvironmentStack extends TerraformStack {
  readonly network: Network;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const { env } = props;
    const naming = Naming.of(env);

    awsProvider(this, { region: env.region, project: props.project, environment: env.name, tags: env.tags });
    new S3Backend(this, {
      bucket: env.state.bucket,
      key: stateKey(env.state.keyPrefix, id),
      region: env.state.region,
      encrypt: true,
    });
    // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend type has no field for it yet.
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    this.network = new Network(this, 'network', {
      naming,
      region: env.region,
      config: env.network,
      logRetentionDays: env.logRetentionDays,
    });

    new TerraformOutput(this, 'vpc_id', { value: this.network.vpcId });
    new TerraformOutput(this, 'public_subnet_ids', { value: this.network.publicSubnetIds });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.network.privateSubnetIds });
  }
}

/** Where a stack's state lives in the state bucket. */
export function stateKey(keyPrefix: string, stackId: string): string {
  return `${keyPrefix}/${stackId}.tfstate`;
}
