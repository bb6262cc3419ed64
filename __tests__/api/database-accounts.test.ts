/**
 * The database set-up function's SQL, run for real against MariaDB as an account that may create
 * users (the master user on RDS): the accounts exist afterwards, can do what the contract says and
 * nothing more, and running it again changes nothing but what it must.
 */
import { createConnection, type Connection } from 'mysql2/promise';
import { DATABASE_ACCOUNTS } from '../../api/contract/database';
import { accountStatements, ensureAccounts, type AccountSpec } from '../../api/db-setup/accounts';
import { loadSetupConfig } from '../../api/db-setup/config';
import { testBuilds } from '../stacks/synth';
import { createMysqlDatabase, dropMysqlDatabase, mysqlSettings, uniqueDatabaseName, uniqueServerName } from './support/databases';

const database = uniqueDatabaseName('accounts');
const other = uniqueDatabaseName('accounts_other');
const api: AccountSpec = { user: uniqueServerName('api', 32), privileges: DATABASE_ACCOUNTS.api.privileges };
const migrator: AccountSpec = { user: uniqueServerName('mig', 32), privileges: DATABASE_ACCOUNTS.migrator.privileges };
const opened: Connection[] = [];

async function connect(user?: string, password?: string, db = database): Promise<Connection> {
  const server = mysqlSettings(db);
  const connection = await createConnection({ host: server.host, port: server.port, user: user ?? server.user, password: password ?? server.password, database: db });
  opened.push(connection);
  return connection;
}

/** The MySQL error code of a failed statement, or 'ok'. */
async function outcome(connection: Connection, sql: string): Promise<string> {
  return connection.query(sql).then(() => 'ok', (error: { code: string }) => error.code);
}

let master: Connection;

beforeAll(async () => {
  await createMysqlDatabase(database);
  await createMysqlDatabase(other);
  master = await connect();
  await ensureAccounts(master, database, [api, migrator], { kind: 'password', password: 'first-password' }, false);
});

afterAll(async () => {
  for (const connection of opened) await connection.end().catch(() => undefined);
  const cleanup = await connect();
  for (const account of [api, migrator]) await cleanup.query("DROP USER IF EXISTS ?@'%'", [account.user]);
  await cleanup.end();
  await dropMysqlDatabase(database);
  await dropMysqlDatabase(other);
});

describe('Database set-up: the application accounts', () => {
  test('the migrator may change the schema and the rows', async () => {
    const connection = await connect(migrator.user, 'first-password');
    expect(await outcome(connection, 'CREATE TABLE tasks (id INT PRIMARY KEY, title VARCHAR(100))')).toBe('ok');
    expect(await outcome(connection, "INSERT INTO tasks VALUES (1, 'from the migrator')")).toBe('ok');
  });

  test('the api account may read and write rows but never change the schema', async () => {
    const connection = await connect(api.user, 'first-password');
    expect(await outcome(connection, "INSERT INTO tasks VALUES (2, 'from the api')")).toBe('ok');
    expect(await outcome(connection, "UPDATE tasks SET title = 'changed' WHERE id = 2")).toBe('ok');
    expect(await outcome(connection, 'DELETE FROM tasks WHERE id = 2')).toBe('ok');
    expect(await outcome(connection, 'SELECT * FROM tasks')).toBe('ok');
    expect(await outcome(connection, 'CREATE TABLE stolen (id INT)')).toBe('ER_TABLEACCESS_DENIED_ERROR');
    expect(await outcome(connection, 'DROP TABLE tasks')).toBe('ER_TABLEACCESS_DENIED_ERROR');
    expect(await outcome(connection, 'ALTER TABLE tasks ADD COLUMN x INT')).toBe('ER_TABLEACCESS_DENIED_ERROR');
  });

  test('neither account reaches another database', async () => {
    for (const account of [api, migrator]) {
      await expect(connect(account.user, 'first-password', other)).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    }
  });

  test('running it again is harmless and makes existing accounts sign in the configured way', async () => {
    await ensureAccounts(master, database, [api, migrator], { kind: 'password', password: 'second-password' }, false);
    await expect(connect(api.user, 'first-password')).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
    const connection = await connect(api.user, 'second-password');
    expect(await outcome(connection, 'SELECT * FROM tasks')).toBe('ok');
  });
});

describe('Database set-up: the SQL for RDS', () => {
  test('signs the accounts in with the RDS IAM plugin over TLS, with no password anywhere', () => {
    const [create, alter, grant] = accountStatements('taskmanager', [DATABASE_ACCOUNTS.api], { kind: 'aws-iam' }, true);
    expect(create).toEqual({ sql: "CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL", values: ['taskmanager_api'] });
    expect(alter.sql).toBe("ALTER USER ?@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL");
    expect(grant).toEqual({ sql: 'GRANT SELECT, INSERT, UPDATE, DELETE ON `taskmanager`.* TO ?@\'%\'', values: ['taskmanager_api'] });
  });

  test('refuses names and privileges that are not plain identifiers (they are written into the SQL)', () => {
    expect(() => accountStatements('task`manager', [DATABASE_ACCOUNTS.api], { kind: 'aws-iam' }, true)).toThrow('not a plain identifier');
    expect(() => accountStatements('taskmanager', [{ user: "x'@'%", privileges: ['SELECT'] }], { kind: 'aws-iam' }, true)).toThrow('not a plain identifier');
    expect(() => accountStatements('taskmanager', [{ user: 'x', privileges: ['SELECT; DROP'] }], { kind: 'aws-iam' }, true)).toThrow('plain privilege names');
  });

  test('its settings name the variable that is missing or wrong', () => {
    const env = { DB_HOST: 'db.internal', DB_NAME: 'taskmanager', DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1', AWS_REGION: 'us-east-1' };
    expect(loadSetupConfig(env)).toMatchObject({ host: 'db.internal', port: 3306, database: 'taskmanager', region: 'us-east-1' });
    expect(() => loadSetupConfig({ ...env, DB_SECRET_ARN: '' })).toThrow('DB_SECRET_ARN: is required');
    expect(() => loadSetupConfig({ ...env, DB_PORT: 'x' })).toThrow('DB_PORT: must be a port number');
  });
});

describe('Database set-up: the bundled function', () => {
  test('is the bundle the stack ships, and its handler stops at the first missing setting, naming it', async () => {
    const zip = testBuilds().databaseSetup.zipFile;
    const bundle = zip.replace(/\.zip$/, '/index.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(bundle) as { handler: (event: unknown) => Promise<unknown> };
    const saved = { ...process.env };
    delete process.env.DB_HOST;
    process.env.AWS_REGION = 'us-east-1';
    try {
      await expect(handler({})).rejects.toThrow('DB_HOST: is required');
    } finally {
      process.env = saved;
    }
  });
});
