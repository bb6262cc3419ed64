/**
 * The task API over real HTTP against each real database (SQLite and MariaDB): every endpoint,
 * every error status, paging edges, concurrent creates, logs and metrics.
 */
import type { Knex } from 'knex';
import { postJson, request, RunningApi, startApi } from './support/api-harness';
import { BACKENDS, TestDatabase } from './support/databases';

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))('tasks API on %s', (_name, backend) => {
  let db: TestDatabase;
  let knex: Knex;
  let api: RunningApi;

  beforeAll(async () => {
    db = await backend.create('tasks');
    knex = db.knex;
  });
  afterAll(async () => {
    await db?.cleanup();
  });
  beforeEach(async () => {
    await knex('tasks').del();
    api = await startApi(knex);
  });
  afterEach(async () => {
    await api.close();
  });

  const storedRows = (): Promise<unknown[]> => knex('tasks').select('*').orderBy('id');

  describe('create and read', () => {
    it('POST /tasks creates a task with defaults: 201, Location, JSON fields', async () => {
      const res = await postJson(api.url, '/tasks', { title: 'Write the tests' });
      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        id: expect.any(Number),
        title: 'Write the tests',
        description: '',
        status: 'To Do',
        createdAt: '2030-01-01T00:00:00.000Z',
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
      expect(res.headers.location).toBe(`/tasks/${res.body.id}`);

      const read = await request(api.url, 'GET', res.headers.location as string);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
      const rows = (await storedRows()) as Array<Record<string, unknown>>;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ id: res.body.id, title: 'Write the tests', description: '', status: 'To Do' });
    });

    it('accepts every field, exact maximum lengths in characters (not bytes), and round-trips them', async () => {
      const title = '🚀'.repeat(100); // 100 characters, 400 bytes of UTF-8
      const description = 'é'.repeat(200);
      const res = await postJson(api.url, '/tasks', { title, description, status: 'In Progress' });
      expect(res.status).toBe(201);
      const read = await request(api.url, 'GET', `/tasks/${res.body.id}`);
      expect(read.body).toMatchObject({ title, description, status: 'In Progress' });
    });

    it('keeps tab and line breaks in text fields (the only control characters it accepts)', async () => {
      const res = await postJson(api.url, '/tasks', { title: 'a\tb', description: 'line one\nline two\r\n' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title: 'a\tb', description: 'line one\nline two\r\n' });
    });

    it('GET /tasks/:id of an unknown id is 404 with the error shape', async () => {
      const res = await request(api.url, 'GET', '/tasks/987654');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: 'Task 987654 does not exist.' } });
    });
  });

  describe('update and delete', () => {
    it('PATCH changes only the given fields and moves updatedAt, not createdAt', async () => {
      const created = await postJson(api.url, '/tasks', { title: 'Draft', description: 'first' });
      const res = await postJson(api.url, `/tasks/${created.body.id}`, { status: 'Done' }, 'PATCH');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ...created.body,
        status: 'Done',
        updatedAt: '2030-01-01T00:00:01.000Z',
      });
      const again = await postJson(api.url, `/tasks/${created.body.id}`, { title: 'Final', description: '' }, 'PATCH');
      expect(again.body).toMatchObject({ title: 'Final', description: '', status: 'Done', createdAt: created.body.createdAt });
      expect((await request(api.url, 'GET', `/tasks/${created.body.id}`)).body).toEqual(again.body);
    });

    it('PATCH and DELETE of an unknown id are 404 and create nothing', async () => {
      expect((await postJson(api.url, '/tasks/4242', { title: 'x' }, 'PATCH')).status).toBe(404);
      expect((await request(api.url, 'DELETE', '/tasks/4242')).status).toBe(404);
      expect(await storedRows()).toEqual([]);
    });

    it('DELETE answers 204 with no body, then the task is gone (GET and DELETE are 404)', async () => {
      const keep = await postJson(api.url, '/tasks', { title: 'keep' });
      const drop = await postJson(api.url, '/tasks', { title: 'drop' });
      const res = await request(api.url, 'DELETE', `/tasks/${drop.body.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await request(api.url, 'GET', `/tasks/${drop.body.id}`)).status).toBe(404);
      expect((await request(api.url, 'DELETE', `/tasks/${drop.body.id}`)).status).toBe(404);
      expect(((await storedRows()) as Array<{ id: number }>).map((r) => r.id)).toEqual([keep.body.id]);
    });
  });

  describe('listing and paging', () => {
    async function createMany(count: number, status = (i: number) => ['To Do', 'In Progress', 'Done'][i % 3]): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < count; i += 1) ids.push((await postJson(api.url, '/tasks', { title: `task ${i}`, status: status(i) })).body.id);
      return ids;
    }

    async function walk(query: string): Promise<{ ids: number[]; pages: number }> {
      const ids: number[] = [];
      let pages = 0;
      let cursor: string | null = null;
      do {
        const res = await request(api.url, 'GET', `/tasks?${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        pages += 1;
        ids.push(...res.body.tasks.map((t: { id: number }) => t.id));
        cursor = res.body.nextCursor;
      } while (cursor && pages < 100);
      return { ids, pages };
    }

    it('an empty table lists as no tasks and no next page', async () => {
      const res = await request(api.url, 'GET', '/tasks');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ tasks: [], nextCursor: null });
    });

    it('pages through every task once, in id order, with a default page of 20', async () => {
      const ids = await createMany(25);
      const first = await request(api.url, 'GET', '/tasks');
      expect(first.body.tasks).toHaveLength(20);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect(await walk('limit=10')).toEqual({ ids, pages: 3 });
      expect(await walk('limit=1')).toEqual({ ids, pages: 25 });
      // A page exactly as long as what is left has no next page (no empty last page).
      expect(await walk('limit=25')).toEqual({ ids, pages: 1 });
      expect(await walk('limit=100')).toEqual({ ids, pages: 1 });
    });

    it('filters by status, paging within the filter', async () => {
      const ids = await createMany(12);
      const done = ids.filter((_, i) => i % 3 === 2);
      expect(await walk('status=Done&limit=2')).toEqual({ ids: done, pages: 2 });
      const todo = await request(api.url, 'GET', '/tasks?status=To%20Do');
      expect(todo.body.tasks.map((t: { status: string }) => t.status)).toEqual(Array(4).fill('To Do'));
    });

    it('a cursor stays valid when tasks before it are deleted or new ones are added', async () => {
      const ids = await createMany(6);
      const first = await request(api.url, 'GET', '/tasks?limit=3');
      await request(api.url, 'DELETE', `/tasks/${ids[0]}`);
      const extra = await postJson(api.url, '/tasks', { title: 'late' });
      const second = await request(api.url, 'GET', `/tasks?limit=3&cursor=${first.body.nextCursor}`);
      expect(second.body.tasks.map((t: { id: number }) => t.id)).toEqual(ids.slice(3));
      expect(second.body.nextCursor).not.toBeNull();
      const third = await request(api.url, 'GET', `/tasks?limit=3&cursor=${second.body.nextCursor}`);
      expect(third.body).toEqual({ tasks: [extra.body], nextCursor: null });
    });

    it('order=newest pages newest first, and total=true counts the whole list (of the status, when filtered)', async () => {
      const ids = await createMany(7);
      expect(await walk('order=newest&limit=3')).toEqual({ ids: [...ids].reverse(), pages: 3 });
      const first = await request(api.url, 'GET', '/tasks?order=newest&limit=3&total=true');
      expect(first.body).toMatchObject({ total: 7, nextCursor: expect.any(String) });
      expect((await request(api.url, 'GET', '/tasks?status=Done&total=true')).body.total).toBe(2);
      expect(first.body.tasks.map((t: { id: number }) => t.id)).toEqual(ids.slice(4).reverse());
      expect((await request(api.url, 'GET', '/tasks?limit=3')).body).not.toHaveProperty('total');
    });

    it.each([
      ['order=title', 'order'],
      ['total=yes', 'total'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=2.5', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['cursor=nonsense', 'cursor'],
      [`cursor=${Buffer.from('id:0').toString('base64url')}`, 'cursor'],
      ['status=Later', 'status'],
      ['status=done', 'status'],
      ['sort=title', 'sort'],
    ])('GET /tasks?%s is a 400 naming %s', async (query, field) => {
      const res = await request(api.url, 'GET', `/tasks?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });
  });

  describe('bad input: the right 4xx, a JSON error, and nothing stored changes', () => {
    const json = { 'content-type': 'application/json' };
    type Case = [string, string, string, { body?: string | Buffer; headers?: Record<string, string>; chunked?: boolean }, number, string];
    const big = JSON.stringify({ title: 'x', description: 'y'.repeat(20_000) });
    const cases = (id: number): Case[] => [
      ['malformed JSON', 'POST', '/tasks', { body: '{"title": "x",', headers: json }, 400, 'malformed_json'],
      ['an empty body', 'POST', '/tasks', { body: '', headers: json }, 400, 'malformed_json'],
      ['bytes that are not UTF-8', 'POST', '/tasks', { body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), headers: json }, 400, 'malformed_json'],
      ['a JSON array', 'POST', '/tasks', { body: '[{"title":"x"}]', headers: json }, 400, 'validation_failed'],
      ['JSON null', 'POST', '/tasks', { body: 'null', headers: json }, 400, 'validation_failed'],
      ['a JSON string', 'POST', '/tasks', { body: '"title"', headers: json }, 400, 'validation_failed'],
      ['no title', 'POST', '/tasks', { body: '{"description":"d"}', headers: json }, 400, 'validation_failed'],
      ['a title that is a number', 'POST', '/tasks', { body: '{"title":42}', headers: json }, 400, 'validation_failed'],
      ['a title that is null', 'POST', '/tasks', { body: '{"title":null}', headers: json }, 400, 'validation_failed'],
      ['a blank title', 'POST', '/tasks', { body: '{"title":"   "}', headers: json }, 400, 'validation_failed'],
      ['a title of 101 characters', 'POST', '/tasks', { body: JSON.stringify({ title: 'a'.repeat(101) }), headers: json }, 400, 'validation_failed'],
      ['a title of 101 emoji', 'POST', '/tasks', { body: JSON.stringify({ title: '🚀'.repeat(101) }), headers: json }, 400, 'validation_failed'],
      ['a lone surrogate', 'POST', '/tasks', { body: '{"title":"\\ud800"}', headers: json }, 400, 'validation_failed'],
      ['a NUL character in the title', 'POST', '/tasks', { body: '{"title":"a\\u0000b"}', headers: json }, 400, 'validation_failed'],
      ['an escape sequence in the description', 'POST', '/tasks', { body: '{"title":"t","description":"\\u001b[31mred"}', headers: json }, 400, 'validation_failed'],
      ['a C1 control character', 'POST', '/tasks', { body: '{"title":"a\\u0085b"}', headers: json }, 400, 'validation_failed'],
      ['PATCH a DEL character', 'PATCH', `/tasks/${id}`, { body: '{"title":"a\\u007f"}', headers: json }, 400, 'validation_failed'],
      ['a description of 201 characters', 'POST', '/tasks', { body: JSON.stringify({ title: 't', description: 'd'.repeat(201) }), headers: json }, 400, 'validation_failed'],
      ['a description that is an object', 'POST', '/tasks', { body: '{"title":"t","description":{"a":1}}', headers: json }, 400, 'validation_failed'],
      ['an unknown status', 'POST', '/tasks', { body: '{"title":"t","status":"Blocked"}', headers: json }, 400, 'validation_failed'],
      ['an unknown field', 'POST', '/tasks', { body: '{"title":"t","priority":1}', headers: json }, 400, 'validation_failed'],
      ['a client-chosen id', 'POST', '/tasks', { body: `{"title":"t","id":${id}}`, headers: json }, 400, 'validation_failed'],
      ['__proto__', 'POST', '/tasks', { body: '{"title":"t","__proto__":{"status":"Done","isAdmin":true}}', headers: json }, 400, 'validation_failed'],
      ['constructor.prototype', 'POST', '/tasks', { body: '{"title":"t","constructor":{"prototype":{"x":1}}}', headers: json }, 400, 'validation_failed'],
      ['text/plain', 'POST', '/tasks', { body: '{"title":"t"}', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
      ['a form', 'POST', '/tasks', { body: 'title=t', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
      ['no content type', 'POST', '/tasks', { body: '{"title":"t"}' }, 415, 'unsupported_media_type'],
      ['a non-UTF-8 charset', 'POST', '/tasks', { body: '{"title":"t"}', headers: { 'content-type': 'application/json; charset=latin1' } }, 415, 'unsupported_media_type'],
      ['a body over 16 KiB (Content-Length)', 'POST', '/tasks', { body: big, headers: json }, 413, 'payload_too_large'],
      ['a chunked body over 16 KiB', 'POST', '/tasks', { body: big, headers: json, chunked: true }, 413, 'payload_too_large'],
      ['PATCH malformed JSON', 'PATCH', `/tasks/${id}`, { body: '{', headers: json }, 400, 'malformed_json'],
      ['PATCH with nothing to change', 'PATCH', `/tasks/${id}`, { body: '{}', headers: json }, 400, 'validation_failed'],
      ['PATCH with an unknown status', 'PATCH', `/tasks/${id}`, { body: '{"status":"Gone"}', headers: json }, 400, 'validation_failed'],
      ['PATCH with an empty title', 'PATCH', `/tasks/${id}`, { body: '{"title":""}', headers: json }, 400, 'validation_failed'],
      ['PATCH of updatedAt', 'PATCH', `/tasks/${id}`, { body: '{"updatedAt":"2000-01-01T00:00:00.000Z"}', headers: json }, 400, 'validation_failed'],
      ['PATCH with __proto__', 'PATCH', `/tasks/${id}`, { body: '{"__proto__":{"title":"p"}}', headers: json }, 400, 'validation_failed'],
      ['PATCH as text/plain', 'PATCH', `/tasks/${id}`, { body: '{"title":"t"}', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
      ['PATCH over 16 KiB', 'PATCH', `/tasks/${id}`, { body: big, headers: json }, 413, 'payload_too_large'],
      ['a non-numeric id (GET)', 'GET', '/tasks/abc', {}, 400, 'invalid_id'],
      ['a non-numeric id (PATCH)', 'PATCH', '/tasks/abc', { body: '{"title":"t"}', headers: json }, 400, 'invalid_id'],
      ['a non-numeric id (DELETE)', 'DELETE', '/tasks/abc', {}, 400, 'invalid_id'],
      ['id 0', 'GET', '/tasks/0', {}, 400, 'invalid_id'],
      ['a negative id', 'DELETE', '/tasks/-1', {}, 400, 'invalid_id'],
      ['a fractional id', 'GET', '/tasks/1.5', {}, 400, 'invalid_id'],
      ['an id with a leading zero', 'DELETE', `/tasks/0${id}`, {}, 400, 'invalid_id'],
      ['an id beyond the id range', 'GET', '/tasks/99999999999999999999', {}, 400, 'invalid_id'],
      ['an SQL-looking id', 'DELETE', `/tasks/${id}%20OR%201=1`, {}, 400, 'invalid_id'],
      ['an unknown id', 'DELETE', `/tasks/${id + 1000}`, {}, 404, 'not_found'],
      ['an unknown path', 'GET', '/nope', {}, 404, 'not_found'],
      ['PUT on a task', 'PUT', `/tasks/${id}`, { body: '{"title":"t"}', headers: json }, 405, 'method_not_allowed'],
      ['DELETE on the collection', 'DELETE', '/tasks', {}, 405, 'method_not_allowed'],
      ['POST on /health', 'POST', '/health', {}, 405, 'method_not_allowed'],
    ];

    it('answers each bad request with its status and error code, and stored tasks stay exactly as they were', async () => {
      const existing = await postJson(api.url, '/tasks', { title: 'precious', description: 'keep me', status: 'In Progress' });
      const before = await storedRows();
      for (const [label, method, path, options, status, code] of cases(existing.body.id)) {
        const res = await request(api.url, method, path, options);
        const got = { label, status: res.status, code: res.body?.error?.code, contentType: res.headers['content-type'] };
        expect(got).toEqual({ label, status, code, contentType: expect.stringMatching(/^application\/json/) });
        expect(typeof res.body.error.message).toBe('string');
        if (status === 405) expect(res.headers.allow).toEqual(expect.any(String));
      }
      expect(await storedRows()).toEqual(before);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('lists every problem at once, naming each field', async () => {
      const res = await postJson(api.url, '/tasks', { title: '', description: 7, status: 'Nope', colour: 'red' });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['colour', 'description', 'status', 'title']);
    });

    it('405 says which methods are allowed', async () => {
      expect((await request(api.url, 'PUT', '/tasks/1')).headers.allow?.split(/,\s*/).sort()).toEqual(['DELETE', 'GET', 'HEAD', 'PATCH']);
      expect((await request(api.url, 'DELETE', '/tasks')).headers.allow?.split(/,\s*/).sort()).toEqual(['GET', 'HEAD', 'POST']);
    });
  });

  it('200 creates in parallel: 200 201s, 200 distinct ids, 200 rows', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => postJson(api.url, '/tasks', { title: `parallel ${i}`, description: `#${i}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(201));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(200);
    const rows = (await storedRows()) as Array<{ id: number; title: string }>;
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.id))).toEqual(ids);
    expect(new Set(rows.map((r) => r.title))).toEqual(new Set(results.map((r) => r.body.title)));
  });

  describe('operations endpoints, logs and metrics', () => {
    it('/health and /ready answer 200 while the database is up', async () => {
      expect(await request(api.url, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await request(api.url, 'GET', '/ready')).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'up', schema: 'current' } } });
    });

    it('logs one JSON line per request with its id, and one EMF TasksCreated line per created task', async () => {
      const created = await postJson(api.url, '/tasks', { title: 'logged' });
      const failed = await request(api.url, 'GET', '/tasks/abc', { headers: { 'x-request-id': 'client-chosen-42' } });
      expect(failed.headers['x-request-id']).toBe('client-chosen-42');
      const logs = api.logs();
      const requestLines = logs.filter((l) => l.msg === 'request');
      expect(requestLines).toEqual([
        expect.objectContaining({ level: 'info', method: 'POST', route: '/tasks', path: '/tasks', status: 201, requestId: created.headers['x-request-id'], durationMs: expect.any(Number) }),
        expect.objectContaining({ method: 'GET', route: '/tasks/:id', path: '/tasks/abc', status: 400, requestId: 'client-chosen-42' }),
      ]);
      const emf = logs.filter((l) => '_aws' in l);
      expect(emf).toEqual([
        {
          _aws: {
            Timestamp: Date.parse(created.body.createdAt),
            CloudWatchMetrics: [{ Namespace: 'TaskManagerMetrics', Dimensions: [[]], Metrics: [{ Name: 'TasksCreated', Unit: 'Count' }] }],
          },
          TasksCreated: 1,
          taskId: created.body.id,
          requestId: created.headers['x-request-id'],
        },
      ]);
    });

    it('a request id that is not safe to log is replaced', async () => {
      const res = await request(api.url, 'GET', '/health', { headers: { 'x-request-id': 'bad id with spaces"' } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('/metrics exposes request counts and latency by route template and status, and tasks created', async () => {
      await postJson(api.url, '/tasks', { title: 'a' });
      await postJson(api.url, '/tasks', { title: 'b' });
      await request(api.url, 'GET', '/tasks/1');
      await request(api.url, 'GET', '/tasks/2');
      await request(api.url, 'GET', '/tasks/abc');
      await request(api.url, 'GET', '/no/such/path');
      const res = await request(api.url, 'GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = res.text;
      expect(text).toContain('# TYPE http_requests_total counter');
      expect(text).toContain('http_requests_total{method="POST",route="/tasks",status="201"} 2');
      // Raw ids never become labels: both reads count under the template.
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/tasks\/:id",status="(200|404)"\} \d/);
      expect(text).toContain('http_requests_total{method="GET",route="/tasks/:id",status="400"} 1');
      expect(text).toContain('http_requests_total{method="GET",route="unmatched",status="404"} 1');
      expect(text).not.toContain('/no/such/path');
      expect(text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(text).toContain('http_request_duration_seconds_bucket{method="POST",route="/tasks",status="201",le="+Inf"} 2');
      expect(text).toContain('http_request_duration_seconds_count{method="POST",route="/tasks",status="201"} 2');
      expect(text).toMatch(/http_request_duration_seconds_sum\{method="POST",route="\/tasks",status="201"\} [0-9.e-]+\n/);
      expect(text).toContain('tasks_created_total 2\n');
    });
  });
});
