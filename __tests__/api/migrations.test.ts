/**
 * Migrations run at every start, on several instances at once during a rolling refresh or a
 * scale-out: they must be idempotent and safe when they race.
 */
import { createKnex, migrateToLatest, migrationLockName } from '../../api/src/db/database';
import { LOCAL_OWNER } from '../../api/contract/owner';
import { MIGRATIONS, migrationSource } from '../../api/src/db/migrations';
import { KnexTaskRepository } from '../../api/src/tasks/task-repository';
import { BACKENDS, createMysqlDatabase, dropMysqlDatabase, mysqlSettings, silentLogger, uniqueDatabaseName } from './support/databases';

describe('migrations', () => {
  it('four instances migrating the same empty MySQL database at once all succeed, and the schema is applied once', async () => {
    const database = uniqueDatabaseName('migrate_race');
    await createMysqlDatabase(database);
    const instances = Array.from({ length: 4 }, () => createKnex(mysqlSettings(database), silentLogger));
    try {
      const applied = await Promise.all(instances.map((knex) => migrateToLatest(knex, silentLogger)));
      // Exactly one instance applied the migration; the others found nothing left to do.
      expect(applied.flat()).toEqual(MIGRATIONS.map((m) => m.name));
      const rows = await instances[0]('knex_migrations').select('name');
      expect(rows.map((r: { name: string }) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      const [lock] = await instances[0]('knex_migrations_lock').select('is_locked');
      expect(lock.is_locked).toBe(0);
      const [[table]] = await instances[0].raw('SHOW CREATE TABLE tasks');
      expect(table['Create Table']).toMatch(/CHARSET=utf8mb4/);
    } finally {
      await Promise.all(instances.map((knex) => knex.destroy()));
      await dropMysqlDatabase(database);
    }
  });

  it.each(BACKENDS.map((b) => [b.name, b] as const))('running again on %s changes nothing and keeps the data', async (_name, backend) => {
    const db = await backend.create('migrate_again');
    try {
      await db.knex('tasks').insert({ title: 't', description: '', status: 'To Do', created_at: new Date(0).toISOString().replace('Z', '').replace('T', ' '), updated_at: '2030-01-01 00:00:00' });
      expect(await migrateToLatest(db.knex, silentLogger)).toEqual([]);
      expect(await db.knex('tasks').count({ n: '*' })).toEqual([{ n: 1 }]);
    } finally {
      await db.cleanup();
    }
  });

  it.each(BACKENDS.map((b) => [b.name, b] as const))(
    'adding owners on a populated %s table keeps every task, owned by the local user, and serves the list from the owner index',
    async (name, backend) => {
      const db = await backend.create('migrate_owner');
      try {
        await db.knex.migrate.rollback({ migrationSource }, true); // an empty database
        await db.knex.migrate.up({ migrationSource }); // 001: tasks
        await db.knex.migrate.up({ migrationSource }); // 002: idempotency keys
        const at = name === 'mysql' ? '2030-01-01 00:00:00.000' : '2030-01-01T00:00:00.000Z';
        await db.knex('tasks').insert(Array.from({ length: 50 }, (_, i) => ({ title: `old ${i}`, description: '', status: 'To Do', created_at: at, updated_at: at })));
        await db.knex.migrate.up({ migrationSource });
        expect(await db.knex('tasks').where('owner', LOCAL_OWNER).count({ n: '*' })).toEqual([{ n: 50 }]);
        const listed = await new KnexTaskRepository(db.knex).list(LOCAL_OWNER, { limit: 100 });
        expect(listed.map((t) => t.title)).toEqual(Array.from({ length: 50 }, (_, i) => `old ${i}`));
        if (name === 'mysql') {
          // The page query reads the owner's rows in index order: no full scan, no sort.
          const [plan] = await db.knex.raw('EXPLAIN SELECT id, title FROM tasks WHERE owner = ? AND id > ? ORDER BY id LIMIT 21', [LOCAL_OWNER, 10]);
          expect(plan[0]).toMatchObject({ key: 'tasks_owner_id_index' });
          expect(plan[0].Extra).not.toMatch(/filesort/);
        }
      } finally {
        await db.cleanup();
      }
    },
  );

  it('does not wait for the migrations of another database on the same server (the named lock is per database)', async () => {
    const [stuck, free] = [uniqueDatabaseName('migrate_stuck'), uniqueDatabaseName('migrate_free')];
    await Promise.all([createMysqlDatabase(stuck), createMysqlDatabase(free)]);
    const [stuckKnex, freeKnex] = [createKnex(mysqlSettings(stuck), silentLogger), createKnex(mysqlSettings(free), silentLogger)];
    try {
      // The other database's migrator holds its named lock for 4 s, retrying a lock row a crash left set.
      await migrateToLatest(stuckKnex, silentLogger);
      await stuckKnex('knex_migrations_lock').update({ is_locked: 1 });
      await stuckKnex('knex_migrations').del();
      const holding = migrateToLatest(stuckKnex, silentLogger, 4000).catch((error: Error) => error);
      const held = async () => ((await stuckKnex.raw('SELECT IS_USED_LOCK(?) AS holder', [migrationLockName(stuck)])) as [[{ holder: number | null }]])[0][0].holder !== null;
      while (!(await held())) await new Promise((resolve) => setTimeout(resolve, 20));
      // Meanwhile this database migrates within a 1 s lock wait.
      expect(await migrateToLatest(freeKnex, silentLogger, 500)).toEqual(MIGRATIONS.map((m) => m.name));
      expect(String(await holding)).toMatch(/already locked/);
    } finally {
      await Promise.all([stuckKnex.destroy(), freeKnex.destroy()]);
      await Promise.all([dropMysqlDatabase(stuck), dropMysqlDatabase(free)]);
    }
  });

  it('names a long database\'s lock within MySQL\'s 64 characters, still one per database', () => {
    const long = `tm_${'x'.repeat(61)}`;
    expect(migrationLockName('tm_tasks')).toBe('taskmanager_migrations:tm_tasks');
    expect(migrationLockName(long)).toHaveLength(64);
    expect(migrationLockName(long)).not.toBe(migrationLockName(`${long.slice(0, -1)}y`));
  });

  it('reports a lock left by a crashed migrator instead of waiting forever', async () => {
    const database = uniqueDatabaseName('migrate_lock');
    await createMysqlDatabase(database);
    const knex = createKnex(mysqlSettings(database), silentLogger);
    try {
      await migrateToLatest(knex, silentLogger);
      await knex('knex_migrations_lock').update({ is_locked: 1 });
      await knex('knex_migrations').del(); // a pending migration, so the lock is needed
      await knex.schema.dropTable('tasks');
      await expect(migrateToLatest(knex, silentLogger, 500)).rejects.toThrow(/already locked.*clear knex_migrations_lock/);
    } finally {
      await knex.destroy();
      await dropMysqlDatabase(database);
    }
  });
});
