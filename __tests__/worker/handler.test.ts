/**
 * The worker against real protocol servers on 127.0.0.1: s3rver for S3 and a local Bedrock
 * Runtime answering InvokeModel. The AWS SDK clients are the production ones, pointed there.
 */
import { PROMPT_LIMITS, imageKeyFor, NOVA_CANVAS_MODEL_ID } from '../../api/contract/image-message';
import { processBatch } from '../../api/worker/processor';
import { MAX_SEED } from '../../api/worker/image-model';
import { PNG_SIGNATURE } from '../../api/worker/png';
import {
  captureLines,
  depsFor,
  getObject,
  LocalServers,
  objectExists,
  record,
  sqsEvent,
  startLocalServers,
  uniqueId,
} from '../../scripts/support/env';
import { pngChunkTypes } from '../../scripts/support/png';
import { startConditionalPutProxy } from './support/conditional-put-proxy';
import { createHash } from 'crypto';

let servers: LocalServers;

beforeAll(async () => {
  servers = await startLocalServers();
});
afterAll(async () => {
  await servers.close();
});
beforeEach(() => {
  servers.bedrock.calls.length = 0;
  servers.bedrock.queue = [];
  servers.bedrock.fallback = { kind: 'ok' };
});

function emf(out: ReturnType<typeof captureLines>) {
  const lines = out.json().filter((l) => '_aws' in l);
  expect(lines).toHaveLength(1);
  return lines[0] as Record<string, unknown> & { _aws: { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] } };
}

function logsOfKind(out: ReturnType<typeof captureLines>, kind: string) {
  return out.json().filter((l) => l.kind === kind);
}

describe('happy path', () => {
  it('generates the image with Titan v2 and stores a valid PNG under images/tasks/<id>.png', async () => {
    const out = captureLines();
    const deps = depsFor(servers, out);
    const taskId = Math.floor(Math.random() * 1e9) + 1;
    const msg = record({ taskId, prompt: '  A croissant on a blue plate  ', requestId: uniqueId('req') });

    const result = await processBatch(sqsEvent(msg), deps, { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 60_000 });

    expect(result).toEqual({ batchItemFailures: [] });
    const key = `images/tasks/${taskId}.png`;
    const { head, body } = await getObject(servers.s3Client, servers.s3.bucket, key);
    expect(body.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngChunkTypes(body)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(body.equals(servers.bedrock.png)).toBe(true);
    expect(head.ContentType).toBe('image/png');
    expect(head.Metadata).toMatchObject({
      'task-id': String(taskId),
      'model-id': 'amazon.titan-image-generator-v2:0',
      'prompt-sha256': createHash('sha256').update('A croissant on a blue plate').digest('hex'),
    });
    expect(head.Metadata?.['request-id']).toMatch(/^req-/);

    // The request Bedrock saw: the documented TEXT_IMAGE shape, signed, JSON in and out.
    expect(servers.bedrock.calls).toHaveLength(1);
    const call = servers.bedrock.calls[0];
    expect(call.modelId).toBe('amazon.titan-image-generator-v2:0');
    expect(call.contentType).toBe('application/json');
    expect(call.accept).toBe('application/json');
    expect(call.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    expect(call.body.taskType).toBe('TEXT_IMAGE');
    expect(call.body.textToImageParams).toEqual({ text: 'A croissant on a blue plate' });
    expect(call.body.imageGenerationConfig).toMatchObject({ numberOfImages: 1, width: 1024, height: 1024, quality: 'standard' });
    const seed = call.body.imageGenerationConfig.seed as number;
    expect(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED['titan-image']).toBe(true);

    const metrics = emf(out);
    expect(metrics._aws.CloudWatchMetrics[0].Namespace).toBe('TaskManagerMetrics');
    expect(metrics).toMatchObject({ Service: 'image-worker', ImagesGenerated: 1, ImagesSkipped: 0, ImageFailures: 0 });
    expect(Array.isArray(metrics.ModelLatency) && (metrics.ModelLatency as number[]).length).toBe(1);
    const stored = out.json().find((l) => l.msg === 'image stored');
    expect(stored).toMatchObject({ level: 'info', key, taskId, awsRequestId: 'aws-1', messageId: msg.messageId });
  });

  it('keys the image by request id when there is no task id', async () => {
    const out = captureLines();
    const requestId = uniqueId('cli');
    const result = await processBatch(sqsEvent(record({ prompt: 'A lighthouse', requestId })), depsFor(servers, out));
    expect(result.batchItemFailures).toEqual([]);
    expect(await objectExists(servers.s3Client, servers.s3.bucket, `images/requests/${requestId}.png`)).toBe(true);
  });

  it('drives Nova Canvas with its own model id, seed range and 1,024-character limit', async () => {
    const out = captureLines();
    const deps = depsFor(servers, out, { MODEL_ID: NOVA_CANVAS_MODEL_ID });
    const longPrompt = 'a'.repeat(PROMPT_LIMITS['nova-canvas']); // over Titan's 512, fine for Nova
    const requestId = uniqueId('nova');
    const result = await processBatch(sqsEvent(record({ prompt: longPrompt, requestId })), deps);

    expect(result.batchItemFailures).toEqual([]);
    expect(servers.bedrock.calls.map((c) => c.modelId)).toEqual([NOVA_CANVAS_MODEL_ID]);
    const seed = servers.bedrock.calls[0].body.imageGenerationConfig.seed as number;
    expect(seed).toBeLessThanOrEqual(MAX_SEED['nova-canvas']);
    const { head, body } = await getObject(servers.s3Client, servers.s3.bucket, `images/requests/${requestId}.png`);
    expect(head.Metadata?.['model-id']).toBe(NOVA_CANVAS_MODEL_ID);
    expect(body.equals(servers.bedrock.png)).toBe(true);
  });
});

describe('idempotency', () => {
  it('does not call the model again when the message is redelivered', async () => {
    const out = captureLines();
    const deps = depsFor(servers, out);
    const body = { taskId: Math.floor(Math.random() * 1e9) + 1, prompt: 'A red bicycle', requestId: uniqueId('req') };

    expect((await processBatch(sqsEvent(record(body, 'first')), deps)).batchItemFailures).toEqual([]);
    // Redelivery: another message id, same body (and a different request id for the same task).
    const again = await processBatch(sqsEvent(record(body, 'second'), record({ ...body, requestId: uniqueId('retry') }, 'third')), deps);

    expect(again.batchItemFailures).toEqual([]);
    expect(servers.bedrock.calls).toHaveLength(1);
    const metrics = out.json().filter((l) => '_aws' in l);
    expect(metrics[1]).toMatchObject({ ImagesGenerated: 0, ImagesSkipped: 2 });
    // The first redelivery finds the stored image; the second, in the same batch, waits for the first.
    expect(out.json().filter((l) => l.msg === 'image already exists, model not called')).toHaveLength(1);
    expect(out.json().filter((l) => l.msg === 'copy of an earlier record in this batch, model not called')).toHaveLength(1);
  });

  it('asks for the same seed for the same key, so a regenerated image is the same picture', async () => {
    const out = captureLines();
    const deps = depsFor(servers, out);
    const a = uniqueId('seed');
    await processBatch(sqsEvent(record({ prompt: 'x', requestId: a })), deps);
    await processBatch(sqsEvent(record({ prompt: 'x', requestId: uniqueId('other') })), deps);
    const [first, second] = servers.bedrock.calls.map((c) => c.body.imageGenerationConfig.seed);
    expect(first).not.toEqual(second);
    // Delete-and-retry the first key: same seed again.
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await servers.s3Client.send(new DeleteObjectCommand({ Bucket: servers.s3.bucket, Key: imageKeyFor({ requestId: a }) }));
    await processBatch(sqsEvent(record({ prompt: 'x', requestId: a })), deps);
    expect(servers.bedrock.calls[2].body.imageGenerationConfig.seed).toEqual(first);
  });
});

describe('copies of a message in one batch', () => {
  it('calls the model once and counts one image generated, the copy skipped', async () => {
    const out = captureLines();
    servers.bedrock.fallback = { kind: 'ok', delayMs: 150 };
    const deps = depsFor(servers, out, { WORKER_CONCURRENCY: '2' });
    const body = { prompt: 'Twice in one batch', requestId: uniqueId('copy') };

    const result = await processBatch(sqsEvent(record(body, 'a'), record(body, 'b')), deps);

    expect(result.batchItemFailures).toEqual([]);
    expect(servers.bedrock.calls).toHaveLength(1);
    expect(out.json().filter((l) => l.msg === 'copy of an earlier record in this batch, model not called')).toHaveLength(1);
    expect(emf(out)).toMatchObject({ ImagesGenerated: 1, ImagesSkipped: 1, ImageFailures: 0 });
  });

  it('reports the copy as failed too when the first record fails, so SQS retries both', async () => {
    const out = captureLines();
    servers.bedrock.fallback = { kind: 'throttle' };
    const deps = depsFor(servers, out, { WORKER_CONCURRENCY: '2', MODEL_MAX_ATTEMPTS: '1' });
    const body = { prompt: 'Throttled twice', requestId: uniqueId('copy') };

    const result = await processBatch(sqsEvent(record(body, 'a'), record(body, 'b')), deps);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }]);
    expect(servers.bedrock.calls).toHaveLength(1);
    expect(emf(out)).toMatchObject({ ImagesGenerated: 0, ImageFailures: 2 });
  });
});

describe('concurrent deliveries in two invocations', () => {
  it('never overwrites: the second delivery gets 412 from the conditional put and succeeds; one image counted', async () => {
    const proxy = await startConditionalPutProxy(servers.s3.endpoint, servers.s3.bucket, servers.s3Client);
    try {
      const out = captureLines();
      // Both HEADs happen before either PUT: the model takes 150 ms.
      servers.bedrock.fallback = { kind: 'ok', delayMs: 150 };
      const deps = depsFor(servers, out, { S3_ENDPOINT: proxy.endpoint });
      const body = { prompt: 'Twice at once', requestId: uniqueId('race') };

      const results = await Promise.all([processBatch(sqsEvent(record(body, 'a')), deps), processBatch(sqsEvent(record(body, 'b')), deps)]);

      expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);
      expect(servers.bedrock.calls).toHaveLength(2);
      expect(proxy.puts).toEqual(['*', '*']);
      expect(out.json().filter((l) => l.msg === 'image stored concurrently by another delivery, kept it')).toHaveLength(1);
      const metrics = out.json().filter((l) => '_aws' in l);
      const total = (name: string) => metrics.reduce((sum, line) => sum + Number(line[name]), 0);
      expect([total('ImagesGenerated'), total('ImagesSkipped'), total('ImageFailures')]).toEqual([1, 1, 0]);
    } finally {
      await proxy.close();
    }
  });
});

describe('partial batch failures', () => {
  it('reports exactly the one poison record of a batch of 10', async () => {
    const out = captureLines();
    const deps = depsFor(servers, out);
    const ids = Array.from({ length: 10 }, () => uniqueId('batch'));
    const records = ids.map((requestId, i) =>
      i === 6 ? record('{"prompt": "unterminated', 'poison') : record({ prompt: `Picture ${i}`, requestId }, `ok-${i}`),
    );

    const result = await processBatch(sqsEvent(...records), deps);

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'poison' }] });
    expect(servers.bedrock.calls).toHaveLength(9);
    for (const [i, requestId] of ids.entries()) {
      expect(await objectExists(servers.s3Client, servers.s3.bucket, `images/requests/${requestId}.png`)).toBe(i !== 6);
    }
    expect(logsOfKind(out, 'invalid_message')).toEqual([
      expect.objectContaining({ level: 'error', messageId: 'poison', retryable: false, error: 'message body is not valid JSON' }),
    ]);
    expect(emf(out)).toMatchObject({ ImagesGenerated: 9, ImageFailures: 1, InvalidImageMessages: 1 });
  });

  it.each([
    ['not JSON', 'hello', 'not valid JSON'],
    ['a JSON array', '[1,2]', 'must be a JSON object'],
    ['no prompt', JSON.stringify({ requestId: 'r-1' }), '"prompt" is required'],
    ['a blank prompt', JSON.stringify({ prompt: '   ', requestId: 'r-1' }), 'must not be empty'],
    ['no request id', JSON.stringify({ prompt: 'A cat' }), '"requestId" is required'],
    ['a request id with a slash', JSON.stringify({ prompt: 'A cat', requestId: '../etc' }), '"requestId" must be'],
    ['a bad task id', JSON.stringify({ prompt: 'A cat', requestId: 'r-1', taskId: -3 }), '"taskId" must be a positive integer'],
    ['a prompt over Titan’s 512 characters', JSON.stringify({ prompt: 'b'.repeat(513), requestId: 'r-1' }), '513 characters, over the model\'s limit of 512'],
  ])('reports a message with %s as failed without calling the model', async (_label, body, error) => {
    const out = captureLines();
    const result = await processBatch(sqsEvent(record(body, 'bad')), depsFor(servers, out));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(servers.bedrock.calls).toHaveLength(0);
    const [log] = logsOfKind(out, 'invalid_message');
    expect(String(log.error)).toContain(error);
  });

  it('accepts exactly 512 characters for Titan and rejects 1,025 for Nova Canvas', async () => {
    const out = captureLines();
    const titan = await processBatch(sqsEvent(record({ prompt: 'c'.repeat(512), requestId: uniqueId('t') })), depsFor(servers, out));
    expect(titan.batchItemFailures).toEqual([]);
    const nova = await processBatch(
      sqsEvent(record({ prompt: 'c'.repeat(1025), requestId: uniqueId('n') }, 'too-long')),
      depsFor(servers, out, { MODEL_ID: NOVA_CANVAS_MODEL_ID }),
    );
    expect(nova.batchItemFailures).toEqual([{ itemIdentifier: 'too-long' }]);
    expect(servers.bedrock.calls).toHaveLength(1);
  });
});

describe('model failures', () => {
  it('treats throttling as a retryable failure: record reported, nothing written, model not hammered', async () => {
    const out = captureLines();
    servers.bedrock.fallback = { kind: 'throttle' };
    const deps = depsFor(servers, out, { WORKER_CONCURRENCY: '1', MODEL_MAX_ATTEMPTS: '2' });
    const ids = [uniqueId('th'), uniqueId('th'), uniqueId('th')];

    const result = await processBatch(sqsEvent(...ids.map((requestId, i) => record({ prompt: 'A storm', requestId }, `t${i}`))), deps);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 't0' }, { itemIdentifier: 't1' }, { itemIdentifier: 't2' }]);
    // Two SDK attempts for the first record; the rest of the batch is handed back without calls.
    expect(servers.bedrock.calls).toHaveLength(2);
    for (const requestId of ids) {
      expect(await objectExists(servers.s3Client, servers.s3.bucket, `images/requests/${requestId}.png`)).toBe(false);
    }
    const throttled = logsOfKind(out, 'throttled');
    expect(throttled).toHaveLength(3);
    expect(throttled.every((l) => l.retryable === true && l.level === 'warn')).toBe(true);
    expect(String(throttled[0].error)).toContain('ThrottlingException');
    expect(emf(out)).toMatchObject({ ImageFailures: 3, ModelThrottles: 3, ImagesGenerated: 0 });

    // When the model recovers, the redelivered messages succeed.
    servers.bedrock.fallback = { kind: 'ok' };
    const retry = await processBatch(sqsEvent(...ids.map((requestId) => record({ prompt: 'A storm', requestId }))), deps);
    expect(retry.batchItemFailures).toEqual([]);
  });

  it('retries a 500 inside the invocation and succeeds when the next attempt works', async () => {
    const out = captureLines();
    servers.bedrock.queue = [{ kind: 'error500' }];
    const requestId = uniqueId('five');
    const result = await processBatch(sqsEvent(record({ prompt: 'A bridge', requestId })), depsFor(servers, out));
    expect(result.batchItemFailures).toEqual([]);
    expect(servers.bedrock.calls).toHaveLength(2);
  });

  it('reports persistent 500s as a retryable model_unavailable failure', async () => {
    const out = captureLines();
    servers.bedrock.fallback = { kind: 'error500' };
    const result = await processBatch(sqsEvent(record({ prompt: 'A bridge', requestId: uniqueId('five') }, 'm')), depsFor(servers, out));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    expect(logsOfKind(out, 'model_unavailable')).toEqual([expect.objectContaining({ retryable: true })]);
  });

  it('reports a model-side refusal and a non-PNG answer as non-retryable and stores nothing', async () => {
    const out = captureLines();
    servers.bedrock.queue = [{ kind: 'model-error', message: 'This request has been blocked by our content filters.' }, { kind: 'not-png' }];
    const [a, b] = [uniqueId('refused'), uniqueId('gif')];
    const result = await processBatch(
      sqsEvent(record({ prompt: 'p', requestId: a }, 'refused'), record({ prompt: 'p', requestId: b }, 'gif')),
      depsFor(servers, out, { WORKER_CONCURRENCY: '1' }),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'refused' }, { itemIdentifier: 'gif' }]);
    expect(logsOfKind(out, 'model_rejected')).toEqual([expect.objectContaining({ retryable: false, error: expect.stringContaining('content filters') })]);
    expect(logsOfKind(out, 'bad_model_output')).toEqual([expect.objectContaining({ retryable: false, error: expect.stringContaining('not a PNG') })]);
    expect(await objectExists(servers.s3Client, servers.s3.bucket, `images/requests/${a}.png`)).toBe(false);
    expect(await objectExists(servers.s3Client, servers.s3.bucket, `images/requests/${b}.png`)).toBe(false);
  });

  it('gives up on a slow model before the Lambda deadline and returns the batch response in time', async () => {
    const out = captureLines();
    servers.bedrock.fallback = { kind: 'delay', ms: 10_000 };
    const deadline = Date.now() + 5_500; // the Lambda would be killed 5.5 s from now
    const started = Date.now();
    const result = await processBatch(
      sqsEvent(record({ prompt: 'A slow snail', requestId: uniqueId('slow') }, 'slow')),
      depsFor(servers, out),
      { getRemainingTimeInMillis: () => deadline - Date.now() },
    );
    const elapsed = Date.now() - started;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'slow' }]);
    expect(servers.bedrock.calls).toHaveLength(1);
    // Model budget = 5.5 s - 3 s kept for S3 and the reply: aborted at ~2.5 s, well before the deadline.
    expect(elapsed).toBeGreaterThanOrEqual(2_400);
    expect(elapsed).toBeLessThan(5_500); // before the deadline: what the Lambda needs
    expect(logsOfKind(out, 'model_unavailable')).toEqual([expect.objectContaining({ retryable: true })]);
  });

  it('does not start a model call with too little time left', async () => {
    const out = captureLines();
    const result = await processBatch(
      sqsEvent(record({ prompt: 'Late', requestId: uniqueId('late') }, 'late')),
      depsFor(servers, out),
      { getRemainingTimeInMillis: () => 4_000 },
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'late' }]);
    expect(servers.bedrock.calls).toHaveLength(0);
    expect(logsOfKind(out, 'deadline')).toHaveLength(1);
  });
});

describe('storage failures', () => {
  it('reports a record as a retryable storage failure when the bucket does not exist', async () => {
    const out = captureLines();
    const result = await processBatch(
      sqsEvent(record({ prompt: 'Lost', requestId: uniqueId('nobucket') }, 'nb')),
      depsFor(servers, out, { IMAGES_BUCKET: 'no-such-bucket-here' }),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'nb' }]);
    expect(logsOfKind(out, 'storage')).toHaveLength(1);
  });
});
