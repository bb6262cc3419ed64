/**
 * Text that would display as nothing, or in another order than it is stored (Trojan Source,
 * CVE-2021-42574), is refused with a 400 that says why; text that merely contains invisible
 * characters beside visible ones is kept as sent. Validation runs before the database, so one
 * backend (SQLite) is enough here.
 */
import { request, RunningApi, startApi } from './support/api-harness';
import { sqliteBackend, TestDatabase } from './support/databases';

let db: TestDatabase;
let api: RunningApi;

beforeAll(async () => {
  db = await sqliteBackend.create('invisible-text');
  api = await startApi(db.knex);
});
afterAll(async () => {
  await api?.close();
  await db?.cleanup();
});

const send = (method: string, path: string, body: unknown) =>
  request(api.url, method, path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

const problemOf = (res: { body: { error: { details: Array<{ field: string; problem: string }> } } }, field: string) =>
  res.body.error.details.find((d) => d.field === field)?.problem;

describe('titles that show nothing', () => {
  it.each([
    ['zero-width spaces', '\u200B\u200B\u200B'],
    ['a zero-width joiner and a word joiner', '\u200D\u2060'],
    ['a byte order mark', '\uFEFF'],
    ['soft hyphens', '\u00AD\u00AD'],
    ['Hangul fillers', '\u3164\u115F'],
    ['a braille blank', '\u2800'],
    ['no-break and ideographic spaces', '\u00A0\u3000\u202F'],
    ['invisible characters around spaces', ' \u200B \u2063 '],
  ])('a title of only %s is 400, saying it needs a visible character', async (_label, title) => {
    const res = await send('POST', '/tasks', { title });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(problemOf(res, 'title')).toMatch(/visible character/);
  });

  it('PATCH to a title of only zero-width spaces is 400 and the task keeps its title', async () => {
    const created = await send('POST', '/tasks', { title: 'Readable' });
    const res = await send('PATCH', `/tasks/${created.body.id}`, { title: '\u200B' });
    expect(res.status).toBe(400);
    expect(problemOf(res, 'title')).toMatch(/visible character/);
    expect((await request(api.url, 'GET', `/tasks/${created.body.id}`)).body.title).toBe('Readable');
  });

  it('keeps a title with visible characters beside invisible ones as sent (emoji sequences use joiners)', async () => {
    for (const title of ['a\u200Bb', '👩\u200D💻 ship it', 'café', '\u0301e']) {
      const res = await send('POST', '/tasks', { title });
      expect([title, res.status, res.body.title]).toEqual([title, 201, title]);
    }
  });
});

describe('bidirectional control characters', () => {
  it.each([
    ['RIGHT-TO-LEFT OVERRIDE (U+202E)', 'invoice\u202Efdp.exe'],
    ['LEFT-TO-RIGHT EMBEDDING (U+202A)', '\u202Aabc'],
    ['POP DIRECTIONAL FORMATTING (U+202C)', 'abc\u202C'],
    ['RIGHT-TO-LEFT ISOLATE (U+2067)', 'a\u2067b\u2069'],
    ['FIRST STRONG ISOLATE (U+2068)', '\u2068abc'],
    ['RIGHT-TO-LEFT MARK (U+200F)', 'abc\u200F'],
    ['ARABIC LETTER MARK (U+061C)', '\u061Cabc'],
  ])('a title with a %s is 400, naming the character and the reason', async (_label, title) => {
    const res = await send('POST', '/tasks', { title });
    expect(res.status).toBe(400);
    expect(problemOf(res, 'title')).toMatch(/bidirectional control character U\+[0-9A-F]{4}.*display/);
  });

  it('a description with a bidi override is 400 too, and nothing is stored', async () => {
    const before = (await request(api.url, 'GET', '/tasks?limit=100')).body.tasks.length;
    const res = await send('POST', '/tasks', { title: 'ok', description: 'pay \u202E0001$' });
    expect(res.status).toBe(400);
    expect(problemOf(res, 'description')).toMatch(/bidirectional control character U\+202E/);
    expect((await request(api.url, 'GET', '/tasks?limit=100')).body.tasks.length).toBe(before);
  });

  it('right-to-left text without control characters is accepted as sent', async () => {
    const title = 'שלום עולם مرحبا';
    const res = await send('POST', '/tasks', { title });
    expect([res.status, res.body.title]).toEqual([201, title]);
  });
});
