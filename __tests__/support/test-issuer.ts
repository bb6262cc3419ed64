/**
 * A local stand-in for Amazon Cognito, on 127.0.0.1: the hosted UI's authorization-code flow with
 * PKCE (`/oauth2/authorize` shows a login form, `/oauth2/token` checks the code verifier), `/logout`,
 * and the user pool's `/.well-known/jwks.json`. Tokens are shaped like Cognito's: RS256 with a
 * `kid`, `iss`, `sub`, `token_use`, and `client_id` (access token) or `aud` (ID token).
 *
 * Written on `jose` rather than with the `oidc-provider` package: that one is an ES module (jest
 * loads CommonJS), speaks OpenID Connect's paths rather than Cognito's, and issues opaque access
 * tokens unless configured at length; this is the part of Cognito the page and the API use.
 */
import { createHash, randomBytes, randomUUID } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { exportJWK, exportSPKI, generateKeyPair, JWK, JWTPayload, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface IssuedCode {
  readonly sub: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly scope: string;
}

export interface TestIssuerOptions {
  readonly clientId: string;
  /** Callback and sign-out URLs the client may use (as registered on a Cognito app client). */
  readonly redirectUris?: readonly string[];
  /** Lifetime of issued tokens. */
  readonly tokenSeconds?: number;
}

export class TestIssuer {
  readonly clientId: string;
  readonly redirectUris: string[];
  /** How often the JWKS was fetched (the API must cache it). */
  jwksRequests = 0;
  private readonly codes = new Map<string, IssuedCode>();
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly kid: string,
    private readonly key: SigningKey,
    private readonly jwk: JWK,
    /** The public key as PEM text: what an attacker would try as an HS256 secret. */
    readonly publicKeyPem: string,
    options: TestIssuerOptions,
    private readonly tokenSeconds = options.tokenSeconds ?? 3600,
  ) {
    this.clientId = options.clientId;
    this.redirectUris = [...(options.redirectUris ?? [])];
  }

  static async start(options: TestIssuerOptions): Promise<TestIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = `test-${randomUUID()}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const issuer = new TestIssuer(server, url, kid, privateKey, jwk, await exportSPKI(publicKey), options);
    server.on('request', (req, res) => {
      issuer.handle(req, res).catch((error: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
      });
    });
    return issuer;
  }

  /** Claims of an access token as Cognito issues it for this client. */
  accessClaims(sub: string, scope = 'openid'): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return { iss: this.url, sub, client_id: this.clientId, token_use: 'access', scope, auth_time: now, iat: now, exp: now + this.tokenSeconds, jti: randomUUID(), username: sub };
  }

  /** Claims of an ID token as Cognito issues it for this client. */
  idClaims(sub: string): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return { iss: this.url, sub, aud: this.clientId, token_use: 'id', auth_time: now, iat: now, exp: now + this.tokenSeconds, 'cognito:username': sub };
  }

  /** Signs any claims with the issuer's key (or another one), RS256 with the key's `kid` unless told otherwise. */
  sign(claims: JWTPayload, options: { key?: SigningKey; kid?: string } = {}): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: options.kid ?? this.kid, typ: 'JWT' }).sign(options.key ?? this.key);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /.well-known/jwks.json') {
      this.jwksRequests++;
      return json(res, 200, { keys: [this.jwk] });
    }
    if (route === 'GET /oauth2/authorize') return this.authorize(url.searchParams, res);
    if (route === 'POST /login') return this.login(new URLSearchParams(await readBody(req)), res);
    if (route === 'POST /oauth2/token') return this.token(new URLSearchParams(await readBody(req)), res);
    if (route === 'GET /logout') {
      const target = url.searchParams.get('logout_uri') ?? '';
      if (url.searchParams.get('client_id') !== this.clientId || !this.redirectUris.includes(target)) return text(res, 400, 'unknown client or logout_uri');
      res.writeHead(302, { location: target }).end();
      return;
    }
    text(res, 404, 'not found');
  }

  /** The hosted UI's sign-in page, after the same checks Cognito makes of the request. */
  private authorize(params: URLSearchParams, res: http.ServerResponse): void {
    const problem =
      params.get('response_type') !== 'code' ? 'response_type must be code'
      : params.get('client_id') !== this.clientId ? 'unknown client_id'
      : !this.redirectUris.includes(params.get('redirect_uri') ?? '') ? 'redirect_uri is not registered'
      : params.get('code_challenge_method') !== 'S256' || !params.get('code_challenge') ? 'PKCE with S256 is required'
      : undefined;
    if (problem) return text(res, 400, problem);
    const hidden = ['redirect_uri', 'state', 'code_challenge', 'scope']
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? '')}">`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Sign in (test issuer)</title></head><body><main>
<h1>Sign in</h1><form method="post" action="/login">${hidden}
<label for="username">User name</label> <input id="username" name="username" autocomplete="username" required>
<button type="submit">Sign in</button></form></main></body></html>`);
  }

  private login(form: URLSearchParams, res: http.ServerResponse): void {
    const code = randomBytes(16).toString('hex');
    const redirectUri = form.get('redirect_uri') ?? '';
    this.codes.set(code, { sub: form.get('username') ?? '', redirectUri, challenge: form.get('code_challenge') ?? '', scope: form.get('scope') ?? 'openid' });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (form.get('state')) target.searchParams.set('state', form.get('state') as string);
    res.writeHead(302, { location: target.href }).end();
  }

  /** Cognito's token endpoint: the code once, for the same redirect URI, with the verifier of its challenge. */
  private async token(form: URLSearchParams, res: http.ServerResponse): Promise<void> {
    const code = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      form.get('grant_type') !== 'authorization_code' ||
      form.get('client_id') !== this.clientId ||
      !code ||
      code.redirectUri !== form.get('redirect_uri') ||
      code.challenge !== challenge
    ) {
      return json(res, 400, { error: 'invalid_grant' });
    }
    json(res, 200, {
      access_token: await this.sign(this.accessClaims(code.sub, code.scope)),
      id_token: await this.sign(this.idClaims(code.sub)),
      token_type: 'Bearer',
      expires_in: this.tokenSeconds,
    });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  // The page calls the token endpoint from its own origin, as it does Cognito's.
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value));
}

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
