import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig, SETTINGS } from '../../api/src/config/config';

describe('configuration from environment variables', () => {
  it('defaults to the embedded SQLite database, port 3000 on 127.0.0.1 only, one process', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      workers: 1,
      database: { kind: 'sqlite', file: '/srv/app/data/taskmanager.sqlite' },
      logLevel: 'info',
      bodyLimitBytes: 16384,
      keepAliveTimeoutMs: 65000,
      imdsEndpoint: 'http://169.254.169.254',
      imdsTimeoutMs: 300,
    });
    expect(config.logFile).toBeUndefined();
  });

  it('reads DATABASE_URL, with escaped credentials, pool size and TLS', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://app%40x:p%2Fss@db.example:3307/tasks', DB_POOL_MAX: '25', DB_SSL: 'true' });
    expect(config.database).toEqual({
      kind: 'mysql',
      host: 'db.example',
      port: 3307,
      database: 'tasks',
      user: 'app@x',
      password: 'p/ss',
      secretArn: undefined,
      secretRegion: undefined,
      ssl: true,
      poolMax: 25,
      acquireTimeoutMs: 3000,
      secretTtlMs: 300000,
    });
  });

  it('DB_SSL_CA_FILE is resolved against the working directory and only matters with DB_SSL', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://u:p@h/db', DB_SSL: 'true', DB_SSL_CA_FILE: 'certs/ca.pem' }, '/srv/app');
    expect(config.database).toMatchObject({ ssl: true, sslCaFile: '/srv/app/certs/ca.pem' });
  });

  it('on EC2: DB_HOST with the RDS secret ARN, region taken from the ARN', () => {
    const config = loadConfig({ DB_HOST: 'tm.abc.eu-west-1.rds.amazonaws.com', DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCd', DB_SSL: 'true', LOG_FILE: '/var/log/taskmanager.log' });
    expect(config.database).toMatchObject({ kind: 'mysql', host: 'tm.abc.eu-west-1.rds.amazonaws.com', port: 3306, database: 'taskmanager', user: 'admin', secretRegion: 'eu-west-1', ssl: true });
    expect(config.logFile).toBe('/var/log/taskmanager.log');
  });

  it('runs one worker per CPU in production unless API_WORKERS says otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).workers).toBe(Math.min(os.availableParallelism(), 64));
    expect(loadConfig({ NODE_ENV: 'production', API_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ API_WORKERS: '2' }).workers).toBe(2);
  });

  it.each([
    [{ API_WORKERS: '0' }, /^Invalid configuration: API_WORKERS: must be a whole number from 1 to 64/],
    [{ API_WORKERS: 'auto' }, /^Invalid configuration: API_WORKERS: /],
    [{ PORT: '70000' }, /^Invalid configuration: PORT: /],
    [{ PORT: '3000x' }, /^Invalid configuration: PORT: /],
    [{ DATABASE_URL: 'not a url' }, /^Invalid configuration: DATABASE_URL: /],
    [{ DATABASE_URL: 'mysql://host-only' }, /^Invalid configuration: DATABASE_URL: /],
    [{ DB_HOST: 'h' }, /^Invalid configuration: DB_HOST: .*DB_SECRET_ARN or DB_PASSWORD/],
    [{ DB_HOST: 'h', DB_SECRET_ARN: 'my-secret' }, /^Invalid configuration: DB_SECRET_ARN: /],
    [{ DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' }, /^Invalid configuration: DB_SECRET_ARN: .*DB_HOST/],
    [{ DATABASE_URL: 'mysql://u:p@h/db', DB_POOL_MAX: '0' }, /^Invalid configuration: DB_POOL_MAX: /],
    [{ LOG_LEVEL: 'verbose' }, /^Invalid configuration: LOG_LEVEL: /],
    [{ IMDS_ENDPOINT: 'ftp://x' }, /^Invalid configuration: IMDS_ENDPOINT: /],
    [{ BODY_LIMIT_BYTES: '-5' }, /^Invalid configuration: BODY_LIMIT_BYTES: /],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('every variable is documented in docs/api.md and read by the config module', () => {
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'api', 'src', 'config', 'config.ts'), 'utf8');
    for (const setting of SETTINGS) {
      expect({ name: setting.name, documented: docs.includes(`\`${setting.name}\``) }).toEqual({ name: setting.name, documented: true });
      expect({ name: setting.name, read: source.includes(`'${setting.name}'`) }).toEqual({ name: setting.name, read: true });
    }
  });
});
