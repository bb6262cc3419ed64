/**
 * What the web page, the API and the stacks agree on: where the page finds the API and how it
 * signs in. Browser-safe (no Node imports): the page bundles this file.
 *
 * The edge (CloudFront) serves the site at `/` and routes `API_BASE_PATH/*` to the API, which
 * strips the prefix. The stacks write `RUNTIME_CONFIG_FILE` next to `index.html`; the page
 * fetches it at start, so one build of the site serves every environment.
 */

/** The prefix under which the edge routes to the API (`/api/tasks` reaches the API's `/tasks`). */
export const API_BASE_PATH = '/api';

/** The runtime config's file name, at the root of the site (`/config.json`). */
export const RUNTIME_CONFIG_FILE = 'config.json';

/** Sign-in through an OAuth 2.0 authorization server with a hosted login page (Amazon Cognito's hosted UI). */
export interface RuntimeAuthConfig {
  /** The token issuer (`iss`): `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  readonly issuer: string;
  /** The public app client's id (no secret: the page uses the authorization code with PKCE). */
  readonly clientId: string;
  /** Base URL of the hosted UI, which serves `/oauth2/authorize`, `/oauth2/token` and `/logout`: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domain: string;
  /**
   * Where the hosted UI sends the browser back after sign-in and sign-out; must be one of the app
   * client's callback and logout URLs.
   * @default the page's own origin + `/`
   */
  readonly redirectUri?: string;
  /** OAuth scopes to ask for, e.g. `["openid", "email"]`. */
  readonly scopes: readonly string[];
}

/** The whole runtime config (`/config.json`). */
export interface RuntimeConfig {
  /** Prefix of every API call the page makes: `API_BASE_PATH` behind the edge; `''` or `/api` when the API serves the page itself. */
  readonly apiBase: string;
  /** Sign-in settings; `null` runs the page without sign-in (the API with authentication off, local use). */
  readonly auth: RuntimeAuthConfig | null;
  /**
   * Whether the API makes pictures (it has QUEUE_URL and IMAGES_BUCKET); false hides the page's Picture button.
   * @default true (the stacks always deploy the worker)
   */
  readonly images?: boolean;
}

/** Checks a parsed `config.json`; throws an Error saying which field is wrong. */
export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  const record = objectAt(value, 'config');
  const apiBase = record.apiBase;
  if (typeof apiBase !== 'string' || !/^(\/[\w.-]+)*$/.test(apiBase)) throw new Error('config.apiBase must be "" or a path like "/api"');
  if (record.images !== undefined && typeof record.images !== 'boolean') throw new Error('config.images must be true or false');
  const images = typeof record.images === 'boolean' ? { images: record.images } : {};
  if (record.auth === null) return { apiBase, auth: null, ...images };
  const auth = objectAt(record.auth, 'config.auth');
  const text = (field: string): string => {
    const v = auth[field];
    if (typeof v !== 'string' || v === '') throw new Error(`config.auth.${field} must be a non-empty string`);
    return v;
  };
  const url = (field: string): string => {
    const v = text(field);
    if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(v)) throw new Error(`config.auth.${field} must be an http(s) URL`);
    return v.replace(/\/+$/, '');
  };
  const scopes = auth.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string' && /^[\x21-\x7E]+$/.test(s))) {
    throw new Error('config.auth.scopes must be a non-empty list of scope names');
  }
  return {
    apiBase,
    auth: {
      issuer: url('issuer'),
      clientId: text('clientId'),
      domain: url('domain'),
      ...(auth.redirectUri !== undefined ? { redirectUri: text('redirectUri') } : {}),
      scopes: scopes as string[],
    },
    ...images,
  };
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** What a site file is served with, by the API locally and by S3 behind the edge. */
export interface SiteObjectHeaders {
  readonly contentType: string;
  readonly cacheControl: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** Hashed assets never change under their name; everything else (index.html, config.json) is revalidated on every load. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
export const REVALIDATE_CACHE_CONTROL = 'no-cache';
/** Where the site build puts files whose names carry their content hash. */
export const HASHED_ASSETS_PREFIX = 'assets/';

/** Headers of a site file by its key relative to the site root (`index.html`, `assets/main-X7Q2.js`); undefined for a type the site never has. */
export function siteObjectHeaders(key: string): SiteObjectHeaders | undefined {
  const extension = /\.[a-z0-9]+$/.exec(key)?.[0] ?? '';
  const contentType = CONTENT_TYPES[extension];
  if (!contentType) return undefined;
  return { contentType, cacheControl: key.startsWith(HASHED_ASSETS_PREFIX) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL };
}
