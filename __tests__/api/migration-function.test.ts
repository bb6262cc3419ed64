/**
 * The migration function, run for real against MariaDB as the migrator account the set-up function
 * makes: it brings the schema to the latest migration, several invocations at once apply each
 * migration once, running it again changes nothing, and the api account (the instances') cannot
 * migrate at all. An API that does not migrate (DB_MIGRATE_AT_START=false, as on AWS) says clearly
 * that the schema is behind, at start and in /ready, and turns ready once the function has run.
 * MariaDB has no RDS IAM plugin: the accounts get a password equal to the token the test's token
 * maker hands out, so each connection still signs in the way the function does on AWS.
 */
import type { MysqlSettings } from '../../api/src/config/config';
import { DATABASE_ACCOUNTS } from '../../api/contract/database';
import { ensureAccounts, type AccountSpec } from '../../api/db-setup/accounts';
import { loadMigrationConfig } from '../../api/db-setup/config';
import { migrateDatabase } from '../../api/db-setup/migrate';
import { createKnex, prepareDatabaseAtStart, type IamTokenMaker } from '../../api/src/db/database';
import { MIGRATIONS } from '../../api/src/db/migrations';
import { JsonLogger } from '../../api/src/observability/logger';
import { testBuilds } from '../stacks/synth';
import { request, startApi } from './support/api-harness';
import { asTestAccount, createMysqlDatabase, dropMysqlDatabase, mysqlSettings, silentLogger, uniqueDatabaseName, uniqueServerName } from './support/databases';

const database = uniqueDatabaseName('migfn');
const api: AccountSpec = { user: uniqueServerName('mfa', 32), privileges: DATABASE_ACCOUNTS.api.privileges };
const migrator: AccountSpec = { user: uniqueServerName('mfm', 32), privileges: DATABASE_ACCOUNTS.migrator.privileges };
const TOKEN = `token-${process.pid}`;
const ALL = MIGRATIONS.map((m) => m.name);

/** The settings the function derives from its environment, pointed at the test server (which has no TLS). */
function functionSettings(user: string): MysqlSettings {
  const server = mysqlSettings(database);
  const settings = loadMigrationConfig({ DB_HOST: server.host, DB_PORT: String(server.port), DB_NAME: database, DB_USER: user, AWS_REGION: 'eu-west-1' });
  return { ...settings, ssl: false };
}

const signedFor: string[] = [];
const iamToken: IamTokenMaker = async ({ user }) => (signedFor.push(user), TOKEN);
const inAMinute = () => Date.now() + 60_000;

beforeAll(async () => {
  await createMysqlDatabase(database);
  await asTestAccount((master) => ensureAccounts(master, database, [api, migrator], { kind: 'password', password: TOKEN }, false));
});

afterAll(async () => {
  await asTestAccount(async (c) => {
    for (const account of [api, migrator]) await c.query("DROP USER IF EXISTS ?@'%'", [account.user]);
  });
  await dropMysqlDatabase(database);
});

describe('the migration function', () => {
  test('its settings sign in as DB_USER with an IAM token over verified TLS, and name what is missing', () => {
    const env = { DB_HOST: 'db.internal', DB_NAME: 'taskmanager', DB_USER: 'taskmanager_migrator', AWS_REGION: 'eu-west-1' };
    // No password and no secret: the token is the only way in.
    expect(loadMigrationConfig(env)).toEqual({
      kind: 'mysql', host: 'db.internal', port: 3306, database: 'taskmanager', user: 'taskmanager_migrator',
      iamAuth: { region: 'eu-west-1' }, ssl: true, secretTtlMs: 600_000, poolMax: 2, acquireTimeoutMs: 10_000,
    });
    expect(() => loadMigrationConfig({ ...env, DB_USER: '' })).toThrow('DB_USER: is required');
    expect(() => loadMigrationConfig({ ...env, AWS_REGION: 'moon-1' })).toThrow('AWS_REGION: must be an AWS region');
  });

  test('the api account, which the instances sign in as, cannot migrate: it may not create a table', async () => {
    await expect(migrateDatabase(functionSettings(api.user), silentLogger, inAMinute(), { iamToken })).rejects.toThrow(/CREATE command denied/);
  });

  test('an API that does not migrate says at start, and in /ready, that the schema is behind its code', async () => {
    const lines: string[] = [];
    const logger = new JsonLogger({ sinks: [{ write: (text) => lines.push(...text.trimEnd().split('\n')) }] });
    const settings: MysqlSettings = { ...mysqlSettings(database), user: api.user, password: TOKEN };
    await prepareDatabaseAtStart(settings, false, logger, 5000, {});
    logger.flushSync();
    expect(lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({ msg: expect.stringMatching(/^database schema is behind this build: run the migration step/), pending: ALL }),
    ]);

    const knex = createKnex(settings, silentLogger);
    const running = await startApi(knex);
    try {
      expect(await request(running.url, 'GET', '/ready')).toMatchObject({
        status: 503,
        body: { status: 'not_ready', checks: { database: 'up', schema: 'behind' }, reason: 'schema_behind', pendingMigrations: ALL },
      });
      await migrateDatabase(functionSettings(migrator.user), silentLogger, inAMinute(), { iamToken });
      // No restart: readiness asks again until the schema is current.
      expect(await request(running.url, 'GET', '/ready')).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'up', schema: 'current' } } });
    } finally {
      await running.close();
      await knex.destroy();
    }
  });

  test('four invocations at once on an empty database all succeed, each migration applied once, as the migrator', async () => {
    await asTestAccount(async (c) => {
      for (const table of ['tasks', 'idempotency_keys', 'knex_migrations', 'knex_migrations_lock']) await c.query(`DROP TABLE IF EXISTS \`${database}\`.\`${table}\``);
    });
    signedFor.length = 0;
    const runs = await Promise.all(Array.from({ length: 4 }, () => migrateDatabase(functionSettings(migrator.user), silentLogger, inAMinute(), { iamToken })));
    expect(runs.flatMap((r) => r.applied)).toEqual(ALL);
    expect(runs.map((r) => r.latest)).toEqual(Array(4).fill(ALL[ALL.length - 1]));
    expect(new Set(signedFor)).toEqual(new Set([migrator.user]));
    const rows = await asTestAccount((c) => c.query(`SELECT name FROM \`${database}\`.knex_migrations ORDER BY id`));
    expect((rows[0] as { name: string }[]).map((r) => r.name)).toEqual(ALL);
  });

  test('running it again applies nothing and keeps the rows', async () => {
    await asTestAccount((c) => c.query(`INSERT INTO \`${database}\`.tasks (title, created_at, updated_at) VALUES ('kept', NOW(3), NOW(3))`));
    expect(await migrateDatabase(functionSettings(migrator.user), silentLogger, inAMinute(), { iamToken })).toEqual({ database, applied: [], latest: ALL[ALL.length - 1] });
    const [rows] = await asTestAccount((c) => c.query(`SELECT title FROM \`${database}\`.tasks`));
    expect(rows).toEqual([{ title: 'kept' }]);
  });

  test('is the bundle the stack ships, and its handler stops at the first missing setting, naming it', async () => {
    const bundle = testBuilds().databaseMigrations.zipFile.replace(/\.zip$/, '/index.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(bundle) as { handler: (event: unknown) => Promise<unknown> };
    const saved = { ...process.env };
    Object.assign(process.env, { DB_HOST: 'db.internal', DB_NAME: 'taskmanager', AWS_REGION: 'us-east-1' });
    delete process.env.DB_USER;
    try {
      await expect(handler({})).rejects.toThrow('DB_USER: is required');
    } finally {
      process.env = saved;
    }
  });
});
