/**
 * A local Bedrock Runtime: answers the real InvokeModel REST call
 * (`POST /model/<modelId>/invoke`, JSON body, JSON response) with a real PNG in base64, and
 * can throttle (429 ThrottlingException), fail (500), delay, or answer with garbage on demand.
 * HTTP/2 (cleartext, prior knowledge) like the real endpoint: @aws-sdk/client-bedrock-runtime
 * uses its HTTP/2 handler by default.
 */
import * as http2 from 'http2';
import type { AddressInfo } from 'net';
import { readBody } from './http';
import { makePng } from './png';

export type Behaviour =
  | { kind: 'ok'; delayMs?: number }
  | { kind: 'throttle' }
  | { kind: 'error500' }
  | { kind: 'delay'; ms: number }
  | { kind: 'model-error'; message: string }
  | { kind: 'not-png' };

export interface ModelCall {
  readonly modelId: string;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly authorization: string | undefined;
  readonly body: {
    taskType: string;
    textToImageParams: { text: string };
    imageGenerationConfig: Record<string, number | string>;
  };
}

export interface FakeBedrock {
  readonly endpoint: string;
  readonly calls: ModelCall[];
  /** The PNG every successful call returns. */
  readonly png: Buffer;
  /** Behaviours for the next calls, consumed in order; then `fallback`. */
  queue: Behaviour[];
  fallback: Behaviour;
  close(): Promise<void>;
}

const LIMITS: Record<string, number> = {
  'amazon.titan-image-generator-v2:0': 512,
  'amazon.nova-canvas-v1:0': 1024,
};

export async function startFakeBedrock(png: Buffer = makePng(8, 8)): Promise<FakeBedrock> {
  const state: FakeBedrock = {
    endpoint: '',
    calls: [],
    png,
    queue: [],
    fallback: { kind: 'ok' },
    close: async () => {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  server.on('request', async (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    const raw = await readBody(req);
    const send = (status: number, body: unknown, errorType?: string) => {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': 'fake-req' };
      if (errorType) headers['x-amzn-errortype'] = `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
      res.writeHead(status, headers);
      res.end(JSON.stringify(body));
    };
    const match = /^\/model\/([^/]+)\/invoke$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      send(404, { message: `no route for ${req.method} ${req.url}` }, 'UnknownOperationException');
      return;
    }
    const modelId = decodeURIComponent(match[1]);
    let body: ModelCall['body'];
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      send(400, { message: 'Malformed input request: body is not JSON' }, 'ValidationException');
      return;
    }
    state.calls.push({
      modelId,
      contentType: req.headers['content-type'],
      accept: req.headers.accept,
      authorization: req.headers.authorization,
      body,
    });

    const limit = LIMITS[modelId];
    if (limit === undefined) {
      send(404, { message: `model ${modelId} not found` }, 'ResourceNotFoundException');
      return;
    }
    const text = body?.textToImageParams?.text;
    if (body?.taskType !== 'TEXT_IMAGE' || typeof text !== 'string' || text.length === 0 || text.length > limit) {
      send(400, { message: 'Malformed input request: textToImageParams.text' }, 'ValidationException');
      return;
    }

    const behaviour = state.queue.shift() ?? state.fallback;
    switch (behaviour.kind) {
      case 'throttle':
        send(429, { message: 'Too many requests, please wait before trying again.' }, 'ThrottlingException');
        return;
      case 'error500':
        send(500, { message: 'Internal server error' }, 'InternalServerException');
        return;
      case 'model-error':
        // Titan reports some refusals in the response body's `error` field.
        send(200, { images: [], error: behaviour.message });
        return;
      case 'not-png':
        send(200, { images: [Buffer.from('GIF89a not a png at all').toString('base64')] });
        return;
      case 'delay':
      case 'ok': {
        const delay = behaviour.kind === 'delay' ? behaviour.ms : (behaviour.delayMs ?? 0);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        if (res.stream.destroyed) return;
        const image = state.png.toString('base64');
        // Titan v2 answers { images, error: null }; Nova Canvas answers { images } (error only on failure).
        send(200, modelId.startsWith('amazon.titan') ? { images: [image], error: null } : { images: [image] });
        return;
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  (state as { endpoint: string }).endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
