import { environmentStack } from './synth';

describe('Remote state', () => {
  test('keeps each application stack in the S3 bucket, encrypted and with the S3 lock file', () => {
    for (const name of ['dev', 'prod'] as const) {
      expect(environmentStack(name).terraform.backend.s3).toEqual({
        bucket: 'taskmanager-terraform-state-example',
        key: `taskmanager/${name}.tfstate`,
        region: 'us-east-1',
        encrypt: true,
        use_lockfile: true,
      });
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
