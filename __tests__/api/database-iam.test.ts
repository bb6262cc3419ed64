/**
 * IAM database authentication: the API signs in with a short-lived token instead of a password.
 * MariaDB has no RDS IAM plugin, so the tests give the account a password that equals the token the
 * (test) token maker hands out: what is checked for real is that every new connection signs in with
 * a token made for it, and that a new token takes over after the credentials' lifetime.
 */
import { loadConfig, type MysqlSettings } from '../../api/src/config/config';
import { createKnex, migrationSettings, rdsIamToken, type IamTokenMaker } from '../../api/src/db/database';
import { asTestAccount, createMysqlDatabase, dropMysqlDatabase, mysqlSettings, silentLogger, uniqueDatabaseName, uniqueServerName } from './support/databases';

const database = uniqueDatabaseName('iam');
const user = uniqueServerName('iam', 32);

beforeAll(async () => {
  await createMysqlDatabase(database);
  await asTestAccount(async (c) => {
    await c.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY 'token-1'", [user]);
    await c.query(`GRANT SELECT ON \`${database.replace(/_/g, '\\_')}\`.* TO ?@'%'`, [user]);
  });
});

afterAll(async () => {
  await asTestAccount((c) => c.query("DROP USER IF EXISTS ?@'%'", [user]));
  await dropMysqlDatabase(database);
});

describe('IAM sign-in to MySQL', () => {
  test('signs every new connection in with a token made for that server, account and region', async () => {
    const asked: unknown[] = [];
    const iamToken: IamTokenMaker = async (target) => (asked.push(target), 'token-1');
    const settings: MysqlSettings = { ...mysqlSettings(database), user, password: undefined, iamAuth: { region: 'eu-west-1' } };
    const knex = createKnex(settings, silentLogger, { iamToken });
    try {
      expect(await knex.raw('SELECT CURRENT_USER() AS who')).toEqual([[{ who: `${user}@%` }], expect.anything()]);
      expect(asked).toEqual([{ host: settings.host, port: settings.port, user, region: 'eu-west-1' }]);
    } finally {
      await knex.destroy();
    }
  });

  test('signs new connections in with a new token once the credentials\' lifetime is over', async () => {
    let token = 'token-1';
    const settings: MysqlSettings = { ...mysqlSettings(database), user, password: undefined, iamAuth: { region: 'eu-west-1' }, secretTtlMs: 200 };
    const knex = createKnex(settings, silentLogger, { iamToken: async () => token });
    try {
      await knex.raw('SELECT 1');
      // The server now only takes the next token: the old one has expired.
      await asTestAccount((c) => c.query("ALTER USER ?@'%' IDENTIFIED BY 'token-2'", [user]));
      token = 'token-2';
      await new Promise((resolve) => setTimeout(resolve, 300));
      const both = await Promise.all([knex.raw('SELECT SLEEP(0.2)'), knex.raw('SELECT 1')]);
      expect(both).toHaveLength(2);
    } finally {
      await knex.destroy();
      await asTestAccount((c) => c.query("ALTER USER ?@'%' IDENTIFIED BY 'token-1'", [user]));
    }
  });

  test('the AWS signer makes a presigned connect token from the process\'s credentials, offline', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE000000000', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_SESSION_TOKEN: '' });
    try {
      const token = await rdsIamToken({ host: 'db.example.internal', port: 3306, user: 'taskmanager_api', region: 'eu-west-1' });
      expect(token).toMatch(/^db\.example\.internal:3306\/\?Action=connect&DBUser=taskmanager_api&X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Credential=AKIAEXAMPLE000000000%2F\d{8}%2Feu-west-1%2Frds-db%2Faws4_request/);
      expect(token).toContain('X-Amz-Expires=900');
    } finally {
      process.env = saved;
    }
  });

  test('migrations run as the migration account over one connection', () => {
    const settings: MysqlSettings = { ...mysqlSettings(database), user: 'taskmanager_api', migrationUser: 'taskmanager_migrator' };
    expect(migrationSettings(settings)).toMatchObject({ user: 'taskmanager_migrator', poolMax: 1, database });
    expect(migrationSettings({ ...settings, migrationUser: undefined })).toMatchObject({ user: 'taskmanager_api' });
  });
});

describe('IAM sign-in settings', () => {
  const base = { DB_HOST: 'db.internal', DB_USER: 'taskmanager_api', DB_SSL: 'true', DB_IAM_AUTH: 'true', AWS_REGION: 'eu-west-1' };

  test('need no password, and name the migration account', () => {
    const database = loadConfig({ ...base, DB_MIGRATION_USER: 'taskmanager_migrator' }).database as MysqlSettings;
    expect(database).toMatchObject({ user: 'taskmanager_api', password: undefined, iamAuth: { region: 'eu-west-1' }, migrationUser: 'taskmanager_migrator', database: 'taskmanager' });
  });

  test.each([
    [{ DB_SSL: 'false' }, 'DB_SSL: must be true with DB_IAM_AUTH'],
    [{ AWS_REGION: '' }, 'AWS_REGION: is required with DB_IAM_AUTH'],
    [{ DB_PASSWORD: 'x' }, 'DB_IAM_AUTH: signs in with tokens, so DB_PASSWORD must not be set too'],
    [{ DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1' }, 'DB_IAM_AUTH: signs in with tokens, so DB_SECRET_ARN must not be set too'],
    [{ DB_SECRET_TTL_SECONDS: '900' }, 'DB_SECRET_TTL_SECONDS: must be at most 600 with DB_IAM_AUTH'],
  ])('refuse %j, naming the setting', (change, message) => {
    expect(() => loadConfig({ ...base, ...change })).toThrow(message);
  });
});
