/** Everything a test needs: s3rver, the fake Bedrock, worker deps pointed at them, captured logs. */
import { HeadObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createWorkerDeps } from '../../api/worker/clients';
import { loadWorkerConfig } from '../../api/worker/config';
import type { WorkerDeps } from '../../api/worker/processor';
import type { SqsEvent, SqsRecord } from '../../api/worker/sqs-types';
import { FakeBedrock, startFakeBedrock } from './fake-bedrock';
import { FakeS3, startFakeS3 } from './fake-s3';

/** s3rver checks SigV4 signatures against these (its built-in test account). */
export const FAKE_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** The SDK default credential chain finds these first: no IMDS, no profile, no network. */
export function useFakeCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

export interface LocalServers {
  readonly s3: FakeS3;
  readonly bedrock: FakeBedrock;
  /** An S3 client for the test's own assertions. */
  readonly s3Client: S3Client;
  env(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalServers(): Promise<LocalServers> {
  useFakeCredentials();
  const [s3, bedrock] = await Promise.all([startFakeS3(), startFakeBedrock()]);
  const s3Client = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: FAKE_CREDENTIALS,
  });
  return {
    s3,
    bedrock,
    s3Client,
    env: (overrides = {}) => ({
      IMAGES_BUCKET: s3.bucket,
      AWS_REGION: 'us-east-1',
      S3_ENDPOINT: s3.endpoint,
      BEDROCK_ENDPOINT: bedrock.endpoint,
      ...overrides,
    }),
    close: async () => {
      s3Client.destroy();
      await Promise.all([s3.close(), bedrock.close()]);
    },
  };
}

export interface CapturedLines {
  readonly lines: string[];
  readonly json: () => Record<string, unknown>[];
  readonly write: (line: string) => void;
}

export function captureLines(): CapturedLines {
  const lines: string[] = [];
  return {
    lines,
    json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    write: (line) => lines.push(line),
  };
}

export function depsFor(servers: LocalServers, out: CapturedLines, env: Record<string, string> = {}): WorkerDeps {
  return createWorkerDeps(loadWorkerConfig(servers.env(env)), { write: out.write });
}

let counter = 0;
export function record(body: unknown, messageId = `msg-${++counter}`): SqsRecord {
  return {
    messageId,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1' },
  };
}

export function sqsEvent(...records: SqsRecord[]): SqsEvent {
  return { Records: records };
}

export async function getObject(client: S3Client, bucket: string, key: string) {
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = Buffer.from(await object.Body!.transformToByteArray());
  return { head, body };
}

export async function objectExists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
