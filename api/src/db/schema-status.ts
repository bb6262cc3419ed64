import type { Knex } from 'knex';
import { MIGRATIONS } from './migrations';

/** knex's bookkeeping table: one row per migration applied. */
const MIGRATIONS_TABLE = 'knex_migrations';

/**
 * The migrations this build needs that the database has not had, in order (empty when the schema
 * is current). Migrations the database has and this build does not know are fine: a newer build
 * migrated it while this one still runs (a rolling deploy), and migrations only ever add.
 * Reads with the serving account's SELECT; no bookkeeping table means nothing was ever applied.
 */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  if (!(await knex.schema.hasTable(MIGRATIONS_TABLE))) return MIGRATIONS.map((m) => m.name);
  const applied = new Set((await knex(MIGRATIONS_TABLE).select('name')).map((row: { name: string }) => row.name));
  return MIGRATIONS.map((m) => m.name).filter((name) => !applied.has(name));
}

/**
 * `pendingMigrations`, asked again until the schema is found current and never after: the schema
 * only moves forward, so readiness costs one query per call only while it is behind.
 */
export function schemaStatus(knex: Knex): () => Promise<string[]> {
  let current = false;
  return async () => {
    if (current) return [];
    const pending = await pendingMigrations(knex);
    current = pending.length === 0;
    return pending;
  };
}
