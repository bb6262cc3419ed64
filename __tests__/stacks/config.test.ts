import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../stacks/config';
import { configProblems as problems, testConfig } from './synth';

describe('Configuration', () => {
  test('loads dev and prod with safe placeholders when nothing is set', () => {
    const config = testConfig();
    expect(config.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(config.state).toEqual({ bucket: 'taskmanager-terraform-state-example', region: 'us-east-1', keyPrefix: 'taskmanager', kmsKeyArn: 'arn:aws:kms:us-east-1:000000000000:alias/taskmanager-terraform-state', operatorArns: [] });
    expect(config.githubRepository).toBe('example-org/taskmanager');
    expect(config.environments.every((e) => e.alarmEmail === 'alerts@example.com')).toBe(true);
  });

  test('makes dev cheap and prod protected by default', () => {
    const [dev, prod] = testConfig().environments;
    expect(dev).toMatchObject({ namePrefix: 'taskmanager-dev', network: { natGateways: 0, flowLogs: false }, database: { deletionProtection: false } });
    expect(prod).toMatchObject({ namePrefix: 'taskmanager-prod', network: { natGateways: 1, flowLogs: true }, database: { deletionProtection: true } });
    expect(dev.database.instanceClass).toBe('db.t4g.micro');
    expect(dev.compute).toEqual({
      kind: 'ec2', instanceType: 't3.micro', minSize: 1, maxSize: 3, desiredCapacity: 1, appPort: 3000, rootVolumeGb: 8, apiWorkers: 2, dbPoolMax: 9, targetRequestsPerSecond: 500,
      taskCpu: 512, taskMemoryMb: 1024, image: '', keepImages: 10,
    });
  });

  test('gives each instance one API worker per vCPU and each worker the pool the database can take at maxSize', () => {
    const [dev] = testConfig().environments;
    // db.t4g.micro starts with 66 connections: (66 - 10 reserved) / (3 instances × 2 workers) = 9.
    expect(dev.compute).toMatchObject({ apiWorkers: 2, dbPoolMax: 9 });
    expect(dev.database.maxConnections).toBe(66);
    const medium = testConfig({ environments: { prod: { database: { instanceClass: 'db.t4g.medium' } } } }).environments[1];
    expect(medium.compute.dbPoolMax).toBe(10);
  });

  test('refuses a pool that would take more connections than the database has, naming the setting', () => {
    expect(problems({ environments: { dev: { compute: { dbPoolMax: 10 } } } })).toEqual([
      'environments.dev.compute.dbPoolMax: 10 is too many: 3 instances × 2 workers × 10 + 10 reserved = 70 connections, over the database\'s 66 (at most 9)',
    ]);
    expect(problems({ environments: { dev: { compute: { maxSize: 30 } } } })).toEqual([
      expect.stringMatching(/^environments\.dev\.compute\.maxSize: 30 instances × 2 workers would leave each worker 0 of the database's 66 connections/),
    ]);
  });

  test('asks for the workers or the connection limit where the types do not say', () => {
    const allowing = { instanceTypes: ['t3.micro', 'c7g.metal'], databaseClasses: ['db.t4g.micro', 'db.x2g.large'] };
    expect(problems({ environments: { dev: { compute: { instanceType: 'c7g.metal' }, policy: allowing } } })).toContain('environments.dev.compute.apiWorkers: is required: the vCPUs of c7g.metal are not known');
    expect(problems({ environments: { dev: { database: { instanceClass: 'db.x2g.large' }, policy: allowing } } })).toContain('environments.dev.database.maxConnections: is required: the default max_connections of db.x2g.large is not known');
    expect(testConfig({ environments: { dev: { database: { instanceClass: 'db.x2g.large', maxConnections: 2000 }, policy: allowing } } }).environments[0].compute.dbPoolMax).toBe(10);
  });

  test('takes the principals that may use the state besides the deploy roles, each checked as an IAM ARN', () => {
    expect(testConfig({ state: { operatorArns: ['arn:aws:iam::123456789012:role/ops'] } }).state.operatorArns).toEqual(['arn:aws:iam::123456789012:role/ops']);
    expect(problems({ state: { operatorArns: ['arn:aws:iam::123456789012:role/ops', '*'] } })).toEqual(['state.operatorArns[1]: "*" is not an IAM role or user ARN']);
    expect(problems({ state: { operatorArns: 'arn:aws:iam::123456789012:role/ops' } })).toEqual([expect.stringMatching(/^state\.operatorArns: must be a list of IAM role or user ARNs/)]);
  });

  test('takes per-user settings from environment variables over the file', () => {
    const config = testConfig(
      { state: { bucket: 'from-file-bucket' } },
      { TM_STATE_BUCKET: 'from-env-bucket', TM_REGION: 'eu-west-1', TM_GITHUB_REPOSITORY: 'acme/tasks', TM_ALARM_EMAIL: 'ops@acme.test' },
    );
    expect(config.state.bucket).toBe('from-env-bucket');
    expect(config.githubRepository).toBe('acme/tasks');
    expect(config.environments[0]).toMatchObject({ region: 'eu-west-1', alarmEmail: 'ops@acme.test' });
    expect(config.environments[0].network.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
  });

  test('falls back to GITHUB_REPOSITORY, which GitHub Actions sets', () => {
    expect(testConfig({}, { GITHUB_REPOSITORY: 'acme/from-actions' }).githubRepository).toBe('acme/from-actions');
  });

  test('synthesizes only the environments TM_ENVIRONMENTS names', () => {
    expect(testConfig({}, { TM_ENVIRONMENTS: 'prod' }).environments.map((e) => e.name)).toEqual(['prod']);
  });

  test('reads taskmanager.config.json from the working directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
    fs.writeFileSync(path.join(dir, 'taskmanager.config.json'), JSON.stringify({ githubRepository: 'acme/on-disk' }));
    expect(loadConfig({ env: {}, cwd: dir }).githubRepository).toBe('acme/on-disk');
  });

  test.each([
    ['a bad VPC CIDR', { environments: { dev: { network: { vpcCidr: '10.0.0.0/33' } } } }, 'environments.dev.network.vpcCidr: "10.0.0.0/33" is not an IPv4 CIDR'],
    ['a CIDR that is not a network address', { environments: { dev: { network: { vpcCidr: '10.0.0.1/16' } } } }, 'environments.dev.network.vpcCidr'],
    ['a subnet outside the VPC', { environments: { prod: { network: { publicSubnetCidrs: ['10.1.0.0/24', '10.0.1.0/24'] } } } }, 'environments.prod.network.publicSubnetCidrs[0]: 10.1.0.0/24 is not inside the VPC\'s 10.0.0.0/16 (environments.prod.network.vpcCidr)'],
    ['overlapping subnets', { environments: { dev: { network: { privateSubnetCidrs: ['10.0.0.0/24', '10.0.11.0/24'] } } } }, 'environments.dev.network.privateSubnetCidrs[0]: 10.0.0.0/24 overlaps environments.dev.network.publicSubnetCidrs[0] (10.0.0.0/24)'],
    ['an unknown environment', { environments: { staging: {} } }, 'environments.staging: unknown environment (known: dev, prod)'],
    ['a missing e-mail', { alarmEmail: '' }, 'environments.dev.alarmEmail: is required'],
    ['a malformed e-mail', { environments: { prod: { alarmEmail: 'ops-at-example' } } }, 'environments.prod.alarmEmail: "ops-at-example" is not an e-mail address'],
    ['too many NAT gateways', { environments: { dev: { network: { natGateways: 3 } } } }, 'environments.dev.network.natGateways: must be a whole number from 0 to 2'],
    ['min above max', { environments: { dev: { compute: { minSize: 4 } } } }, 'environments.dev.compute.minSize: must not exceed maxSize (3)'],
    ['an AZ of another region', { environments: { dev: { network: { availabilityZones: ['us-east-1a', 'eu-west-1b'] } } } }, 'environments.dev.network.availabilityZones[1]: "eu-west-1b" is not in region us-east-1'],
    ['a bad region', { region: 'mars-1' }, 'region: "mars-1" is not an AWS region'],
    ['a bad bucket name', { state: { bucket: 'Bad_Bucket' } }, 'state.bucket: "Bad_Bucket" is not a valid S3 bucket name'],
    ['a repository without owner', { githubRepository: 'tasks' }, 'githubRepository: "tasks" is not a GitHub repository as owner/name'],
    ['an unknown setting', { environments: { dev: { database: { multiAZ: true } } } }, 'environments.dev.database.multiAZ: unknown setting'],
    ['a wrong type', { environments: { prod: { database: { multiAz: 'yes' } } } }, 'environments.prod.database.multiAz: must be true or false, got "yes"'],
    ['an unsupported log retention', { environments: { dev: { logRetentionDays: 10 } } }, 'environments.dev.logRetentionDays: must be one of'],
    ['an unsupported monitoring interval', { environments: { prod: { database: { monitoringIntervalSeconds: 20 } } } }, 'environments.prod.database.monitoringIntervalSeconds: must be one of 0, 1, 5, 10, 15, 30, 60'],
    ['access logs that are not a boolean', { environments: { dev: { loadBalancer: { accessLogs: 'on' } } } }, 'environments.dev.loadBalancer.accessLogs: must be true or false, got "on"'],
    ['an environment waiver without a reason', { environments: { dev: { policy: { waivers: [{ rule: 'CKV_AWS_88', resource: 'dev/api/launch-template', expires: '2027-06-30' }] } } } }, 'environments.dev.policy.waivers[0].reason: is required'],
  ])('rejects %s, naming the field', (_what, file, expected) => {
    expect(problems(file).join('\n')).toContain(expected);
  });

  test('prod keeps a standby database, OS metrics, a year of logs and load-balancer access logs; dev the access logs only', () => {
    const [dev, prod] = testConfig().environments;
    expect(prod).toMatchObject({ database: { multiAz: true, monitoringIntervalSeconds: 60 }, logRetentionDays: 365, loadBalancer: { accessLogs: true } });
    expect(dev).toMatchObject({ database: { multiAz: false, monitoringIntervalSeconds: 0 }, logRetentionDays: 14, loadBalancer: { accessLogs: true } });
  });

  test('dev accepts its instances\' public addresses by a dated waiver with its reason; prod waives nothing', () => {
    const [dev, prod] = testConfig().environments;
    expect(dev.policy.waivers).toEqual([{ rule: 'CKV_AWS_88', resource: 'dev/api/launch-template', reason: expect.stringContaining('without a NAT gateway'), expires: '2027-06-30' }]);
    expect(prod.policy.waivers).toEqual([]);
  });

  test('the policy expects prod to be protected and each environment to run small classes', () => {
    const config = testConfig();
    const [dev, prod] = config.environments;
    expect(dev.policy).toMatchObject({ production: false, interfaceEndpoints: true });
    expect(prod.policy).toMatchObject({ production: true, interfaceEndpoints: false });
    for (const env of [dev, prod]) {
      expect(env.policy.instanceTypes).toContain(env.compute.instanceType);
      expect(env.policy.databaseClasses).toContain(env.database.instanceClass);
    }
    expect(config.policy.requiredTags).toEqual(['Project', 'Environment', 'ManagedBy']);
  });

  test('takes policy waivers from the file, each with a rule, a resource, a reason and an expiry date', () => {
    const waiver = { rule: 'CKV_AWS_158', resource: 'dev/api/logs', reason: 'no secrets in these logs', expires: '2027-06-30' };
    expect(testConfig({ policy: { waivers: [waiver] } }).policy.waivers).toEqual([waiver]);
    expect(problems({ policy: { waivers: [{ ...waiver, reason: '' }] } })).toEqual(['policy.waivers[0].reason: is required']);
    expect(problems({ policy: { waivers: [{ ...waiver, expires: '2027-02-30' }] } })).toEqual(['policy.waivers[0].expires: "2027-02-30" is not a date like 2027-01-31']);
    expect(problems({ policy: { waivers: [{ ...waiver, rule: 'ckv' }] } })).toEqual(['policy.waivers[0].rule: "ckv" is not a rule id like CKV_AWS_158']);
    expect(problems({ policy: { waivers: [{ ...waiver, until: 'x' }] } })).toEqual([expect.stringMatching(/^policy\.waivers\[0\]\.until: unknown setting/)]);
    expect(problems({ policy: { waivers: 'none' } })).toEqual(['policy.waivers: must be a list of waivers, got "none"']);
  });

  test('rejects an allow-list entry that is not an instance class, naming its index', () => {
    expect(problems({ environments: { dev: { policy: { instanceTypes: ['t3.micro', 'big'] } } } })).toEqual(['environments.dev.policy.instanceTypes[1]: "big" is not an EC2 instance type like t3.micro']);
    expect(problems({ environments: { prod: { policy: { databaseClasses: 'db.t4g.micro' } } } })).toEqual([expect.stringMatching(/^environments\.prod\.policy\.databaseClasses: must be a list, each an RDS class like/)]);
  });

  test('rejects an unknown environment in TM_ENVIRONMENTS', () => {
    expect(problems({}, { TM_ENVIRONMENTS: 'dev,staging' })).toEqual(['TM_ENVIRONMENTS: unknown environment "staging" (known: dev, prod)']);
  });

  test('rejects an environment listed twice in TM_ENVIRONMENTS, naming the setting', () => {
    expect(problems({}, { TM_ENVIRONMENTS: 'dev,dev,prod' })).toEqual(['TM_ENVIRONMENTS: lists "dev" more than once']);
  });

  test('names the exact subnet field that lies outside the VPC, even the second of a list', () => {
    expect(problems({ environments: { dev: { network: { privateSubnetCidrs: ['10.0.10.0/24', '192.168.0.0/24'] } } } })).toEqual([
      "environments.dev.network.privateSubnetCidrs[1]: 192.168.0.0/24 is not inside the VPC's 10.0.0.0/16 (environments.dev.network.vpcCidr)",
    ]);
  });

  test('says TM_ENVIRONMENTS is comma-separated when given names separated by spaces', () => {
    expect(problems({}, { TM_ENVIRONMENTS: 'dev prod' })).toEqual(['TM_ENVIRONMENTS: "dev prod" must be comma-separated: write dev,prod']);
  });

  test('reports a broken JSON config file by line and column, not by position', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
    fs.writeFileSync(path.join(dir, 'taskmanager.config.json'), '{\n  "project": "tasks"\n  "region": "eu-west-1"\n}\n');
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(
      "taskmanager.config.json: is not valid JSON: Expected ',' or '}' after property value at line 3, column 3",
    );
    fs.writeFileSync(path.join(dir, 'taskmanager.config.json'), '{\n  "project": "tasks",\n');
    expect(() => loadConfig({ env: {}, cwd: dir })).toThrow(/is not valid JSON: .* at line 3, column 1$/);
  });

  test('refuses an instance type or database class off the allow-list, suggesting the near one', () => {
    expect(problems({ environments: { dev: { compute: { instanceType: 't3.mirco', apiWorkers: 2 } } } })).toEqual([
      'environments.dev.compute.instanceType: "t3.mirco" is not in environments.dev.policy.instanceTypes (t3.micro, t3.small, t4g.micro, t4g.small); did you mean "t3.micro"?',
    ]);
    expect(problems({ environments: { prod: { database: { instanceClass: 'db.t4g.smal' } } } })).toContainEqual(
      expect.stringMatching(/^environments\.prod\.database\.instanceClass: "db\.t4g\.smal" is not in environments\.prod\.policy\.databaseClasses \(.*\); did you mean "db\.t4g\.small"\?$/),
    );
    expect(problems({ environments: { dev: { compute: { instanceType: 'm7g.large' } } } })).toEqual([
      'environments.dev.compute.instanceType: "m7g.large" is not in environments.dev.policy.instanceTypes (t3.micro, t3.small, t4g.micro, t4g.small): to run it, add it to environments.dev.policy.instanceTypes',
    ]);
    expect(problems({ environments: { dev: { compute: { instanceType: 'm7g.large' }, policy: { instanceTypes: ['m7g.large'] } } } })).toEqual([]);
  });

  test('suggests the setting an unknown key was probably meant to be', () => {
    expect(problems({ environments: { dev: { database: { multiAZ: true } } } })).toEqual([expect.stringMatching(/multiAZ: unknown setting \(known: .*\); did you mean "multiAz"\?$/)]);
  });

  test("refuses an image model the environment's region does not offer, naming the setting and what the region has", () => {
    expect(problems({ environments: { dev: { region: 'eu-west-1', worker: { modelId: 'amazon.titan-image-generator-v2:0' } } } })).toEqual([
      'environments.dev.worker.modelId: "amazon.titan-image-generator-v2:0" is not offered by Bedrock in eu-west-1 (only in us-east-1, us-west-2): take "amazon.nova-canvas-v1:0", or another region',
    ]);
    expect(problems({ environments: { prod: { region: 'us-west-2', worker: { modelId: 'amazon.nova-canvas-v1:0' } } } })).toEqual([
      expect.stringMatching(/^environments\.prod\.worker\.modelId: "amazon\.nova-canvas-v1:0" is not offered by Bedrock in us-west-2 \(only in us-east-1, ap-northeast-1, eu-west-1\): take "amazon\.titan-image-generator-v2:0"/),
    ]);
    expect(problems({}, { TM_REGION: 'eu-north-1', TM_ENVIRONMENTS: 'dev' })).toEqual([
      expect.stringMatching(/^environments\.dev\.worker\.modelId: .* no image model is offered in eu-north-1; choose a region from ap-northeast-1, eu-west-1, us-east-1, us-west-2$/),
    ]);
  });

  test('defaults the image model to one the region offers: Titan where it can, else Nova Canvas', () => {
    expect(testConfig({}, { TM_REGION: 'us-west-2' }).environments[0].worker.modelId).toBe('amazon.titan-image-generator-v2:0');
    expect(testConfig({}, { TM_REGION: 'eu-west-1' }).environments.map((e) => e.worker.modelId)).toEqual(['amazon.nova-canvas-v1:0', 'amazon.nova-canvas-v1:0']);
  });

  test('reports every problem at once', () => {
    expect(problems({ region: 'nowhere', state: { bucket: 'UPPER' }, alarmEmail: 'x' }).length).toBeGreaterThanOrEqual(4);
  });

});
