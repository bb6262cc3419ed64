import type { Knex } from 'knex';
import { LOCAL_OWNER, OWNER_MAX_LENGTH } from '../../contract/owner';

/**
 * The schema's migrations, listed in code rather than found by scanning a directory, so they
 * travel inside the single-file bundle. Append new ones; never edit one that has shipped.
 */
interface Migration {
  readonly name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '001_create_tasks',
    async up(knex) {
      await knex.schema.createTable('tasks', (table) => {
        table.increments('id').primary();
        table.string('title', 100).notNullable();
        table.string('description', 200).notNullable().defaultTo('');
        table.string('status', 20).notNullable().defaultTo('To Do');
        // Millisecond precision, UTC (see the repository for how each dialect stores it).
        table.datetime('created_at', { precision: 3 }).notNullable();
        table.datetime('updated_at', { precision: 3 }).notNullable();
        // Filtered listing walks (status, id) in id order.
        table.index(['status', 'id'], 'tasks_status_id_index');
        // MySQL: 4-byte UTF-8 so any title a client sends fits (the server default may be latin1).
        // SQLite text is always Unicode and knex rejects the statement there.
        if (knex.client.config.client === 'mysql2') {
          table.charset('utf8mb4');
          table.collate('utf8mb4_unicode_ci');
        }
      });
    },
    async down(knex) {
      await knex.schema.dropTable('tasks');
    },
  },
  {
    name: '002_create_idempotency_keys',
    async up(knex) {
      await knex.schema.createTable('idempotency_keys', (table) => {
        table.string('scope', 150).notNullable();
        table.string('idempotency_key', 255).notNullable();
        table.string('fingerprint', 64).notNullable();
        table.smallint('status_code').notNullable();
        table.text('response_body').notNullable();
        table.string('location', 255).nullable();
        table.datetime('created_at', { precision: 3 }).notNullable();
        table.datetime('expires_at', { precision: 3 }).notNullable();
        table.primary(['scope', 'idempotency_key']);
        table.index(['expires_at'], 'idempotency_keys_expires_at_index');
        if (knex.client.config.client === 'mysql2') {
          // The key is ASCII: a binary collation keeps the primary key small and case-sensitive.
          table.charset('utf8mb4');
          table.collate('utf8mb4_bin');
        }
      });
    },
    async down(knex) {
      await knex.schema.dropTable('idempotency_keys');
    },
  },
  {
    // Tasks belong to a user (the token's `sub`). Safe on a populated table: the column comes
    // with a default, so existing rows get LOCAL_OWNER (an instant ADD COLUMN on MySQL 8 and
    // MariaDB; the indexes build online, without locking writes). The list query always filters
    // by owner: (owner, id) serves it in id order, (owner, status, id) the status filter, and the
    // old (status, id) index is dropped as nothing uses it any more.
    name: '003_add_task_owner',
    async up(knex) {
      const mysql = knex.client.config.client === 'mysql2';
      await knex.schema.alterTable('tasks', (table) => {
        const owner = table.string('owner', OWNER_MAX_LENGTH).notNullable().defaultTo(LOCAL_OWNER);
        // MySQL: compared byte for byte, as the issuer wrote it (the table's collation ignores case).
        if (mysql) owner.collate('utf8mb4_bin');
      });
      await knex.schema.alterTable('tasks', (table) => {
        table.index(['owner', 'id'], 'tasks_owner_id_index');
        table.index(['owner', 'status', 'id'], 'tasks_owner_status_id_index');
        table.dropIndex(['status', 'id'], 'tasks_status_id_index');
      });
    },
    async down(knex) {
      await knex.schema.alterTable('tasks', (table) => {
        table.index(['status', 'id'], 'tasks_status_id_index');
        table.dropIndex(['owner', 'status', 'id'], 'tasks_owner_status_id_index');
        table.dropIndex(['owner', 'id'], 'tasks_owner_id_index');
      });
      await knex.schema.alterTable('tasks', (table) => table.dropColumn('owner'));
    },
  },
  {
    // MySQL/MariaDB: utf8mb4_bin is a PAD SPACE collation, so `owner = 'user-a '` matched user-a's
    // rows. A NO PAD binary collation compares every byte; the values stay as they are.
    name: '004_compare_owners_exactly',
    async up(knex) {
      if (knex.client.config.client !== 'mysql2') return; // SQLite compares text byte for byte already
      await alterOwnerCollation(knex, await noPadBinaryCollation(knex));
    },
    async down(knex) {
      if (knex.client.config.client === 'mysql2') await alterOwnerCollation(knex, 'utf8mb4_bin');
    },
  },
];

/** MySQL 8's NO PAD binary collation, or MariaDB's (10.2 and later); the server says which it has. */
async function noPadBinaryCollation(knex: Knex): Promise<string> {
  const candidates = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'];
  const [rows] = (await knex.raw('SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?, ?)', candidates)) as [Array<{ name: string }>];
  const found = candidates.find((name) => rows.some((row) => row.name === name));
  if (!found) throw new Error('the server has no NO PAD binary collation for owners (needs MySQL 8.0 or MariaDB 10.2 or later)');
  return found;
}

async function alterOwnerCollation(knex: Knex, collation: string): Promise<void> {
  await knex.raw(`ALTER TABLE tasks MODIFY owner VARCHAR(${OWNER_MAX_LENGTH}) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL DEFAULT ?`, [LOCAL_OWNER]);
}

export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
