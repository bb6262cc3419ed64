/**
 * `Idempotency-Key` on POST /tasks, over real HTTP on each real database: a retry gets the first
 * answer, never a second task; the same key for another request is 422; keys expire.
 */
import type { Knex } from 'knex';
import type { MysqlSettings } from '../../api/src/config/config';
import { createKnex } from '../../api/src/db/database';
import { request, RunningApi, startApi } from './support/api-harness';
import { BACKENDS, mysqlBackend, silentLogger, TestDatabase } from './support/databases';

const json = { 'content-type': 'application/json' };

function post(api: RunningApi, body: unknown, key?: string) {
  return request(api.url, 'POST', '/tasks', { body: JSON.stringify(body), headers: key === undefined ? json : { ...json, 'idempotency-key': key } });
}

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))('Idempotency-Key on %s', (_name, backend) => {
  let db: TestDatabase;
  let knex: Knex;
  let api: RunningApi;

  beforeAll(async () => {
    db = await backend.create('idempotency');
    knex = db.knex;
  });
  afterAll(async () => {
    await db?.cleanup();
  });
  beforeEach(async () => {
    await knex('tasks').del();
    await knex('idempotency_keys').del();
    api = await startApi(knex);
  });
  afterEach(async () => {
    await api.close();
  });

  const rowCount = async (): Promise<number> => Number((await knex('tasks').count({ n: '*' }))[0].n);

  test('a retry with the same key and body answers the original 201: same task, same Location, nothing stored twice', async () => {
    const first = await post(api, { title: 'Pay rent' }, 'key-1');
    const retry = await post(api, { title: 'Pay rent' }, 'key-1');

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await rowCount()).toBe(1);
  });

  test('the same key with a different body is 422 and stores nothing', async () => {
    await post(api, { title: 'Pay rent' }, 'key-2');
    const other = await post(api, { title: 'Pay the gas bill' }, 'key-2');

    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await rowCount()).toBe(1);
  });

  test('requests without a key are not deduplicated', async () => {
    await post(api, { title: 'Twice on purpose' });
    await post(api, { title: 'Twice on purpose' });
    expect(await rowCount()).toBe(2);
  });

  test.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['with a space', 'two words'],
    ['with non-ASCII characters', 'clé'],
  ])('a key %s is 400 and stores nothing', async (_what, key) => {
    const res = await post(api, { title: 't' }, key);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_idempotency_key');
    expect(await rowCount()).toBe(0);
  });

  test('concurrent requests with one key create one task and all answer it', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(api, { title: 'Only once' }, 'key-race')));

    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await rowCount()).toBe(1);
  });

  test('an expired key is a new key', async () => {
    await api.close();
    // The test clock moves one second per request: a 500 ms key has expired by the retry.
    api = await startApi(knex, { idempotencyTtlMs: 500 });
    const first = await post(api, { title: 'Water the plants' }, 'key-old');
    const later = await post(api, { title: 'Water the plants' }, 'key-old');

    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    expect(await rowCount()).toBe(2);
  });
});

describe('retries with a key while the API\'s MySQL connections are killed', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let killer: Knex;

  beforeAll(async () => {
    db = await mysqlBackend.create('idempotency_kill', { acquireTimeoutMs: 1500 });
    api = await startApi(db.knex);
    killer = createKnex({ ...(db.settings as MysqlSettings), poolMax: 1 }, silentLogger);
  });
  afterAll(async () => {
    await api?.close();
    await killer?.destroy();
    await db?.cleanup();
  });

  /** KILLs every other connection to the test database, again and again, until stopped. */
  function killConnectionsUntil(done: () => boolean): Promise<number> {
    return (async () => {
      let killed = 0;
      const database = (db.settings as MysqlSettings).database;
      while (!done()) {
        const [rows] = await killer.raw('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [database]);
        for (const { id } of rows as { id: number }[]) {
          await killer.raw('KILL CONNECTION ?', [id]).then(() => killed++, () => undefined);
        }
        await new Promise((r) => setTimeout(r, 15));
      }
      return killed;
    })();
  }

  test('every request stored exactly once: no duplicates, no losses', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `kill-${i}`);
    const ids = new Map<string, number>();
    let unavailable = 0;
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < keys.length) {
        const key = keys[next++];
        for (let attempt = 0; !ids.has(key); attempt++) {
          if (attempt === 50) throw new Error(`${key}: no 201 after 50 attempts`);
          const res = await post(api, { title: `task ${key}` }, key).catch(() => undefined);
          if (res?.status === 201) ids.set(key, res.body.id);
          else if (res === undefined || res.status === 503) unavailable++;
          else throw new Error(`${key}: unexpected ${res.status} ${res.text}`);
        }
      }
    };

    let finished = false;
    const killing = killConnectionsUntil(() => finished);
    await Promise.all(Array.from({ length: 16 }, client)).finally(() => (finished = true));
    const killed = await killing;

    const rows: { id: number; title: string }[] = await db.knex('tasks').select('id', 'title');
    expect({ killed: killed > 0, unavailable: unavailable > 0 }).toEqual({ killed: true, unavailable: true });
    expect(rows).toHaveLength(keys.length);
    expect(new Set(rows.map((r) => r.title)).size).toBe(keys.length);
    expect(new Set(ids.values())).toEqual(new Set(rows.map((r) => Number(r.id))));
  });
});
