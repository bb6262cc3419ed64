/**
 * Sign-in with the authorization code and PKCE (RFC 7636) against the hosted UI (Amazon Cognito's
 * `/oauth2/authorize`, `/oauth2/token`, `/logout`). The app client is public: no secret, the code
 * verifier proves the code was asked for by this tab.
 *
 * The access token is kept in sessionStorage: it survives a reload of this tab but not its closing,
 * and no other tab or site sees it. No refresh token is kept (it would outlive the tab's session);
 * when the access token expires the page signs in again, which the hosted UI's own cookie usually
 * makes a redirect without a form.
 */
import type { RuntimeAuthConfig } from '../contract/web';

export interface Session {
  readonly accessToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

const SESSION_KEY = 'taskmanager.session';
const PENDING_KEY = 'taskmanager.signin';
/** A token this close to expiry is not used: it could expire on the way. */
const EXPIRY_MARGIN_MS = 30_000;

function randomText(bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function challengeOf(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export class SignIn {
  constructor(private readonly config: RuntimeAuthConfig) {}

  private get redirectUri(): string {
    return this.config.redirectUri ?? `${location.origin}/`;
  }

  /** The stored session, while its token is still usable. */
  current(): Session | undefined {
    try {
      const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
      if (session && typeof session.accessToken === 'string' && session.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return session;
    } catch {
      // Unreadable: treated as signed out.
    }
    this.forget();
    return undefined;
  }

  /** Sends the browser to the hosted UI; it comes back to the redirect URI with a code. */
  async begin(): Promise<void> {
    const verifier = randomText(48);
    const state = randomText(16);
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state }));
    const url = new URL(`${this.config.domain}/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.redirectUri,
      scope: this.config.scopes.join(' '),
      state,
      code_challenge: await challengeOf(verifier),
      code_challenge_method: 'S256',
    }).toString();
    location.assign(url.href);
  }

  /**
   * On the way back from the hosted UI: exchanges the code for tokens and removes it from the
   * address bar. Resolves undefined when the page was not opened by a sign-in redirect.
   */
  async complete(): Promise<Session | undefined> {
    const params = new URLSearchParams(location.search);
    const code = params.get('code');
    const error = params.get('error');
    if (!code && !error) return undefined;
    history.replaceState(null, '', location.pathname);
    const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as { verifier: string; state: string } | null;
    sessionStorage.removeItem(PENDING_KEY);
    if (error) throw new Error(`Sign-in did not complete: ${params.get('error_description') ?? error}.`);
    if (!pending || params.get('state') !== pending.state) throw new Error('Sign-in did not complete: this answer does not belong to this tab. Sign in again.');
    const response = await fetch(`${this.config.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: this.config.clientId,
        code: code as string,
        redirect_uri: this.redirectUri,
        code_verifier: pending.verifier,
      }),
    });
    if (!response.ok) throw new Error(`Sign-in did not complete: the sign-in service answered ${response.status}. Sign in again.`);
    const tokens = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!tokens.access_token) throw new Error('Sign-in did not complete: no access token came back. Sign in again.');
    const session: Session = { accessToken: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000 };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }

  /** Drops the token (it was refused, or the user signs out). */
  forget(): void {
    sessionStorage.removeItem(SESSION_KEY);
  }

  /** Signs out here and at the hosted UI, which sends the browser back to the page. */
  end(): void {
    this.forget();
    const url = new URL(`${this.config.domain}/logout`);
    url.search = new URLSearchParams({ client_id: this.config.clientId, logout_uri: this.redirectUri }).toString();
    location.assign(url.href);
  }
}
