import * as os from 'os';
import * as path from 'path';
import { ApiSettingName } from '../../contract/api-settings';
import { ConfigError } from '../../contract/config-error';
import { DATABASE_NAME } from '../../contract/database';
import { isBucketName, isHttpUrl } from '../../contract/validators';
import { API_BASE_PATH } from '../../contract/web';

export { ConfigError } from '../../contract/config-error';
export { API_SETTINGS as SETTINGS } from '../../contract/api-settings';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** MySQL connection settings; the password may come from a Secrets Manager secret instead. */
export interface MysqlSettings {
  readonly kind: 'mysql';
  /** The variable that named the server (DATABASE_URL, else DB_HOST), for messages that say what to check. */
  readonly serverFrom?: 'DATABASE_URL' | 'DB_HOST';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  readonly secretArn?: string;
  readonly secretRegion?: string;
  /** How long fetched credentials (a secret, an IAM token) serve new connections before they are fetched again. */
  readonly secretTtlMs: number;
  /** Sign in with an RDS IAM authentication token instead of a password (the token's region). */
  readonly iamAuth?: { readonly region: string };
  /** The account that runs the migrations at start; unset: `user`. */
  readonly migrationUser?: string;
  readonly ssl: boolean;
  /** PEM file of the certificate authorities to trust with `ssl`; unset means the Amazon RDS CAs. */
  readonly sslCaFile?: string;
  readonly poolMax: number;
  readonly acquireTimeoutMs: number;
  /** Longest wait for the answer to one statement before its connection is dropped (a 503); unset: no limit (migrations). */
  readonly queryTimeoutMs?: number;
}

export interface SqliteSettings {
  readonly kind: 'sqlite';
  readonly file: string;
}

export type DatabaseSettings = MysqlSettings | SqliteSettings;

/** Where image jobs go and where their images are read from; absent in local SQLite mode. */
export interface ImageSettings {
  readonly queueUrl: string;
  readonly bucket: string;
  readonly region: string;
  /** Lifetime of the presigned GET URLs `GET /tasks/:id/image` redirects to. */
  readonly urlTtlSeconds: number;
  /** Test-only endpoint overrides (a queue URL off AWS is its own SQS endpoint). */
  readonly sqsEndpoint?: string;
  readonly s3Endpoint?: string;
}

/** How tokens are verified; absent means authentication is off (never in production). */
export interface AuthSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwksUrl: string;
}

export interface ApiConfig {
  /** NODE_ENV=production: authentication is required and local shortcuts are refused. */
  readonly production: boolean;
  /** Token verification; undefined only outside production with no AUTH_* setting (every request is the local user). */
  readonly auth?: AuthSettings;
  /** The edge's prefix for the API (`/api`), stripped before routing. */
  readonly apiBasePath: string;
  /** A built site folder served at `/`, for local use. */
  readonly siteDir?: string;
  readonly port: number;
  readonly host: string;
  /** HTTP worker processes; 1 serves in the process itself. */
  readonly workers: number;
  readonly database: DatabaseSettings;
  /** Migrate at start; false where a migration step runs before the API starts (AWS), which then only checks the schema. */
  readonly migrateAtStart: boolean;
  readonly connectRetryMs: number;
  readonly logFile?: string;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  readonly idempotencyTtlMs: number;
  readonly shutdownTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly imdsEndpoint: string;
  readonly imdsTimeoutMs: number;
  /** Image generation (`/tasks/:id/image`); undefined when `QUEUE_URL` and `IMAGES_BUCKET` are not set. */
  readonly images?: ImageSettings;
}

type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: ApiSettingName): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function integer(env: Env, name: ApiSettingName, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw ConfigError.of(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function boolean(env: Env, name: ApiSettingName, fallback: boolean): boolean {
  const raw = value(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw ConfigError.of(name, `must be true or false, got "${raw}"`);
}

/** `arn:aws:secretsmanager:<region>:<account>:secret:<name>` -> region. */
function regionOfSecretArn(arn: string): string {
  const match = /^arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:.+$/.exec(arn);
  if (!match) throw ConfigError.of('DB_SECRET_ARN', `is not a Secrets Manager secret ARN: "${arn}"`);
  return match[1];
}

function mysqlFromUrl(env: Env, raw: string): Omit<MysqlSettings, keyof ReturnType<typeof commonMysqlSettings>> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ConfigError.of('DATABASE_URL', 'is not a URL (expected mysql://user:pass@host:3306/db)');
  }
  if (url.protocol !== 'mysql:') {
    throw ConfigError.of('DATABASE_URL', `must start with mysql:// (got ${url.protocol}//)`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database || !url.username) {
    throw ConfigError.of('DATABASE_URL', 'needs a user, a host and a database: mysql://user:pass@host:3306/db');
  }
  const secretArn = value(env, 'DB_SECRET_ARN');
  return {
    kind: 'mysql',
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    database,
    user: decodeURIComponent(url.username),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    secretArn,
    secretRegion: secretArn ? (value(env, 'AWS_REGION') ?? regionOfSecretArn(secretArn)) : undefined,
  };
}

function databaseSettings(env: Env, cwd: string): DatabaseSettings {
  const url = value(env, 'DATABASE_URL');
  const host = value(env, 'DB_HOST');
  if (!url && !host) {
    if (value(env, 'DB_SECRET_ARN')) {
      throw ConfigError.of('DB_SECRET_ARN', 'is set but neither DB_HOST nor DATABASE_URL says which server to use');
    }
    return { kind: 'sqlite', file: path.resolve(cwd, value(env, 'SQLITE_FILE') ?? './data/taskmanager.sqlite') };
  }
  const common = commonMysqlSettings(env, cwd);
  if (url) return { ...mysqlFromUrl(env, url), ...common, serverFrom: 'DATABASE_URL' };
  const secretArn = value(env, 'DB_SECRET_ARN');
  const password = value(env, 'DB_PASSWORD');
  if (!secretArn && password === undefined && !common.iamAuth) {
    throw ConfigError.of('DB_HOST', 'is set, so DB_SECRET_ARN, DB_PASSWORD or DB_IAM_AUTH must be set too');
  }
  if (common.iamAuth && (secretArn || password !== undefined)) {
    throw ConfigError.of('DB_IAM_AUTH', `signs in with tokens, so ${secretArn ? 'DB_SECRET_ARN' : 'DB_PASSWORD'} must not be set too`);
  }
  return {
    kind: 'mysql',
    serverFrom: 'DB_HOST',
    host: host as string,
    port: integer(env, 'DB_PORT', 3306, 1, 65535),
    database: value(env, 'DB_NAME') ?? DATABASE_NAME,
    user: value(env, 'DB_USER') ?? 'admin',
    password,
    secretArn,
    secretRegion: secretArn ? (value(env, 'AWS_REGION') ?? regionOfSecretArn(secretArn)) : undefined,
    ...common,
  };
}

/** What every MySQL connection takes, however the server is named: TLS, pool, credentials' lifetime, IAM sign-in. */
function commonMysqlSettings(env: Env, cwd: string) {
  const sslCaFile = value(env, 'DB_SSL_CA_FILE');
  const ssl = boolean(env, 'DB_SSL', false);
  const secretTtlMs = integer(env, 'DB_SECRET_TTL_SECONDS', 300, 1, 86_400) * 1000;
  let iamAuth: { region: string } | undefined;
  if (boolean(env, 'DB_IAM_AUTH', false)) {
    // RDS accepts a token only over TLS, and only for 15 minutes after it was made.
    if (!ssl) throw ConfigError.of('DB_SSL', 'must be true with DB_IAM_AUTH (RDS takes IAM tokens over TLS only)');
    if (secretTtlMs > IAM_TOKEN_REUSE_LIMIT_MS) throw ConfigError.of('DB_SECRET_TTL_SECONDS', `must be at most ${IAM_TOKEN_REUSE_LIMIT_MS / 1000} with DB_IAM_AUTH (a token lives 15 minutes)`);
    const region = value(env, 'AWS_REGION');
    if (!region) throw ConfigError.of('AWS_REGION', 'is required with DB_IAM_AUTH (tokens are signed for a region)');
    iamAuth = { region };
  }
  return {
    ssl,
    sslCaFile: sslCaFile ? path.resolve(cwd, sslCaFile) : undefined,
    poolMax: integer(env, 'DB_POOL_MAX', 10, 1, 1000),
    acquireTimeoutMs: integer(env, 'DB_ACQUIRE_TIMEOUT_MS', 3000, 100, 600_000),
    queryTimeoutMs: integer(env, 'DB_QUERY_TIMEOUT_MS', 10_000, 100, 600_000),
    secretTtlMs,
    iamAuth,
    migrationUser: value(env, 'DB_MIGRATION_USER'),
  };
}

/** An IAM token is valid 15 minutes; new connections stop using one well before that. */
const IAM_TOKEN_REUSE_LIMIT_MS = 600_000;

/** An optional URL setting, without trailing slashes; `protocols` lists what it may use. */
function url(env: Env, name: ApiSettingName, protocols: readonly string[] = ['http:', 'https:']): string | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  if (!isHttpUrl(raw, protocols)) throw ConfigError.of(name, `must be an ${protocols.length > 1 ? 'http(s)' : 'http'} URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}

/**
 * QUEUE_URL and IMAGES_BUCKET switch image generation on (the infrastructure sets both on EC2);
 * one without the other is a mistake. The names are those of the enqueue CLI and the worker.
 */
function imageSettings(env: Env): ImageSettings | undefined {
  const queueUrl = url(env, 'QUEUE_URL');
  const bucket = value(env, 'IMAGES_BUCKET');
  const urlTtlSeconds = integer(env, 'IMAGE_URL_TTL_SECONDS', 300, 1, 604_800);
  const sqsEndpoint = url(env, 'SQS_ENDPOINT');
  const s3Endpoint = url(env, 'S3_ENDPOINT');
  if (queueUrl === undefined && bucket === undefined) return undefined;
  if (queueUrl === undefined) throw ConfigError.of('IMAGES_BUCKET', 'is set, so QUEUE_URL must be set too (image generation needs both)');
  if (bucket === undefined) throw ConfigError.of('QUEUE_URL', 'is set, so IMAGES_BUCKET must be set too (image generation needs both)');
  if (!isBucketName(bucket)) {
    throw ConfigError.of('IMAGES_BUCKET', `must be an S3 bucket name, got "${bucket}"`);
  }
  const queueHost = new URL(queueUrl).hostname;
  const region = value(env, 'AWS_REGION') ?? /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(queueHost)?.[1];
  if (!region) throw ConfigError.of('AWS_REGION', 'is required with QUEUE_URL (the region cannot be read from the queue URL)');
  // A queue URL that is not on AWS (LocalStack, ElasticMQ, a test double) is its own endpoint.
  const onAws = /\.amazonaws\.com(\.cn)?$/.test(queueHost);
  return {
    queueUrl,
    bucket,
    region,
    urlTtlSeconds,
    sqsEndpoint: sqsEndpoint ?? (onAws ? undefined : new URL(queueUrl).origin),
    s3Endpoint,
  };
}

/**
 * An issuer or JWKS URL: https, or plain http to this machine outside production (a local test
 * issuer), so tokens are never checked against keys fetched in cleartext on AWS.
 */
function authUrl(env: Env, name: ApiSettingName, production: boolean): string | undefined {
  const raw = url(env, name);
  if (raw === undefined) return undefined;
  const { protocol, hostname } = new URL(raw);
  if (protocol === 'https:') return raw;
  if (production) throw ConfigError.of(name, `must be an https URL when NODE_ENV=production, got "${raw}"`);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) {
    throw ConfigError.of(name, `must be an https URL (plain http only for a local issuer on 127.0.0.1 or localhost), got "${raw}"`);
  }
  return raw;
}

/** AUTH_ISSUER and AUTH_CLIENT_ID switch verification on; with neither, authentication is off, which production refuses. */
function authSettings(env: Env, production: boolean): AuthSettings | undefined {
  const issuer = authUrl(env, 'AUTH_ISSUER', production);
  const clientId = value(env, 'AUTH_CLIENT_ID');
  const jwksUrl = authUrl(env, 'AUTH_JWKS_URL', production);
  if (issuer === undefined) {
    if (production) {
      throw ConfigError.of('AUTH_ISSUER', 'is required when NODE_ENV=production (with AUTH_CLIENT_ID): authentication is never off in production');
    }
    if (clientId !== undefined || jwksUrl !== undefined) {
      throw ConfigError.of('AUTH_ISSUER', `is required with ${clientId !== undefined ? 'AUTH_CLIENT_ID' : 'AUTH_JWKS_URL'} (authentication needs the issuer)`);
    }
    return undefined;
  }
  if (clientId === undefined) throw ConfigError.of('AUTH_CLIENT_ID', 'is required with AUTH_ISSUER (the app client whose tokens are accepted)');
  return { issuer, clientId, jwksUrl: jwksUrl ?? `${issuer}/.well-known/jwks.json` };
}

function basePath(env: Env): string {
  const raw = value(env, 'API_BASE_PATH') ?? API_BASE_PATH;
  if (!/^(\/[A-Za-z0-9._-]+)+$/.test(raw)) throw ConfigError.of('API_BASE_PATH', `must be a path like /api (no trailing slash), got "${raw}"`);
  return raw;
}

/** Reads and validates the whole configuration; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): ApiConfig {
  const logLevel = (value(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw ConfigError.of('LOG_LEVEL', `must be debug, info, warn or error, got "${logLevel}"`);
  }
  const logFile = value(env, 'LOG_FILE');
  const keepAliveTimeoutMs = integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 65_000, 1000, 3_600_000);
  const production = env.NODE_ENV === 'production';
  const siteDir = value(env, 'SITE_DIR');
  return {
    production,
    auth: authSettings(env, production),
    apiBasePath: basePath(env),
    siteDir: siteDir ? path.resolve(cwd, siteDir) : undefined,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: value(env, 'HOST') ?? '127.0.0.1',
    // On AWS one worker per CPU; locally one process, as `npm run api` always ran.
    workers: integer(env, 'API_WORKERS', env.NODE_ENV === 'production' ? Math.min(os.availableParallelism(), 64) : 1, 1, 64),
    database: databaseSettings(env, cwd),
    migrateAtStart: boolean(env, 'DB_MIGRATE_AT_START', true),
    connectRetryMs: integer(env, 'DB_CONNECT_RETRY_SECONDS', 60, 0, 3600) * 1000,
    logFile: logFile ? path.resolve(cwd, logFile) : undefined,
    logLevel: logLevel as LogLevel,
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 16 * 1024, 64, 10 * 1024 * 1024),
    idempotencyTtlMs: integer(env, 'IDEMPOTENCY_TTL_SECONDS', 86_400, 1, 30 * 86_400) * 1000,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    keepAliveTimeoutMs,
    imdsEndpoint: url(env, 'IMDS_ENDPOINT', ['http:']) ?? 'http://169.254.169.254',
    imdsTimeoutMs: integer(env, 'IMDS_TIMEOUT_MS', 300, 10, 60_000),
    images: imageSettings(env),
  };
}

/** What is safe to log about the configuration (never a password). */
export function describeDatabase(settings: DatabaseSettings): Record<string, unknown> {
  if (settings.kind === 'sqlite') return { kind: 'sqlite', file: settings.file };
  return {
    kind: 'mysql',
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    passwordFrom: settings.secretArn ? 'secret' : 'setting',
    ssl: settings.ssl,
    sslCa: settings.ssl ? (settings.sslCaFile ?? 'Amazon RDS') : undefined,
    poolMax: settings.poolMax,
  };
}
