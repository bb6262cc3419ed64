/**
 * Tasks and images belong to the user who made them (the token's `sub`), on each real database:
 * another user's task is a 404 for every route, as if it did not exist, and nothing of it changes.
 */
import { imageKeyFor, parseImageMessage, promptLimitFor } from '../../api/contract/image-message';
import { ownerKey } from '../../api/contract/owner';
import { jwtAuthenticator } from '../../api/src/auth/authenticator';
import { loadConfig } from '../../api/src/config/config';
import { AwsImageJobs, createAwsImageJobs } from '../../api/src/images/aws-image-jobs';
import { processBatch } from '../../api/worker/processor';
import { captureLines, depsFor, LocalServers, record, sqsEvent, startLocalServers } from '../../scripts/support/env';
import { TestIssuer } from '../support/test-issuer';
import { FakeSqs, startFakeSqs } from '../worker/support/fake-sqs';
import { request, RunningApi, startApi } from './support/api-harness';
import { BACKENDS, TestDatabase } from './support/databases';

const CLIENT_ID = 'test-client';
let issuer: TestIssuer;
let sqs: FakeSqs;
let servers: LocalServers;
let jobs: AwsImageJobs;
/** Alice and Bob, each signed in with a Cognito-shaped access token. */
let alice: Record<string, string>;
let bob: Record<string, string>;

beforeAll(async () => {
  [issuer, sqs, servers] = await Promise.all([TestIssuer.start({ clientId: CLIENT_ID }), startFakeSqs(), startLocalServers()]);
  const settings = loadConfig({ QUEUE_URL: `${sqs.endpoint}/000000000000/images`, IMAGES_BUCKET: servers.s3.bucket, AWS_REGION: 'us-east-1', S3_ENDPOINT: servers.s3.endpoint }).images;
  jobs = createAwsImageJobs(settings!);
  alice = { authorization: `Bearer ${await issuer.sign(issuer.accessClaims('alice-sub'))}` };
  bob = { authorization: `Bearer ${await issuer.sign(issuer.idClaims('bob-sub'))}` };
});
afterAll(async () => {
  jobs?.destroy();
  await Promise.all([issuer?.close(), sqs?.close(), servers?.close()]);
});

describe.each(BACKENDS.map((backend) => [backend.name, backend] as const))('ownership on %s', (_name, backend) => {
  let db: TestDatabase;
  let api: RunningApi;

  const send = (user: Record<string, string>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(api.url, method, path, {
      headers: { ...user, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const create = async (user: Record<string, string>, title: string, status = 'To Do'): Promise<number> => {
    const res = await send(user, 'POST', '/tasks', { title, status });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };

  beforeAll(async () => {
    db = await backend.create('ownership');
    api = await startApi(db.knex, { auth: jwtAuthenticator({ issuer: issuer.url, clientId: CLIENT_ID, jwksUrl: `${issuer.url}/.well-known/jwks.json` }), images: jobs });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });
  beforeEach(async () => {
    await db.knex('tasks').del();
    sqs.sent.length = 0;
  });

  it("stores the token's sub as the owner of a created task", async () => {
    const id = await create(alice, 'Mine');
    expect(await db.knex('tasks').where('id', id).first('owner')).toEqual({ owner: 'alice-sub' });
  });

  it("lists only the caller's own tasks", async () => {
    await create(alice, 'Alice 1');
    await create(bob, 'Bob 1');
    await create(alice, 'Alice 2');
    const titles = async (user: Record<string, string>) => (await send(user, 'GET', '/tasks')).body.tasks.map((t: { title: string }) => t.title);
    expect(await titles(alice)).toEqual(['Alice 1', 'Alice 2']);
    expect(await titles(bob)).toEqual(['Bob 1']);
  });

  it("pages and filters within the caller's tasks: another user's rows never fill or end a page", async () => {
    for (let i = 1; i <= 5; i++) {
      await create(alice, `A${i}`, i % 2 ? 'Done' : 'To Do');
      await create(bob, `B${i}`, 'Done');
    }
    const first = await send(alice, 'GET', '/tasks?limit=2');
    const second = await send(alice, 'GET', `/tasks?limit=2&cursor=${first.body.nextCursor}`);
    const third = await send(alice, 'GET', `/tasks?limit=2&cursor=${second.body.nextCursor}`);
    expect([first, second, third].map((page) => page.body.tasks.map((t: { title: string }) => t.title))).toEqual([['A1', 'A2'], ['A3', 'A4'], ['A5']]);
    expect(third.body.nextCursor).toBeNull();
    const done = await send(alice, 'GET', '/tasks?status=Done');
    expect(done.body.tasks.map((t: { title: string }) => t.title)).toEqual(['A1', 'A3', 'A5']);
  });

  it("another user's task is 404 for read, change and delete, exactly like a missing one, and stays as it was", async () => {
    const id = await create(alice, 'Private');
    const before = (await send(alice, 'GET', `/tasks/${id}`)).body;
    const attempts = [
      await send(bob, 'GET', `/tasks/${id}`),
      await send(bob, 'PATCH', `/tasks/${id}`, { status: 'Done', title: 'Taken over' }),
      await send(bob, 'DELETE', `/tasks/${id}`),
    ];
    const missing = await send(bob, 'GET', '/tasks/4000000000');
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe(missing.body.error.code);
    }
    expect((await send(alice, 'GET', `/tasks/${id}`)).body).toEqual(before);
  });

  it('the same Idempotency-Key from two users makes two tasks, each replayed only to its own user', async () => {
    const key = { 'idempotency-key': 'same-key' };
    const a = await send(alice, 'POST', '/tasks', { title: 'Same request' }, key);
    const b = await send(bob, 'POST', '/tasks', { title: 'Same request' }, key);
    const aAgain = await send(alice, 'POST', '/tasks', { title: 'Same request' }, key);
    expect([a.status, b.status, aAgain.status]).toEqual([201, 201, 201]);
    expect(b.body.id).not.toBe(a.body.id);
    expect(aAgain.body).toEqual(a.body);
    expect(aAgain.headers['idempotent-replayed']).toBe('true');
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it("image jobs carry the owner, the image is stored under the owner's prefix, and only the owner gets it", async () => {
    const id = await create(alice, 'A lighthouse');
    expect((await send(bob, 'POST', `/tasks/${id}/image`)).status).toBe(404);
    expect(sqs.sent).toHaveLength(0);

    const queued = await send(alice, 'POST', `/tasks/${id}/image`);
    expect(queued.status).toBe(202);
    const message = parseImageMessage(sqs.sent[0].body, promptLimitFor());
    expect(message).toMatchObject({ taskId: id, owner: 'alice-sub' });
    expect(queued.body.key).toBe(`images/owners/${ownerKey('alice-sub')}/tasks/${id}.png`);

    // The real worker writes where the message says.
    const result = await processBatch(sqsEvent(record(sqs.sent[0].body, sqs.sent[0].messageId)), depsFor(servers, captureLines()));
    expect(result.batchItemFailures).toEqual([]);
    expect(imageKeyFor(message)).toBe(queued.body.key);

    const json = { accept: 'application/json' };
    expect((await send(alice, 'GET', `/tasks/${id}/image`, undefined, json)).body.key).toBe(queued.body.key);
    const stolen = await send(bob, 'GET', `/tasks/${id}/image`, undefined, json);
    expect([stolen.status, stolen.body.error.code]).toEqual([404, 'not_found']);
  });
});
