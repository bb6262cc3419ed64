/**
 * An owner is the token's `sub`, compared exactly: on MySQL/MariaDB `utf8mb4_bin` is a PAD SPACE
 * collation (trailing spaces are ignored), so the owner column uses a NO PAD one, and a `sub` with
 * leading or trailing whitespace is refused at the door like any other unusable token.
 */
import { LOCAL_OWNER } from '../../api/contract/owner';
import { jwtAuthenticator } from '../../api/src/auth/authenticator';
import { migrateToLatest } from '../../api/src/db/database';
import { MIGRATIONS, migrationSource } from '../../api/src/db/migrations';
import { KnexTaskRepository } from '../../api/src/tasks/task-repository';
import { TestIssuer } from '../support/test-issuer';
import { request, startApi } from './support/api-harness';
import { mysqlBackend, silentLogger, TestDatabase } from './support/databases';

const CLIENT_ID = 'owner-client';
const NOW = new Date(Date.UTC(2030, 0, 1));
const NEW_TASK = { title: 'mine', description: '', status: 'To Do' as const };

describe('owners on MariaDB', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await mysqlBackend.create('owner_exact');
  });
  afterAll(async () => {
    await db?.cleanup();
  });
  beforeEach(async () => {
    await db.knex('tasks').del();
  });

  it('a trailing space makes another owner: it lists, reads, changes and deletes none of the task', async () => {
    const tasks = new KnexTaskRepository(db.knex);
    const { id } = await tasks.create('user-a', NEW_TASK, NOW);
    for (const other of ['user-a ', 'user-a  ']) {
      expect(await tasks.list(other, { limit: 10 })).toEqual([]);
      expect(await tasks.get(other, id)).toBeUndefined();
      expect(await tasks.update(other, id, { title: 'taken' }, NOW)).toBeUndefined();
      expect(await tasks.remove(other, id)).toBe(false);
    }
    expect(await tasks.get('user-a', id)).toMatchObject({ id, title: 'mine' });
  });

  it('the owner column uses a NO PAD binary collation', async () => {
    const [[column]] = await db.knex.raw("SELECT COLLATION_NAME AS collation FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tasks' AND COLUMN_NAME = 'owner'");
    expect(['utf8mb4_nopad_bin', 'utf8mb4_0900_bin']).toContain(column.collation);
  });

  it('the migration keeps every existing task and its owner, and only then compares exactly', async () => {
    await db.knex.migrate.rollback({ migrationSource }, true);
    for (let i = 0; i < 3; i += 1) await db.knex.migrate.up({ migrationSource }); // up to 003: owners, PAD SPACE
    const at = '2030-01-01 00:00:00.000';
    await db.knex('tasks').insert([
      { title: 'old local', description: '', status: 'To Do', created_at: at, updated_at: at },
      { owner: 'user-a', title: 'a', description: '', status: 'Done', created_at: at, updated_at: at },
      { owner: 'user-a ', title: 'a with a space', description: '', status: 'To Do', created_at: at, updated_at: at },
    ]);
    expect(await migrateToLatest(db.knex, silentLogger)).toEqual(MIGRATIONS.slice(3).map((m) => m.name));
    const rows = await db.knex('tasks').select('owner', 'title').orderBy('id');
    expect(rows).toEqual([
      { owner: LOCAL_OWNER, title: 'old local' },
      { owner: 'user-a', title: 'a' },
      { owner: 'user-a ', title: 'a with a space' },
    ]);
    const tasks = new KnexTaskRepository(db.knex);
    expect((await tasks.list('user-a', { limit: 10 })).map((t) => t.title)).toEqual(['a']);
    expect((await tasks.list('user-a ', { limit: 10 })).map((t) => t.title)).toEqual(['a with a space']);
  });
});

describe('subjects with surrounding whitespace', () => {
  let issuer: TestIssuer;
  let db: TestDatabase;
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    issuer = await TestIssuer.start({ clientId: CLIENT_ID });
    db = await mysqlBackend.create('owner_sub');
    api = await startApi(db.knex, { auth: jwtAuthenticator({ issuer: issuer.url, clientId: CLIENT_ID, jwksUrl: `${issuer.url}/.well-known/jwks.json` }) });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
    await issuer?.close();
  });

  it.each([['a trailing space', 'user-a '], ['a leading space', ' user-a'], ['a trailing tab', 'user-a\t'], ['a no-break space', 'user-a\u00A0']])(
    'a token whose sub has %s is 401 like any unusable token, and reaches nothing',
    async (_label, sub) => {
      const owner = { authorization: `Bearer ${await issuer.sign(issuer.accessClaims('user-a'))}` };
      const created = await request(api.url, 'POST', '/tasks', { body: '{"title":"private"}', headers: { ...owner, 'content-type': 'application/json' } });
      expect(created.status).toBe(201);
      const impostor = { authorization: `Bearer ${await issuer.sign(issuer.accessClaims(sub))}` };
      for (const [method, path] of [['GET', '/tasks'], ['GET', `/tasks/${created.body.id}`], ['DELETE', `/tasks/${created.body.id}`]]) {
        const res = await request(api.url, method, path, { headers: impostor });
        expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 401, 'invalid_token']);
      }
      expect((await request(api.url, 'GET', `/tasks/${created.body.id}`, { headers: owner })).status).toBe(200);
    },
  );
});
