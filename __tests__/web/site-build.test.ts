/**
 * The site build that synth uploads to the static bucket: what files it makes, their names,
 * content types and cache headers, and the page's JavaScript budget.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IMMUTABLE_CACHE_CONTROL, parseRuntimeConfig, REVALIDATE_CACHE_CONTROL, RuntimeConfig } from '../../api/contract/web';
import { bundleSite, SITE_JS_BUDGET_GZIP_BYTES, SiteBuild } from '../../stacks/build/bundle-site';
import { REPO_ROOT } from '../api/support/api-process';

let outDir: string;
let site: SiteBuild;
const runtimeConfig: RuntimeConfig = { apiBase: '/api', auth: { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x', clientId: 'abc', domain: 'https://tm.auth.eu-west-1.amazoncognito.com', scopes: ['openid'] } };

beforeAll(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-site-'));
  site = bundleSite(REPO_ROOT, { outDir });
});
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('bundleSite', () => {
  it('makes index.html plus one script and one stylesheet with content-hashed names under assets/', () => {
    // In any order: the hashes decide how the names sort.
    expect(site.files).toHaveLength(3);
    expect(site.files.map((f) => f.key)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^assets\/main-[A-Z0-9]{8}\.css$/),
      expect.stringMatching(/^assets\/main-[A-Z0-9]{8}\.js$/),
      'index.html',
    ]));
    const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
    for (const asset of site.files.filter((f) => f.key.startsWith('assets/'))) expect(html).toContain(`"/${asset.key}"`);
  });

  it('hashed assets are cached for a year as immutable; index.html is revalidated on every load', () => {
    for (const file of site.files) {
      expect([file.key, file.cacheControl]).toEqual([file.key, file.key.startsWith('assets/') ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL]);
    }
    expect(IMMUTABLE_CACHE_CONTROL).toBe('public, max-age=31536000, immutable');
  });

  it('gives every file its content type, size and SHA-256', () => {
    const byExtension = Object.fromEntries(site.files.map((f) => [path.extname(f.key), f.contentType]));
    expect(byExtension).toEqual({ '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.html': 'text/html; charset=utf-8' });
    for (const file of site.files) {
      expect(file.bytes).toBe(fs.statSync(file.path).size);
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('builds the same names again from the same sources (synth plans no change)', () => {
    const again = bundleSite(REPO_ROOT, { outDir: path.join(outDir, 'again') });
    expect(again.files.map((f) => [f.key, f.sha256])).toEqual(site.files.map((f) => [f.key, f.sha256]));
  });

  it(`keeps the page's JavaScript under ${SITE_JS_BUDGET_GZIP_BYTES / 1024} KiB gzipped`, () => {
    expect(site.jsGzipBytes).toBeGreaterThan(1000);
    expect(site.jsGzipBytes).toBeLessThan(SITE_JS_BUDGET_GZIP_BYTES);
  });

  it('writes config.json (revalidated) only when given a runtime config, and the page reads it back unchanged', () => {
    expect(fs.existsSync(path.join(outDir, 'config.json'))).toBe(false);
    const withConfig = bundleSite(REPO_ROOT, { outDir: path.join(outDir, 'configured'), runtimeConfig });
    const config = withConfig.files.find((f) => f.key === 'config.json');
    expect(config).toMatchObject({ contentType: 'application/json; charset=utf-8', cacheControl: REVALIDATE_CACHE_CONTROL });
    expect(parseRuntimeConfig(JSON.parse(fs.readFileSync(config!.path, 'utf8')))).toEqual(runtimeConfig);
  });
});

describe('parseRuntimeConfig', () => {
  it('accepts auth: null (no sign-in) and an empty apiBase (API at the root)', () => {
    expect(parseRuntimeConfig({ apiBase: '', auth: null })).toEqual({ apiBase: '', auth: null });
  });

  it('takes whether the server makes pictures (images), with or without sign-in', () => {
    expect(parseRuntimeConfig({ apiBase: '/api', auth: null, images: false })).toEqual({ apiBase: '/api', auth: null, images: false });
    expect(parseRuntimeConfig({ ...runtimeConfig, images: true })).toEqual({ ...runtimeConfig, images: true });
  });

  it.each([
    [{ auth: null }, /apiBase/],
    [{ apiBase: 'api', auth: null }, /apiBase/],
    [{ apiBase: '/api' }, /config.auth must be a JSON object/],
    [{ apiBase: '/api', auth: { ...runtimeConfig.auth, clientId: '' } }, /config.auth.clientId/],
    [{ apiBase: '/api', auth: { ...runtimeConfig.auth, domain: 'tm.auth.example' } }, /config.auth.domain must be an http\(s\) URL/],
    [{ apiBase: '/api', auth: { ...runtimeConfig.auth, scopes: [] } }, /config.auth.scopes/],
    [{ apiBase: '/api', auth: null, images: 'yes' }, /config.images must be true or false/],
  ])('rejects %j, naming the field', (value, message) => {
    expect(() => parseRuntimeConfig(value)).toThrow(message);
  });
});
