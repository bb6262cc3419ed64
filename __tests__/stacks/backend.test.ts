import { environmentStack } from './synth';

describe('Remote state', () => {
  test('keeps each application stack in the S3 bucket, encrypted with the state key and with the S3 lock file', () => {
    for (const name of ['dev', 'prod'] as const) {
      expect(environmentStack(name).terraform.backend.s3).toEqual({
        bucket: 'taskmanager-terraform-state-example',
        key: `taskmanager/${name}.tfstate`,
        region: 'us-east-1',
        encrypt: true,
        kms_key_id: 'arn:aws:kms:us-east-1:000000000000:alias/taskmanager-terraform-state',
        use_lockfile: true,
      });
    }
  });

  test('names the state key from the config, so Terraform never falls back to AES256 (which overrides the bucket default)', () => {
    const key = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    for (const name of ['dev', 'prod'] as const) {
      expect(environmentStack(name, { state: { kmsKeyArn: key } }).terraform.backend.s3.kms_key_id).toBe(key);
    }
  });

  test('gives every stack its own state key', () => {
    expect(environmentStack('dev').terraform.backend.s3.key).not.toBe(environmentStack('prod').terraform.backend.s3.key);
  });

  test('takes bucket, region and key prefix from the config', () => {
    const stack = environmentStack('dev', { state: { bucket: 'acme-tfstate', region: 'eu-central-1', keyPrefix: 'teams/tasks' } });
    expect(stack.terraform.backend.s3).toMatchObject({ bucket: 'acme-tfstate', region: 'eu-central-1', key: 'teams/tasks/dev.tfstate' });
  });

  test('tags every resource with project, environment and managed-by through the provider', () => {
    const stack = environmentStack('prod', { environments: { prod: { tags: { CostCenter: 'ops' } } } });
    expect(stack.provider.aws[0].default_tags).toEqual([
      { tags: { CostCenter: 'ops', Project: 'taskmanager', Environment: 'prod', ManagedBy: 'cdktf' } },
    ]);
  });
});
