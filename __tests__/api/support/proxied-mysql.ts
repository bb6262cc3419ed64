import type { Knex } from 'knex';
import type { MysqlSettings } from '../../../api/src/config/config';
import { createKnex, migrateToLatest } from '../../../api/src/db/database';
import { createMysqlDatabase, dropMysqlDatabase, mysqlSettings, silentLogger, uniqueDatabaseName } from './databases';
import { TcpProxy } from './tcp-proxy';

export interface ProxiedMysql {
  /** Between the pool and MariaDB: cut it, black-hole it, or lose one answer. */
  readonly proxy: TcpProxy;
  /** A migrated pool that reaches the database through the proxy. */
  readonly knex: Knex;
  /** Closes the pool and the proxy and drops the database. */
  cleanup(): Promise<void>;
}

/** A new database of the test's own on the test server, reached through a TcpProxy. */
export async function proxiedMysql(testName: string, overrides: Partial<MysqlSettings> = {}): Promise<ProxiedMysql> {
  const database = uniqueDatabaseName(testName);
  await createMysqlDatabase(database);
  const direct = mysqlSettings(database);
  const proxy = new TcpProxy(direct.host, direct.port);
  const knex = createKnex({ ...direct, host: '127.0.0.1', port: await proxy.start(), ...overrides }, silentLogger);
  await migrateToLatest(knex, silentLogger);
  return {
    proxy,
    knex,
    async cleanup() {
      await knex.destroy();
      await proxy.stop();
      await dropMysqlDatabase(database);
    },
  };
}
