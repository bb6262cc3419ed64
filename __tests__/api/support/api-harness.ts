import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Knex } from 'knex';
import { createApp } from '../../../api/src/app';
import { Authenticator, localUser } from '../../../api/src/auth/authenticator';
import type { Clock, DatabaseHealth } from '../../../api/src/deps';
import { pingDatabase } from '../../../api/src/db/database';
import { schemaStatus } from '../../../api/src/db/schema-status';
import type { ImageJobs } from '../../../api/src/images/image-jobs';
import { ImdsInstanceLookup, InstanceLookup } from '../../../api/src/instance/imds';
import { JsonLogger } from '../../../api/src/observability/logger';
import { PrometheusMetrics } from '../../../api/src/observability/metrics';
import { KnexTaskRepository } from '../../../api/src/tasks/task-repository';
import { KnexIdempotencyStore } from '../../../api/src/idempotency/idempotency';

export interface RunningApi {
  readonly url: string;
  readonly server: http.Server;
  /** Every log line so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface ApiOptions {
  /** Who is calling (default: authentication off, every request the local user). */
  readonly auth?: Authenticator;
  /** A built site folder to serve at `/` (SITE_DIR). */
  readonly siteDir?: string;
  readonly clock?: Clock;
  readonly instance?: InstanceLookup;
  readonly database?: DatabaseHealth;
  readonly bodyLimitBytes?: number;
  /** Image jobs (e.g. real SQS/S3 clients pointed at local servers); absent = not configured. */
  readonly images?: ImageJobs;
  /** How long an Idempotency-Key is remembered (default one day). */
  readonly idempotencyTtlMs?: number;
  /** Address to listen on (default 127.0.0.1; the url always names 127.0.0.1). */
  readonly host?: string;
}

/** A clock that moves one second per call, so timestamps in tests are distinct and predictable. */
export function steppingClock(start = Date.UTC(2030, 0, 1)): Clock & { readonly calls: () => number } {
  let calls = 0;
  return { now: () => new Date(start + 1000 * calls++), calls: () => calls };
}

/** The real app over real HTTP on a free port, with logs captured in memory. */
export async function startApi(knex: Knex, options: ApiOptions = {}): Promise<RunningApi> {
  const lines: string[] = [];
  const logger = new JsonLogger({ level: 'debug', sinks: [{ write: (text) => lines.push(...text.trimEnd().split('\n')) }] });
  const app = createApp({
    auth: options.auth ?? localUser,
    apiBasePath: '/api',
    siteDir: options.siteDir,
    tasks: new KnexTaskRepository(knex),
    idempotency: new KnexIdempotencyStore(knex, options.idempotencyTtlMs ?? 86_400_000),
    database: options.database ?? { ping: () => pingDatabase(knex, 1000), pendingMigrations: schemaStatus(knex) },
    logger,
    metrics: new PrometheusMetrics(),
    clock: options.clock ?? steppingClock(),
    // Never the real metadata address in tests: a closed local port answers "not EC2" at once.
    instance: options.instance ?? new ImdsInstanceLookup({ endpoint: 'http://127.0.0.1:9', timeoutMs: 200 }),
    lifecycle: { isShuttingDown: () => false },
    bodyLimitBytes: options.bodyLimitBytes ?? 16 * 1024,
    images: options.images,
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    logs() {
      logger.flushSync();
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  /** Parsed JSON body (undefined when empty). */
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A request with full control over method, headers and body bytes (fetch would fix up
 * Content-Type and Content-Length for us, which is exactly what some tests must not have).
 */
export function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string>; chunked?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.body !== undefined && !options.chunked && headers['content-length'] === undefined) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        if (text && /json/.test(String(res.headers['content-type']))) body = JSON.parse(text);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', reject);
    });
    // The server may answer (413) and close before the whole body is sent: the answer still counts.
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        const data = Buffer.from(options.body);
        for (let i = 0; i < data.length; i += 4096) req.write(data.subarray(i, i + 4096));
      } else req.write(options.body);
    }
    req.end();
  });
}

export function postJson(baseUrl: string, path: string, value: unknown, method = 'POST'): Promise<RawResponse> {
  return request(baseUrl, method, path, { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
}
