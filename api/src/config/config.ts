import * as os from 'os';
import * as path from 'path';
import { ApiSettingName } from '../../contract/api-settings';
import { ConfigError } from '../../contract/config-error';
import { isBucketName, isHttpUrl } from '../../contract/validators';

export { ConfigError } from '../../contract/config-error';
export { API_SETTINGS as SETTINGS } from '../../contract/api-settings';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** MySQL connection settings; the password may come from a Secrets Manager secret instead. */
export interface MysqlSettings {
  readonly kind: 'mysql';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  readonly secretArn?: string;
  readonly secretRegion?: string;
  readonly secretTtlMs: number;
  readonly ssl: boolean;
  /** PEM file of the certificate authorities to trust with `ssl`; unset means the Amazon RDS CAs. */
  readonly sslCaFile?: string;
  readonly poolMax: number;
  readonly acquireTimeoutMs: number;
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

export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  /** HTTP worker processes; 1 serves in the process itself. */
  readonly workers: number;
  readonly database: DatabaseSettings;
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

function mysqlFromUrl(env: Env, raw: string): Omit<MysqlSettings, 'ssl' | 'sslCaFile' | 'poolMax' | 'acquireTimeoutMs' | 'secretTtlMs'> {
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
  const sslCaFile = value(env, 'DB_SSL_CA_FILE');
  const common = {
    ssl: boolean(env, 'DB_SSL', false),
    sslCaFile: sslCaFile ? path.resolve(cwd, sslCaFile) : undefined,
    poolMax: integer(env, 'DB_POOL_MAX', 10, 1, 1000),
    acquireTimeoutMs: integer(env, 'DB_ACQUIRE_TIMEOUT_MS', 3000, 100, 600_000),
    secretTtlMs: integer(env, 'DB_SECRET_TTL_SECONDS', 300, 1, 86_400) * 1000,
  };
  if (url) return { ...mysqlFromUrl(env, url), ...common };
  const secretArn = value(env, 'DB_SECRET_ARN');
  const password = value(env, 'DB_PASSWORD');
  if (!secretArn && password === undefined) {
    throw ConfigError.of('DB_HOST', 'is set, so DB_SECRET_ARN or DB_PASSWORD must be set too');
  }
  return {
    kind: 'mysql',
    host: host as string,
    port: integer(env, 'DB_PORT', 3306, 1, 65535),
    database: value(env, 'DB_NAME') ?? 'taskmanager',
    user: value(env, 'DB_USER') ?? 'admin',
    password,
    secretArn,
    secretRegion: secretArn ? (value(env, 'AWS_REGION') ?? regionOfSecretArn(secretArn)) : undefined,
    ...common,
  };
}

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

/** Reads and validates the whole configuration; throws ConfigError naming the bad variable. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): ApiConfig {
  const logLevel = (value(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw ConfigError.of('LOG_LEVEL', `must be debug, info, warn or error, got "${logLevel}"`);
  }
  const logFile = value(env, 'LOG_FILE');
  const keepAliveTimeoutMs = integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 65_000, 1000, 3_600_000);
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: value(env, 'HOST') ?? '127.0.0.1',
    // On AWS one worker per CPU; locally one process, as `npm run api` always ran.
    workers: integer(env, 'API_WORKERS', env.NODE_ENV === 'production' ? Math.min(os.availableParallelism(), 64) : 1, 1, 64),
    database: databaseSettings(env, cwd),
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
