import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import knexFactory, { Knex } from 'knex';
import { createConnection, type Connection } from 'mysql2/promise';
import type { DatabaseSettings, MysqlSettings } from '../../../api/src/config/config';
import { createKnex, migrateToLatest } from '../../../api/src/db/database';
import type { Logger } from '../../../api/src/observability/logger';

/**
 * Real databases for the tests, never mocks: MariaDB on 127.0.0.1:3306 (started by
 * scripts/mariadb.sh, which `npm test` runs first) and a SQLite file in a temp directory.
 * Each test file passes its own name so parallel jest workers never share a database.
 */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://taskmanager_test:taskmanager-test@127.0.0.1:3306';

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  raw: () => undefined,
  flushSync: () => undefined,
};

export interface TestDatabase {
  readonly settings: DatabaseSettings;
  /** A migrated knex instance the app (and the test) use. */
  readonly knex: Knex;
  /** Closes the pool and removes the database. */
  cleanup(): Promise<void>;
}

export interface Backend {
  readonly name: 'sqlite' | 'mysql';
  create(testName: string, overrides?: Partial<MysqlSettings>): Promise<TestDatabase>;
}

function serverUrl(): URL {
  return new URL(TEST_MYSQL_URL);
}

/** MySQL settings for a database on the test server (the database need not exist yet). */
export function mysqlSettings(database: string, overrides: Partial<MysqlSettings> = {}): MysqlSettings {
  const url = serverUrl();
  return {
    kind: 'mysql',
    host: url.hostname,
    port: Number(url.port || 3306),
    database,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    secretTtlMs: 300_000,
    ssl: false,
    poolMax: 10,
    acquireTimeoutMs: 3000,
    ...overrides,
  };
}

/** Connects without a database to create or drop one; a clear message when MariaDB is not running. */
export async function withServer<T>(work: (admin: Knex) => Promise<T>): Promise<T> {
  const url = serverUrl();
  const admin = knexFactory({
    client: 'mysql2',
    connection: { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
    pool: { min: 0, max: 1 },
  });
  try {
    try {
      await admin.raw('SELECT 1');
    } catch (error) {
      throw new Error(
        `MySQL/MariaDB for the tests is not reachable at ${url.host} (${(error as Error).message}). ` +
          'Run `npm test` (it starts MariaDB via scripts/mariadb.sh) or `bash scripts/mariadb.sh` first, or set TEST_MYSQL_URL.',
      );
    }
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}

/** One plain mysql2 connection to the server (no database) as the tests' own account: to make and drop accounts. */
export async function asTestAccount<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const url = serverUrl();
  const connection = await createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/**
 * A name of this process's own on the shared test server (`tm_<what>_<pid>`): two `npm test` runs at
 * once share one MariaDB, and no two live processes share a pid. `what` is shortened, never the pid,
 * to fit `max` (64 for a database, 32 for a MySQL account).
 */
export function uniqueServerName(what: string, max = 64): string {
  const suffix = `_${process.pid}`;
  return `tm_${what.replace(/\W/g, '_')}`.slice(0, max - suffix.length) + suffix;
}

export function uniqueDatabaseName(testName: string): string {
  return uniqueServerName(testName);
}

export async function createMysqlDatabase(name: string): Promise<void> {
  await withServer(async (admin) => {
    await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
    await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  });
}

export async function dropMysqlDatabase(name: string): Promise<void> {
  await withServer((admin) => admin.raw('DROP DATABASE IF EXISTS ??', [name]));
}

/** Opens a database with the schema migrated; cleanup closes it and removes its storage. */
async function migratedDatabase(settings: DatabaseSettings, removeStorage: () => unknown): Promise<TestDatabase> {
  const knex = createKnex(settings, silentLogger);
  await migrateToLatest(knex, silentLogger);
  return {
    settings,
    knex,
    async cleanup() {
      await knex.destroy();
      await removeStorage();
    },
  };
}

export const mysqlBackend: Backend = {
  name: 'mysql',
  async create(testName, overrides) {
    const database = uniqueDatabaseName(testName);
    await createMysqlDatabase(database);
    return migratedDatabase(mysqlSettings(database, overrides), () => dropMysqlDatabase(database));
  },
};

export const sqliteBackend: Backend = {
  name: 'sqlite',
  async create(testName) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tm-${testName}-`));
    const settings: DatabaseSettings = { kind: 'sqlite', file: path.join(dir, 'test.sqlite') };
    return migratedDatabase(settings, () => fs.rmSync(dir, { recursive: true, force: true }));
  },
};

export const BACKENDS: readonly Backend[] = [sqliteBackend, mysqlBackend];
