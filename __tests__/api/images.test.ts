/**
 * `POST /tasks/:id/image` and `GET /tasks/:id/image` over real HTTP, with the production SQS and
 * S3 clients (built from the real configuration) pointed at local protocol servers on 127.0.0.1:
 * the SQS double from the worker tests (AWS JSON 1.0, verifies nothing but records every
 * SendMessage), s3rver, and the fake Bedrock so that the real worker can turn the queued message
 * into the image the API then links to.
 */
import * as http from 'http';
import { parseImageMessage, promptLimitFor, taskImageKey } from '../../api/contract/image-message';
import { LOCAL_OWNER, ownerKey } from '../../api/contract/owner';
import { loadConfig } from '../../api/src/config/config';
import { AwsImageJobs, createAwsImageJobs } from '../../api/src/images/aws-image-jobs';
import { processBatch } from '../../api/worker/processor';
import { close, listen } from '../../scripts/support/http';
import { captureLines, depsFor, LocalServers, objectExists, record, sqsEvent, startLocalServers, useFakeCredentials } from '../../scripts/support/env';
import { FakeSqs, startFakeSqs } from '../worker/support/fake-sqs';
import { postJson, request, RunningApi, startApi } from './support/api-harness';
import { sqliteBackend, TestDatabase } from './support/databases';

const QUEUE_PATH = '/000000000000/taskmanager-test-images';
const LIMIT = promptLimitFor();
/** With authentication off every request is the local user, whose images live under its own prefix. */
const OWNER_PREFIX = `images/owners/${ownerKey(LOCAL_OWNER)}`;

let db: TestDatabase;
let sqs: FakeSqs;
let servers: LocalServers;
let jobs: AwsImageJobs;
let api: RunningApi;

/** The image settings exactly as the server would read them from its environment. */
function imageEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    QUEUE_URL: `${sqs.endpoint}${QUEUE_PATH}`,
    IMAGES_BUCKET: servers.s3.bucket,
    AWS_REGION: 'us-east-1',
    S3_ENDPOINT: servers.s3.endpoint,
    IMAGE_URL_TTL_SECONDS: '120',
    ...overrides,
  };
}

function jobsFor(env: Record<string, string>): AwsImageJobs {
  const settings = loadConfig(env).images;
  if (!settings) throw new Error('image settings expected');
  return createAwsImageJobs(settings);
}

/** A local server that answers every request with one status (an AWS-shaped JSON error) and counts them. */
async function startFailingServer(status: number): Promise<{ endpoint: string; requests: () => number; close(): Promise<void> }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    req.resume();
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fail' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'failing on purpose' }));
  });
  const endpoint = await listen(server);
  return { endpoint, requests: () => count, close: () => close(server) };
}

async function createTask(target: RunningApi, title: string): Promise<number> {
  const res = await postJson(target.url, '/tasks', { title });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

function postImage(target: RunningApi, id: number | string, body?: unknown, headers: Record<string, string> = {}) {
  if (body === undefined) return request(target.url, 'POST', `/tasks/${id}/image`, { headers });
  return request(target.url, 'POST', `/tasks/${id}/image`, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

beforeAll(async () => {
  useFakeCredentials();
  [db, sqs, servers] = await Promise.all([sqliteBackend.create('images'), startFakeSqs(), startLocalServers()]);
  jobs = jobsFor(imageEnv());
  api = await startApi(db.knex, { images: jobs });
});
afterAll(async () => {
  jobs?.destroy();
  await api?.close();
  await Promise.all([sqs?.close(), servers?.close(), db?.cleanup()]);
});
beforeEach(() => {
  sqs.sent.length = 0;
});

describe('POST /tasks/:id/image', () => {
  it('queues one message { taskId, prompt: the title, requestId: the request id, owner } and answers 202 with the key under the owner', async () => {
    const id = await createTask(api, 'Bake a croissant');
    const res = await postImage(api, id, undefined, { 'x-request-id': 'req-42.a' });

    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/tasks/${id}/image`);
    expect(sqs.sent).toHaveLength(1);
    const sent = sqs.sent[0];
    expect(sent.target).toBe('AmazonSQS.SendMessage');
    expect(sent.queueUrl).toBe(`${sqs.endpoint}${QUEUE_PATH}`);
    expect(sent.authorization).toMatch(/Credential=S3RVER\/\d{8}\/us-east-1\/sqs\/aws4_request/);
    expect(JSON.parse(sent.body)).toEqual({ taskId: id, prompt: 'Bake a croissant', requestId: 'req-42.a', owner: LOCAL_OWNER });
    expect(res.body).toEqual({
      taskId: id,
      key: `${OWNER_PREFIX}/tasks/${id}.png`,
      status: 'queued',
      prompt: 'Bake a croissant',
      requestId: 'req-42.a',
      messageId: sent.messageId,
    });
    // The worker's own parser accepts the body and derives the same key from it.
    const parsed = parseImageMessage(sent.body, LIMIT);
    expect(taskImageKey(parsed.taskId as number, parsed.owner)).toBe(res.body.key);
    expect(api.logs().find((l) => l.msg === 'image queued')).toMatchObject({ taskId: id, key: res.body.key, messageId: sent.messageId });
  });

  it('sends a custom prompt (trimmed), and an API request id the contract does not allow is replaced by a UUID', async () => {
    const id = await createTask(api, 'Breakfast');
    // `_x` is a valid API request id but cannot start an S3-key-safe contract id.
    const res = await postImage(api, id, { prompt: '  A croissant on a blue plate  ' }, { 'x-request-id': '_x' });
    expect(res.status).toBe(202);
    expect(res.headers['x-request-id']).toBe('_x');
    expect(sqs.sent).toHaveLength(1);
    const body = JSON.parse(sqs.sent[0].body);
    expect(body).toEqual({ taskId: id, prompt: 'A croissant on a blue plate', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), owner: LOCAL_OWNER });
    expect(res.body).toMatchObject({ prompt: 'A croissant on a blue plate', requestId: body.requestId, key: `${OWNER_PREFIX}/tasks/${id}.png` });
  });

  it('with an Idempotency-Key, a retry answers the first 202 and queues nothing more', async () => {
    const id = await createTask(api, 'Once only');
    const first = await postImage(api, id, { prompt: 'A lighthouse' }, { 'idempotency-key': 'img-1' });
    const retry = await postImage(api, id, { prompt: 'A lighthouse' }, { 'idempotency-key': 'img-1' });
    const other = await postImage(api, id, { prompt: 'A windmill' }, { 'idempotency-key': 'img-1' });

    expect([first.status, retry.status, other.status]).toEqual([202, 202, 422]);
    expect(retry.body).toEqual(first.body);
    expect(sqs.sent).toHaveLength(1);
  });

  it('accepts a prompt of exactly the model limit in characters (code points), and {} means the default prompt', async () => {
    const id = await createTask(api, 'Limits');
    const atLimit = '🥐'.repeat(LIMIT); // LIMIT characters, 2 × LIMIT UTF-16 units
    expect((await postImage(api, id, { prompt: atLimit })).status).toBe(202);
    expect((await postImage(api, id, {})).status).toBe(202);
    expect(sqs.sent.map((m) => JSON.parse(m.body).prompt)).toEqual([atLimit, 'Limits']);
  });

  it.each([
    ['a number', { prompt: 42 }, 'prompt', 'must be a string when given'],
    ['null', { prompt: null }, 'prompt', 'must be a string when given'],
    ['empty', { prompt: '' }, 'prompt', 'must not be empty'],
    ['blank', { prompt: ' \n ' }, 'prompt', 'must not be empty'],
    ['over the limit', { prompt: 'x'.repeat(LIMIT + 1) }, 'prompt', `is ${LIMIT + 1} characters, over the model's limit of ${LIMIT}`],
    ['an unknown field', { prompt: 'ok', colour: 'red' }, 'colour', 'is not a known field'],
    ['__proto__', JSON.parse('{"__proto__": {"polluted": true}}'), '__proto__', 'is not a known field'],
    ['an array', ['prompt'], '(body)', 'must be a JSON object'],
    ['a lone surrogate', '{"prompt":"\\ud800 croissant"}', 'prompt', 'must be valid Unicode text'],
  ])('400 validation_failed for a prompt that is %s, nothing sent', async (_what, body, field, problem) => {
    const id = await createTask(api, 'Validate me');
    const res = await postImage(api, id, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'validation_failed', message: expect.any(String), details: [{ field, problem }] },
    });
    expect(sqs.sent).toHaveLength(0);
  });

  it('400 for a malformed body, 415 for a non-JSON body, 400 invalid_id for a non-numeric id; nothing sent', async () => {
    const id = await createTask(api, 'Bad requests');
    const malformed = await postImage(api, id, '{"prompt": ');
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'malformed_json']);
    const text = await request(api.url, 'POST', `/tasks/${id}/image`, { body: 'a croissant', headers: { 'content-type': 'text/plain' } });
    expect([text.status, text.body.error.code]).toEqual([415, 'unsupported_media_type']);
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) {
      const res = await postImage(api, bad, { prompt: 'x' });
      expect([bad, res.status, res.body.error.code]).toEqual([bad, 400, 'invalid_id']);
    }
    expect(sqs.sent).toHaveLength(0);
  });

  it('404 for an unknown task, nothing sent', async () => {
    const res = await postImage(api, 987654, { prompt: 'A croissant' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await postImage(api, 987654)).status).toBe(404);
    expect(sqs.sent).toHaveLength(0);
  });

  it('503 image_service_unavailable when the queue answers 500 (after the SDK retries) or is not listening; never a 500', async () => {
    const failing = await startFailingServer(500);
    const closedQueue = await startFakeSqs();
    await closedQueue.close();
    const failingJobs = jobsFor(imageEnv({ QUEUE_URL: `${failing.endpoint}${QUEUE_PATH}` }));
    const closedJobs = jobsFor(imageEnv({ QUEUE_URL: `${closedQueue.endpoint}${QUEUE_PATH}` }));
    const apis = [await startApi(db.knex, { images: failingJobs }), await startApi(db.knex, { images: closedJobs })];
    try {
      for (const target of apis) {
        const id = await createTask(target, 'Queue down');
        const res = await postImage(target, id, { prompt: 'A croissant' });
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.body.error).toEqual({ code: 'image_service_unavailable', message: expect.stringContaining('queue') });
        expect(target.logs().find((l) => l.msg === 'image backend unavailable')).toMatchObject({ backend: 'sqs' });
        // The API still works.
        expect((await request(target.url, 'GET', `/tasks/${id}`)).status).toBe(200);
      }
      expect(failing.requests()).toBe(3); // the SDK's attempts, then the 503
      expect(sqs.sent).toHaveLength(0);
    } finally {
      failingJobs.destroy();
      closedJobs.destroy();
      await Promise.all([...apis.map((a) => a.close()), failing.close()]);
    }
  });
});

describe('GET /tasks/:id/image', () => {
  it('404 image_not_ready until the worker has written the image, then 303 to a presigned URL serving the PNG', async () => {
    const id = await createTask(api, 'A lighthouse at dusk');
    const pending = await request(api.url, 'GET', `/tasks/${id}/image`);
    expect(pending.status).toBe(404);
    expect(pending.body.error).toEqual({ code: 'image_not_ready', message: expect.stringContaining(`POST /tasks/${id}/image`) });

    const queued = await postImage(api, id);
    expect(queued.status).toBe(202);
    expect(await objectExists(servers.s3Client, servers.s3.bucket, queued.body.key)).toBe(false);
    expect((await request(api.url, 'GET', `/tasks/${id}/image`)).status).toBe(404);

    // The real worker processes exactly the message the API sent and writes where the API said.
    const out = captureLines();
    const result = await processBatch(sqsEvent(record(sqs.sent[0].body, sqs.sent[0].messageId)), depsFor(servers, out));
    expect(result.batchItemFailures).toEqual([]);
    expect(servers.bedrock.calls.at(-1)?.body.textToImageParams.text).toBe('A lighthouse at dusk');
    expect(await objectExists(servers.s3Client, servers.s3.bucket, queued.body.key)).toBe(true);

    const ready = await request(api.url, 'GET', `/tasks/${id}/image`);
    expect(ready.status).toBe(303);
    expect(ready.headers['cache-control']).toBe('no-store');
    const location = new URL(ready.headers.location as string);
    expect(location.origin).toBe(servers.s3.endpoint);
    expect(location.pathname).toBe(`/${servers.s3.bucket}/${OWNER_PREFIX}/tasks/${id}.png`);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(location.searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request$/);
    expect(ready.body).toEqual({ taskId: id, key: `${OWNER_PREFIX}/tasks/${id}.png`, url: location.href, expiresInSeconds: 120 });

    // A client asking for JSON (the web page: a cross-origin redirect is unreadable to it) gets the link as a 200.
    const asJson = await request(api.url, 'GET', `/tasks/${id}/image`, { headers: { accept: 'application/json' } });
    expect([asJson.status, asJson.headers.location, asJson.headers['cache-control']]).toEqual([200, undefined, 'no-store']);
    expect(asJson.body).toMatchObject({ taskId: id, key: ready.body.key, expiresInSeconds: 120 });

    // Following the redirect from a plain HTTP client (no credentials) gets the PNG bytes.
    const image = await fetch(location);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(servers.bedrock.png)).toBe(true);
    // Signed now, valid for the TTL: the same link dated 121 s earlier is refused as expired.
    // (s3rver checks expiry but not SigV4 signatures; signing is the SDK presigner's job.)
    const signedAt = Date.parse(location.searchParams.get('X-Amz-Date')!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(Math.abs(Date.now() - signedAt)).toBeLessThan(10_000);
    const expired = new URL(location);
    expired.searchParams.set('X-Amz-Date', new Date(signedAt - 121_000).toISOString().replace(/[-:]|\.\d{3}/g, ''));
    expect((await fetch(expired)).status).toBe(403);
  });

  it('404 not_found for an unknown task, 400 invalid_id for a non-numeric one', async () => {
    const unknown = await request(api.url, 'GET', '/tasks/987654/image');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const bad = await request(api.url, 'GET', '/tasks/abc/image');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_id']);
  });

  it('HeadObject 403 (no s3:ListBucket on AWS) means not ready; other S3 failures are a 503', async () => {
    const forbidden = await startFailingServer(403);
    const broken = await startFailingServer(500);
    const forbiddenJobs = jobsFor(imageEnv({ S3_ENDPOINT: forbidden.endpoint }));
    const brokenJobs = jobsFor(imageEnv({ S3_ENDPOINT: broken.endpoint }));
    const forbiddenApi = await startApi(db.knex, { images: forbiddenJobs });
    const brokenApi = await startApi(db.knex, { images: brokenJobs });
    try {
      const id = await createTask(api, 'S3 trouble');
      const notReady = await request(forbiddenApi.url, 'GET', `/tasks/${id}/image`);
      expect([notReady.status, notReady.body.error.code]).toEqual([404, 'image_not_ready']);
      expect(forbidden.requests()).toBe(1);

      const down = await request(brokenApi.url, 'GET', `/tasks/${id}/image`);
      expect(down.status).toBe(503);
      expect(down.body.error).toEqual({ code: 'image_service_unavailable', message: expect.stringContaining('image store') });
      expect(brokenApi.logs().find((l) => l.msg === 'image backend unavailable')).toMatchObject({ backend: 's3' });
    } finally {
      forbiddenJobs.destroy();
      brokenJobs.destroy();
      await Promise.all([forbiddenApi.close(), brokenApi.close(), forbidden.close(), broken.close()]);
    }
  });
});

describe('without QUEUE_URL and IMAGES_BUCKET (local SQLite mode)', () => {
  it('the configuration has no image settings and both endpoints answer 503 image_generation_not_configured', async () => {
    expect(loadConfig({}).images).toBeUndefined();
    const local = await startApi(db.knex);
    try {
      const id = await createTask(local, 'No images here');
      for (const res of [await postImage(local, id, { prompt: 'A croissant' }), await request(local.url, 'GET', `/tasks/${id}/image`)]) {
        expect(res.status).toBe(503);
        expect(res.body.error).toEqual({
          code: 'image_generation_not_configured',
          message: expect.stringMatching(/not configured.*QUEUE_URL and IMAGES_BUCKET/),
        });
      }
      expect(sqs.sent).toHaveLength(0);
    } finally {
      await local.close();
    }
  });
});

describe('image configuration', () => {
  it('on AWS: region from AWS_REGION, else from the queue URL; no endpoint override; TTL default 300 s', () => {
    const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/taskmanager-prod-images';
    expect(loadConfig({ QUEUE_URL: queueUrl, IMAGES_BUCKET: 'tm-prod-static' }).images).toEqual({
      queueUrl,
      bucket: 'tm-prod-static',
      region: 'eu-west-1',
      urlTtlSeconds: 300,
      sqsEndpoint: undefined,
      s3Endpoint: undefined,
    });
    expect(loadConfig({ QUEUE_URL: queueUrl, IMAGES_BUCKET: 'tm-prod-static', AWS_REGION: 'us-east-2' }).images?.region).toBe('us-east-2');
  });

  it('a queue URL off AWS is its own endpoint; SQS_ENDPOINT and S3_ENDPOINT override', () => {
    const local = { QUEUE_URL: 'http://127.0.0.1:9324/000000000000/q', IMAGES_BUCKET: 'images-test', AWS_REGION: 'us-east-1' };
    expect(loadConfig(local).images).toMatchObject({ sqsEndpoint: 'http://127.0.0.1:9324', s3Endpoint: undefined });
    expect(loadConfig({ ...local, SQS_ENDPOINT: 'http://127.0.0.1:1/', S3_ENDPOINT: 'http://127.0.0.1:2' }).images).toMatchObject({
      sqsEndpoint: 'http://127.0.0.1:1',
      s3Endpoint: 'http://127.0.0.1:2',
    });
  });

  it.each([
    [{ QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q' }, /^Invalid configuration: QUEUE_URL: is set, so IMAGES_BUCKET/],
    [{ IMAGES_BUCKET: 'bucket' }, /^Invalid configuration: IMAGES_BUCKET: is set, so QUEUE_URL/],
    [{ QUEUE_URL: 'not a url', IMAGES_BUCKET: 'bucket' }, /^Invalid configuration: QUEUE_URL: /],
    [{ QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/1/q', IMAGES_BUCKET: 'Not_A_Bucket' }, /^Invalid configuration: IMAGES_BUCKET: /],
    [{ QUEUE_URL: 'http://127.0.0.1:9324/1/q', IMAGES_BUCKET: 'bucket' }, /^Invalid configuration: AWS_REGION: /],
    [{ IMAGE_URL_TTL_SECONDS: '0' }, /^Invalid configuration: IMAGE_URL_TTL_SECONDS: /],
    [{ IMAGE_URL_TTL_SECONDS: '604801' }, /^Invalid configuration: IMAGE_URL_TTL_SECONDS: /],
    [{ SQS_ENDPOINT: 'ftp://x' }, /^Invalid configuration: SQS_ENDPOINT: /],
    [{ S3_ENDPOINT: 'nope' }, /^Invalid configuration: S3_ENDPOINT: /],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
