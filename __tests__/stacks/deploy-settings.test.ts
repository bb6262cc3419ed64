/** The settings of the deploy roles: accounts per environment, the database id the boundary pins, the state key. */
import { configProblems as problems, testConfig } from './synth';

describe('Deploy settings', () => {
  test('keep every environment in the bootstrap account, with no database pinned, by default', () => {
    expect(testConfig().environments.map((e) => [e.accountId, e.databaseResourceId])).toEqual([['', ''], ['', '']]);
  });

  test('take an account and a database id per environment', () => {
    const prod = testConfig({ environments: { prod: { accountId: '123456789012', databaseResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXY0' } } }).environments[1];
    expect(prod).toMatchObject({ accountId: '123456789012', databaseResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXY0' });
  });

  test('refuse an account id that is not 12 digits and a database id that is not a DbiResourceId, naming the field', () => {
    expect(problems({ environments: { dev: { accountId: '1234' } } })).toEqual(['environments.dev.accountId: "1234" is not a 12-digit AWS account id']);
    expect(problems({ environments: { dev: { databaseResourceId: 'taskmanager-dev-db' } } })).toEqual([
      expect.stringMatching(/^environments\.dev\.databaseResourceId: "taskmanager-dev-db" is not a DbiResourceId/),
    ]);
  });

  test('take the state key from the file or TM_STATE_KMS_KEY_ARN, and refuse what is no KMS key or alias ARN', () => {
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(testConfig({ state: { kmsKeyArn: key } }).state.kmsKeyArn).toBe(key);
    expect(testConfig({}, { TM_STATE_KMS_KEY_ARN: 'arn:aws:kms:us-east-1:123456789012:alias/taskmanager-terraform-state' }).environments[0].state.kmsKeyArn).toMatch(/alias\/taskmanager-terraform-state$/);
    expect(problems({ state: { kmsKeyArn: 'alias/taskmanager-terraform-state' } })).toEqual([
      'state.kmsKeyArn: "alias/taskmanager-terraform-state" is not a KMS key or alias ARN (bootstrap output state_key_arn)',
    ]);
  });

  test('refuse a name prefix that starts another environment\'s: the deploy roles scope by `<namePrefix>-*`', () => {
    expect(problems({ environments: { dev: { namePrefix: 'tasks' }, prod: { namePrefix: 'tasks-prod' } } })).toEqual([
      'environments.prod.namePrefix: "tasks-prod" starts with dev\'s prefix "tasks-": the deploy roles of dev would reach prod\'s resources',
    ]);
  });
});
