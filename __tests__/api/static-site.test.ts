/**
 * SITE_DIR (local use): the API serves a built site folder at `/` with the headers S3 serves it
 * with behind the edge, and nothing outside the folder.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { request, RunningApi, startApi } from './support/api-harness';
import { sqliteBackend, TestDatabase } from './support/databases';

let dir: string;
let db: TestDatabase;
let api: RunningApi;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-static-'));
  fs.mkdirSync(path.join(dir, 'site', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'site', 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(dir, 'site', 'assets', 'main-ABCDEFGH.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'site', 'config.json'), '{"apiBase":"/api","auth":null}');
  fs.writeFileSync(path.join(dir, 'secret.json'), '{"secret":"never-served"}');
  db = await sqliteBackend.create('static_site');
  api = await startApi(db.knex, { siteDir: path.join(dir, 'site') });
});
afterAll(async () => {
  await api?.close();
  await db?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A GET whose path goes out exactly as written (URL parsing would resolve the `..`). */
function rawGet(rawPath: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: hostname, port, path: rawPath, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on('error', reject);
  });
}

describe('serving SITE_DIR', () => {
  it('/ is index.html, revalidated on every load', async () => {
    const res = await request(api.url, 'GET', '/');
    expect([res.status, res.headers['content-type'], res.headers['cache-control'], res.text]).toEqual([200, 'text/html; charset=utf-8', 'no-cache', '<!doctype html><title>t</title>']);
  });

  it('hashed assets are immutable for a year; config.json is JSON, revalidated', async () => {
    const script = await request(api.url, 'GET', '/assets/main-ABCDEFGH.js');
    expect([script.status, script.headers['content-type'], script.headers['cache-control']]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    const config = await request(api.url, 'GET', '/config.json');
    expect([config.status, config.headers['cache-control'], config.body]).toEqual([200, 'no-cache', { apiBase: '/api', auth: null }]);
  });

  it('HEAD answers the headers and length without a body', async () => {
    const res = await request(api.url, 'HEAD', '/assets/main-ABCDEFGH.js');
    expect([res.status, res.headers['content-length'], res.text]).toEqual([200, '14', '']);
  });

  it('nothing outside the folder, nor a file that is not there, is served', async () => {
    for (const p of ['/../secret.json', '/%2e%2e/secret.json', '/assets/../../secret.json', '/missing.js']) {
      const res = await rawGet(p);
      expect([p, res.status, res.text.includes('never-served')]).toEqual([p, 404, false]);
    }
  });

  it('the API keeps its own routes beside the site', async () => {
    expect((await request(api.url, 'GET', '/tasks')).status).toBe(200);
    expect((await request(api.url, 'GET', '/api/tasks')).status).toBe(200);
  });
});
