/** Pure parts: the worker's environment validation and the shared message/key contract. */
import { createHash } from 'crypto';
import {
  buildImageMessage,
  imageKeyFor,
  InvalidImageMessageError,
  modelFamily,
  parseImageMessage,
  promptLimitFor,
  taskImageKey,
} from '../../api/contract/image-message';
import { ConfigError, loadWorkerConfig } from '../../api/worker/config';
import { classifyModelError } from '../../api/worker/errors';
import { decodeImageResponse, textImageRequest } from '../../api/worker/image-model';
import { makePng } from '../../scripts/support/png';

describe('loadWorkerConfig', () => {
  const base = { IMAGES_BUCKET: 'taskmanager-dev-static', AWS_REGION: 'us-east-1' };

  it('applies defaults: Titan v2, 1024x1024, concurrency 4, no endpoint overrides', () => {
    expect(loadWorkerConfig(base)).toEqual({
      bucket: 'taskmanager-dev-static',
      region: 'us-east-1',
      modelId: 'amazon.titan-image-generator-v2:0',
      modelFamily: 'titan-image',
      maxPromptChars: 512,
      imageWidth: 1024,
      imageHeight: 1024,
      concurrency: 4,
      modelMaxAttempts: 2,
      modelTimeoutMs: 60_000,
      s3Endpoint: undefined,
      bedrockEndpoint: undefined,
    });
  });

  it('reads Nova Canvas and the overrides', () => {
    const config = loadWorkerConfig({
      ...base,
      MODEL_ID: 'amazon.nova-canvas-v1:0',
      WORKER_CONCURRENCY: '2',
      S3_ENDPOINT: 'http://127.0.0.1:4569/',
      BEDROCK_ENDPOINT: 'http://127.0.0.1:9000',
    });
    expect(config).toMatchObject({
      modelFamily: 'nova-canvas',
      maxPromptChars: 1024,
      concurrency: 2,
      s3Endpoint: 'http://127.0.0.1:4569',
      bedrockEndpoint: 'http://127.0.0.1:9000',
    });
  });

  it.each([
    [{ AWS_REGION: 'us-east-1' }, 'IMAGES_BUCKET: is required'],
    [{ ...base, IMAGES_BUCKET: 'Not_A_Bucket' }, 'IMAGES_BUCKET: must be an S3 bucket name'],
    [{ IMAGES_BUCKET: 'b-1' }, 'AWS_REGION: is required'],
    [{ ...base, AWS_REGION: 'Virginia' }, 'AWS_REGION: must look like'],
    [{ ...base, MODEL_ID: 'stability.sd3-large-v1:0' }, 'MODEL_ID: "stability.sd3-large-v1:0" is not a supported image model'],
    [{ ...base, WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY: must be an integer from 1 to 32, got "0"'],
    [{ ...base, MODEL_TIMEOUT_MS: '5s' }, 'MODEL_TIMEOUT_MS: must be an integer'],
    [{ ...base, IMAGE_WIDTH: '99999' }, 'IMAGE_WIDTH: must be an integer from 256 to 4096'],
    [{ ...base, S3_ENDPOINT: 'localhost:4569' }, 'S3_ENDPOINT: must be an http(s) URL'],
    [{ ...base, BEDROCK_ENDPOINT: 'ftp://x' }, 'BEDROCK_ENDPOINT: must be an http(s) URL'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadWorkerConfig(env)).toThrow(ConfigError);
    expect(() => loadWorkerConfig(env)).toThrow(message);
  });
});

describe('the image message contract', () => {
  it('keys by task id, else by request id, always under images/', () => {
    expect(imageKeyFor({ taskId: 42, requestId: 'r' })).toBe('images/tasks/42.png');
    expect(taskImageKey(42)).toBe('images/tasks/42.png');
    expect(imageKeyFor({ requestId: '5f0c-1' })).toBe('images/requests/5f0c-1.png');
    expect(() => imageKeyFor({ requestId: 'a/b' })).toThrow(InvalidImageMessageError);
  });

  it('builds a message with a fresh UUID request id, trimmed prompt and the key', () => {
    const built = buildImageMessage({ prompt: '  A croissant ', taskId: 3 });
    expect(built.message).toEqual({ taskId: 3, prompt: 'A croissant', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(JSON.parse(built.body)).toEqual(built.message);
    expect(built.key).toBe('images/tasks/3.png');
    expect(buildImageMessage({ prompt: 'x' }).message.requestId).not.toBe(buildImageMessage({ prompt: 'x' }).message.requestId);
  });

  it('round-trips through parseImageMessage and ignores unknown fields', () => {
    const { body } = buildImageMessage({ prompt: 'p', requestId: 'req-1' });
    expect(parseImageMessage(body, 512)).toEqual({ prompt: 'p', requestId: 'req-1' });
    expect(parseImageMessage(JSON.stringify({ prompt: 'p', requestId: 'r', extra: true, taskId: null }), 512)).toEqual({
      prompt: 'p',
      requestId: 'r',
    });
  });

  it("with an owner (the API's messages), keys under the owner's hashed prefix; without one, as before owners existed", () => {
    const owner = 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6';
    const prefix = `images/owners/${createHash('sha256').update(owner).digest('base64url')}`;
    expect(imageKeyFor({ taskId: 42, requestId: 'r', owner })).toBe(`${prefix}/tasks/42.png`);
    expect(taskImageKey(42, owner)).toBe(`${prefix}/tasks/42.png`);
    expect(imageKeyFor({ requestId: 'r-1', owner: 'a/b c' })).toMatch(/^images\/owners\/[\w-]{43}\/requests\/r-1\.png$/);
    const built = buildImageMessage({ prompt: 'p', taskId: 42, requestId: 'r', owner });
    expect(parseImageMessage(built.body, 512)).toEqual({ taskId: 42, prompt: 'p', requestId: 'r', owner });
    expect(built.key).toBe(`${prefix}/tasks/42.png`);
  });

  it.each([[''], [42], ['x'.repeat(256)], ['line\nbreak']])('refuses the owner %j', (owner) => {
    expect(() => parseImageMessage(JSON.stringify({ prompt: 'p', requestId: 'r', owner }), 512)).toThrow(/"owner" must be 1-255 characters/);
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    const emoji = '🥐'.repeat(512); // 1,024 UTF-16 units, 512 characters
    expect(parseImageMessage(JSON.stringify({ prompt: emoji, requestId: 'r' }), 512).prompt).toBe(emoji);
    expect(() => parseImageMessage(JSON.stringify({ prompt: emoji + 'x', requestId: 'r' }), 512)).toThrow('513 characters');
  });

  it('knows each model family and its limit, including inference profile ids and ARNs', () => {
    expect(modelFamily('amazon.titan-image-generator-v2:0')).toBe('titan-image');
    expect(modelFamily('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-canvas-v1:0')).toBe('nova-canvas');
    expect(modelFamily('amazon.titan-image-generator-v1')).toBeUndefined();
    expect(promptLimitFor()).toBe(512);
    expect(promptLimitFor('amazon.nova-canvas-v1:0')).toBe(1024);
  });
});

describe('model request and response shapes', () => {
  it('builds the documented TEXT_IMAGE request with the seed folded into the model range', () => {
    expect(textImageRequest('nova-canvas', 'A cat', 2_000_000_000, { width: 1024, height: 1024 })).toEqual({
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: 'A cat' },
      imageGenerationConfig: { numberOfImages: 1, width: 1024, height: 1024, cfgScale: 6.5, seed: 2_000_000_000 % 858_993_460, quality: 'standard' },
    });
  });

  it('decodes { images: [base64 PNG] } and refuses anything else', () => {
    const png = makePng(2, 2);
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v));
    expect(decodeImageResponse(enc({ images: [png.toString('base64')], error: null })).equals(png)).toBe(true);
    expect(() => decodeImageResponse(enc({ images: [] }))).toThrow('no "images[0]"');
    expect(() => decodeImageResponse(enc({ images: ['***'] }))).toThrow('not valid base64');
    expect(() => decodeImageResponse(enc({ images: [Buffer.from('JFIF....').toString('base64')] }))).toThrow('not a PNG');
    expect(() => decodeImageResponse(enc({ images: [], error: 'blocked' }))).toThrow('model returned an error: blocked');
    expect(() => decodeImageResponse(Buffer.from('<html>'))).toThrow('not JSON');
  });

  it('classifies SDK errors as retryable or not', () => {
    const err = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    expect(classifyModelError(err('ThrottlingException', 429))).toMatchObject({ kind: 'throttled', retryable: true });
    expect(classifyModelError(err('ServiceUnavailableException', 503))).toMatchObject({ kind: 'model_unavailable', retryable: true });
    expect(classifyModelError(err('ModelTimeoutException', 408))).toMatchObject({ kind: 'model_unavailable', retryable: true });
    expect(classifyModelError(err('ValidationException', 400))).toMatchObject({ kind: 'model_rejected', retryable: false });
    expect(classifyModelError(err('AccessDeniedException', 403))).toMatchObject({ kind: 'model_rejected', retryable: false });
    expect(classifyModelError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({ retryable: true });
  });
});
