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
      serverFrom: 'DATABASE_URL',
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
      queryTimeoutMs: 10_000,
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

  it('migrates at start unless DB_MIGRATE_AT_START=false says a migration step runs before the API (AWS)', () => {
    expect(loadConfig({}).migrateAtStart).toBe(true);
    expect(loadConfig({ DB_MIGRATE_AT_START: 'false' }).migrateAtStart).toBe(false);
    expect(() => loadConfig({ DB_MIGRATE_AT_START: 'later' })).toThrow('DB_MIGRATE_AT_START: must be true or false, got "later"');
  });

  it('runs one worker per CPU in production unless API_WORKERS says otherwise', () => {
    const production = { NODE_ENV: 'production', AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc', AUTH_CLIENT_ID: 'client' };
    expect(loadConfig(production).workers).toBe(Math.min(os.availableParallelism(), 64));
    expect(loadConfig({ ...production, API_WORKERS: '3' }).workers).toBe(3);
    expect(loadConfig({ API_WORKERS: '2' }).workers).toBe(2);
  });

  it.each([
    [{ API_WORKERS: '0' }, /^Invalid configuration: API_WORKERS: must be a whole number from 1 to 64/],
    [{ API_WORKERS: 'auto' }, /^Invalid configuration: API_WORKERS: /],
    [{ PORT: '70000' }, /^Invalid configuration: PORT: /],
    [{ PORT: '3000x' }, /^Invalid configuration: PORT: /],
    [{ DATABASE_URL: 'not a url' }, /^Invalid configuration: DATABASE_URL: /],
    [{ DATABASE_URL: 'mysql://host-only' }, /^Invalid configuration: DATABASE_URL: /],
    [{ DB_HOST: 'h' }, /^Invalid configuration: DB_HOST: .*DB_SECRET_ARN, DB_PASSWORD or DB_IAM_AUTH/],
    [{ DB_HOST: 'h', DB_SECRET_ARN: 'my-secret' }, /^Invalid configuration: DB_SECRET_ARN: /],
    [{ DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' }, /^Invalid configuration: DB_SECRET_ARN: .*DB_HOST/],
    [{ DATABASE_URL: 'mysql://u:p@h/db', DB_POOL_MAX: '0' }, /^Invalid configuration: DB_POOL_MAX: /],
    [{ LOG_LEVEL: 'verbose' }, /^Invalid configuration: LOG_LEVEL: /],
    [{ IMDS_ENDPOINT: 'ftp://x' }, /^Invalid configuration: IMDS_ENDPOINT: /],
    [{ BODY_LIMIT_BYTES: '-5' }, /^Invalid configuration: BODY_LIMIT_BYTES: /],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe('authentication settings', () => {
    const pool = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf';

    it('off without any AUTH_* setting outside production', () => {
      expect(loadConfig({}).auth).toBeUndefined();
      expect(loadConfig({ NODE_ENV: 'development' }).auth).toBeUndefined();
    });

    it("AUTH_ISSUER + AUTH_CLIENT_ID turn it on, the keys at the issuer's /.well-known/jwks.json", () => {
      expect(loadConfig({ AUTH_ISSUER: `${pool}/`, AUTH_CLIENT_ID: 'client123', NODE_ENV: 'production' }).auth).toEqual({
        issuer: pool,
        clientId: 'client123',
        jwksUrl: `${pool}/.well-known/jwks.json`,
      });
    });

    it('AUTH_JWKS_URL overrides where the keys are', () => {
      const auth = loadConfig({ AUTH_ISSUER: pool, AUTH_CLIENT_ID: 'c', AUTH_JWKS_URL: 'https://keys.example/jwks.json' }).auth;
      expect(auth?.jwksUrl).toBe('https://keys.example/jwks.json');
    });

    it('a local http issuer on 127.0.0.1 or localhost is allowed outside production', () => {
      expect(loadConfig({ AUTH_ISSUER: 'http://127.0.0.1:9000', AUTH_CLIENT_ID: 'c' }).auth?.issuer).toBe('http://127.0.0.1:9000');
      expect(loadConfig({ AUTH_ISSUER: 'http://localhost:9000', AUTH_CLIENT_ID: 'c' }).auth?.issuer).toBe('http://localhost:9000');
    });

    it.each([
      [{ NODE_ENV: 'production' }, /^Invalid configuration: AUTH_ISSUER: is required when NODE_ENV=production/],
      [{ NODE_ENV: 'production', AUTH_CLIENT_ID: 'c' }, /^Invalid configuration: AUTH_ISSUER: is required when NODE_ENV=production/],
      [{ AUTH_CLIENT_ID: 'c' }, /^Invalid configuration: AUTH_ISSUER: is required with AUTH_CLIENT_ID/],
      [{ AUTH_JWKS_URL: 'https://keys.example/jwks.json' }, /^Invalid configuration: AUTH_ISSUER: is required with AUTH_JWKS_URL/],
      [{ AUTH_ISSUER: pool }, /^Invalid configuration: AUTH_CLIENT_ID: is required with AUTH_ISSUER/],
      [{ AUTH_ISSUER: 'http://127.0.0.1:9000', AUTH_CLIENT_ID: 'c', NODE_ENV: 'production' }, /^Invalid configuration: AUTH_ISSUER: must be an https URL when NODE_ENV=production/],
      [{ AUTH_ISSUER: 'http://issuer.example', AUTH_CLIENT_ID: 'c' }, /^Invalid configuration: AUTH_ISSUER: must be an https URL \(plain http only for a local issuer/],
      [{ AUTH_ISSUER: pool, AUTH_CLIENT_ID: 'c', AUTH_JWKS_URL: 'http://keys.example/jwks.json' }, /^Invalid configuration: AUTH_JWKS_URL: must be an https URL/],
      [{ AUTH_ISSUER: 'not a url', AUTH_CLIENT_ID: 'c' }, /^Invalid configuration: AUTH_ISSUER: /],
      [{ API_BASE_PATH: 'api' }, /^Invalid configuration: API_BASE_PATH: /],
      [{ API_BASE_PATH: '/api/' }, /^Invalid configuration: API_BASE_PATH: /],
    ])('rejects %j with a message naming the variable', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });
  });

  it('serves a site folder only when SITE_DIR is set, resolved against the working directory; the base path defaults to /api', () => {
    expect(loadConfig({}, '/srv/app')).toMatchObject({ siteDir: undefined, apiBasePath: '/api' });
    expect(loadConfig({ SITE_DIR: 'dist/site', API_BASE_PATH: '/v1/api' }, '/srv/app')).toMatchObject({ siteDir: '/srv/app/dist/site', apiBasePath: '/v1/api' });
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
