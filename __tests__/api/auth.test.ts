/**
 * Sign-in on the API: bearer tokens verified against a local issuer's JWKS (keys generated here),
 * shaped like Amazon Cognito's, over real HTTP. Every forged or unusable token is the same 401.
 */
import * as os from 'os';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { jwtAuthenticator } from '../../api/src/auth/authenticator';
import { isLocalUnproxied } from '../../api/src/http/ops-routes';
import { freePort } from '../../scripts/support/free-port';
import { TestIssuer } from '../support/test-issuer';
import { request, RunningApi, startApi } from './support/api-harness';
import { sqliteBackend, TestDatabase } from './support/databases';

const CLIENT_ID = 'test-client';

let issuer: TestIssuer;
let db: TestDatabase;
let api: RunningApi;

function authenticatorFor(target: TestIssuer, jwksUrl = `${target.url}/.well-known/jwks.json`) {
  return jwtAuthenticator({ issuer: target.url, clientId: CLIENT_ID, jwksUrl });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const listTasks = (token: string, target = api) => request(target.url, 'GET', '/tasks', { headers: bearer(token) });
const seconds = (offset = 0) => Math.floor(Date.now() / 1000) + offset;

beforeAll(async () => {
  [issuer, db] = await Promise.all([TestIssuer.start({ clientId: CLIENT_ID }), sqliteBackend.create('auth')]);
  api = await startApi(db.knex, { auth: authenticatorFor(issuer) });
});
afterAll(async () => {
  await api?.close();
  await Promise.all([issuer?.close(), db?.cleanup()]);
});

describe('tokens the API accepts', () => {
  it("a Cognito access token (token_use access, client_id) for the app client", async () => {
    const res = await listTasks(await issuer.sign(issuer.accessClaims('user-a')));
    expect([res.status, res.body]).toEqual([200, { tasks: [], nextCursor: null }]);
  });

  it("a Cognito ID token (token_use id, aud) for the app client", async () => {
    expect((await listTasks(await issuer.sign(issuer.idClaims('user-a')))).status).toBe(200);
  });

  it('a token that expired within the clock tolerance (60 s)', async () => {
    expect((await listTasks(await issuer.sign({ ...issuer.accessClaims('user-a'), exp: seconds(-20) }))).status).toBe(200);
  });

  it('the same token under the edge prefix /api', async () => {
    const res = await request(api.url, 'GET', '/api/tasks?limit=5', { headers: bearer(await issuer.sign(issuer.accessClaims('user-a'))) });
    expect(res.status).toBe(200);
  });

  it("fetches the issuer's keys once and reuses them for later requests", async () => {
    const before = issuer.jwksRequests;
    for (let i = 0; i < 5; i++) expect((await listTasks(await issuer.sign(issuer.accessClaims(`user-${i}`)))).status).toBe(200);
    expect(issuer.jwksRequests).toBe(before);
  });
});

describe('requests without a usable token', () => {
  it('without Authorization: 401 unauthorized with a bare Bearer challenge (RFC 6750: no error code)', async () => {
    const res = await request(api.url, 'GET', '/tasks');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="taskmanager"');
    expect(res.body.error.code).toBe('unauthorized');
  });

  const forged: Array<[string, () => Promise<string>]> = [
    ['a token from another issuer', () => issuer.sign({ ...issuer.accessClaims('user-a'), iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other' })],
    ['an access token for another app client (client_id)', () => issuer.sign({ ...issuer.accessClaims('user-a'), client_id: 'other-client' })],
    ['an ID token for another app client (aud)', () => issuer.sign({ ...issuer.idClaims('user-a'), aud: 'other-client' })],
    ['a token with token_use refresh', () => issuer.sign({ ...issuer.accessClaims('user-a'), token_use: 'refresh' })],
    ['a token without token_use', () => issuer.sign({ ...issuer.accessClaims('user-a'), token_use: undefined })],
    ['an access token with aud but no client_id', () => issuer.sign({ ...issuer.accessClaims('user-a'), client_id: undefined, aud: CLIENT_ID })],
    ['a token expired past the tolerance', () => issuer.sign({ ...issuer.accessClaims('user-a'), iat: seconds(-7200), exp: seconds(-120) })],
    ['a token not yet valid (nbf in 2 minutes)', () => issuer.sign({ ...issuer.accessClaims('user-a'), nbf: seconds(120) })],
    ['a token without exp', () => issuer.sign({ ...issuer.accessClaims('user-a'), exp: undefined })],
    ['a token without sub', () => issuer.sign({ ...issuer.accessClaims('user-a'), sub: undefined })],
    ['an unsigned token (alg none)', async () => new UnsecuredJWT(issuer.accessClaims('user-a')).encode()],
    [
      'a token signed HS256 with the public key as the secret',
      () => new SignJWT(issuer.accessClaims('user-a')).setProtectedHeader({ alg: 'HS256', kid: issuer.kid }).sign(new TextEncoder().encode(issuer.publicKeyPem)),
    ],
    [
      'a token signed by an unknown key (unknown kid)',
      async () => issuer.sign(issuer.accessClaims('user-a'), { key: (await generateKeyPair('RS256')).privateKey, kid: 'unknown-kid' }),
    ],
    [
      'a token signed by another key under the known kid',
      async () => issuer.sign(issuer.accessClaims('user-a'), { key: (await generateKeyPair('RS256')).privateKey }),
    ],
    [
      'a token with a tampered payload (sub changed after signing)',
      async () => {
        const [header, , signature] = (await issuer.sign(issuer.accessClaims('user-a'))).split('.');
        const payload = Buffer.from(JSON.stringify(issuer.accessClaims('user-b'))).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    ['not a JWT at all', async () => 'not-a-token'],
  ];

  it.each(forged)('%s: 401 invalid_token, the same answer as every other rejection', async (_what, make) => {
    const res = await listTasks(await make());
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="taskmanager", error="invalid_token", error_description="The access token is expired or not valid"');
    expect(res.body).toEqual({ error: { code: 'invalid_token', message: 'The access token is expired or not valid: sign in again.' } });
  });

  it('another scheme than Bearer: 401 invalid_token', async () => {
    const res = await request(api.url, 'GET', '/tasks', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect([res.status, res.body.error.code]).toEqual([401, 'invalid_token']);
  });

  it('logs why a token was rejected, never the token itself', async () => {
    const token = await issuer.sign({ ...issuer.accessClaims('user-a'), client_id: 'other-client' });
    const res = await listTasks(token);
    const line = api.logs().find((l) => l.msg === 'token rejected' && l.requestId === res.headers['x-request-id']);
    expect(line).toMatchObject({ reason: 'wrong client_id' });
    expect(JSON.stringify(api.logs())).not.toContain(token);
  });

  it('every task route needs a token (list, read, create, change, delete, images) and nothing is stored', async () => {
    for (const [method, path] of [['GET', '/tasks'], ['POST', '/tasks'], ['GET', '/tasks/1'], ['PATCH', '/tasks/1'], ['DELETE', '/tasks/1'], ['POST', '/tasks/1/image'], ['GET', '/tasks/1/image'], ['GET', '/api/tasks']]) {
      const res = await request(api.url, method, path, { body: '{"title":"x"}', headers: { 'content-type': 'application/json' } });
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
    expect(await db.knex('tasks').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});

describe('open endpoints', () => {
  it('/health, /ready, /metrics and /instance answer without a token', async () => {
    for (const path of ['/health', '/ready', '/metrics', '/instance']) {
      const res = await request(api.url, 'GET', path);
      expect([path, res.status]).toEqual([path, 200]);
    }
  });

  it('/metrics and /instance answer 404 to anything a proxy relayed (the load balancer adds X-Forwarded-For)', async () => {
    for (const path of ['/metrics', '/instance']) {
      for (const headers of [{ 'x-forwarded-for': '10.0.10.7' }, { forwarded: 'for=10.0.10.7' }] as Record<string, string>[]) {
        const res = await request(api.url, 'GET', path, { headers });
        expect([path, res.status, res.body]).toEqual([path, 404, { error: { code: 'not_found', message: 'No such resource.' } }]);
      }
    }
    expect((await request(api.url, 'GET', '/ready', { headers: { 'x-forwarded-for': '10.0.10.7' } })).status).toBe(200);
  });

  // A connection from another address of this machine's network (as the load balancer's would be).
  const external = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4')?.address;
  (external ? it : it.skip)('/metrics and /instance answer 404 to a connection that does not come from the loopback', async () => {
    const everywhere = await startApi(db.knex, { host: '0.0.0.0' });
    try {
      const viaNetwork = `http://${external}:${new URL(everywhere.url).port}`;
      expect((await request(viaNetwork, 'GET', '/health')).status).toBe(200);
      for (const path of ['/metrics', '/instance']) {
        expect([path, (await request(viaNetwork, 'GET', path)).status]).toEqual([path, 404]);
        expect([path, (await request(everywhere.url, 'GET', path)).status]).toEqual([path, 200]);
      }
    } finally {
      await everywhere.close();
    }
  });

  it('/metrics and /instance are for callers on the machine itself: loopback without a proxy\'s header', () => {
    expect(isLocalUnproxied('127.0.0.1', {})).toBe(true);
    expect(isLocalUnproxied('::1', {})).toBe(true);
    expect(isLocalUnproxied('::ffff:127.0.0.1', {})).toBe(true);
    expect(isLocalUnproxied('10.0.10.7', {})).toBe(false);
    expect(isLocalUnproxied('::ffff:10.0.10.7', {})).toBe(false);
    expect(isLocalUnproxied(undefined, {})).toBe(false);
    expect(isLocalUnproxied('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })).toBe(false);
  });

  it('under the edge prefix only /api/health is served: /api/metrics, /api/instance and /api/ready are 404', async () => {
    expect((await request(api.url, 'GET', '/api/health')).status).toBe(200);
    for (const path of ['/api/metrics', '/api/instance', '/api/ready', '/api', '/api/']) {
      const res = await request(api.url, 'GET', path);
      expect([path, res.status]).toEqual([path, 404]);
    }
  });
});

describe("when the issuer's keys cannot be fetched", () => {
  it('503 auth_unavailable with Retry-After (the caller need not sign in again), not a 401', async () => {
    const unreachable = await startApi(db.knex, { auth: authenticatorFor(issuer, `http://127.0.0.1:${await freePort()}/.well-known/jwks.json`) });
    try {
      const res = await listTasks(await issuer.sign(issuer.accessClaims('user-a')), unreachable);
      expect([res.status, res.headers['retry-after'], res.body.error.code]).toEqual([503, '5', 'auth_unavailable']);
    } finally {
      await unreachable.close();
    }
  });
});
