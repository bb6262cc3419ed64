import type { IncomingMessage, ServerResponse } from 'http';
import type { Context } from 'koa';
import { HttpError } from './errors';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
// One decoder for all requests: decode() without `stream` keeps no state between calls.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON request body with a size limit, written out here rather than pulled in
 * from a body-parser package so that each failure has its own status and message:
 * 413 too large (from Content-Length before reading, or while streaming; the rest is drained, see
 * DRAIN_MAX_BYTES), 415 not JSON or not
 * UTF-8, 400 malformed JSON or invalid UTF-8.
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const declared = ctx.get('content-length');
  if (declared && Number(declared) > limitBytes) throw tooLarge(ctx, limitBytes);

  const [mediaType, ...parameters] = ctx.get('content-type').split(';').map((part) => part.trim());
  if (!JSON_TYPE.test(mediaType ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  const charset = parameters.find((p) => /^charset=/i.test(p))?.slice(8).replace(/"/g, '').toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, 'unsupported_media_type', 'JSON bodies must be UTF-8.');
  }

  const raw = await readLimited(ctx, limitBytes);
  let text: string;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    throw new HttpError(400, 'malformed_json', 'The body is not valid UTF-8.');
  }
  if (text.trim() === '') throw new HttpError(400, 'malformed_json', 'The body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'malformed_json', `The body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * After a 413, how much more of the body is read and thrown away, and for how long: a client is
 * usually still sending when the answer comes, and closing a socket that has unread data resets
 * it, so the client fails mid-write (EPIPE) before it reads the 413. A client that mistakenly sends
 * a file of a few megabytes learns why; one that sends more, or too slowly, is cut off.
 */
export const DRAIN_MAX_BYTES = 4 * 1024 * 1024;
export const DRAIN_MAX_MS = 5_000;

function tooLarge(ctx: Context, limitBytes: number): HttpError {
  const declared = Number(ctx.get('content-length') || 0);
  // A declared body beyond the drain bound is not worth reading: close after answering.
  if (declared > DRAIN_MAX_BYTES) ctx.set('Connection', 'close');
  else drainRest(ctx.req, ctx.res);
  return new HttpError(413, 'payload_too_large', `The body is larger than ${limitBytes} bytes.`);
}

/** Reads and discards the rest of the body within the drain bounds; past them, closes the connection once the answer is out. */
function drainRest(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  let drained = 0;
  const stop = (): void => {
    clearTimeout(timer);
    req.off('data', count);
  };
  const cutOff = (): void => {
    stop();
    if (res.writableFinished) req.socket.destroy();
    else res.once('finish', () => req.socket.destroy());
  };
  const count = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) cutOff();
  };
  const timer = setTimeout(cutOff, DRAIN_MAX_MS);
  req.on('data', count);
  req.once('end', stop);
  req.once('close', stop);
  req.resume();
}

function readLimited(ctx: Context, limitBytes: number): Promise<Buffer> {
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.pause();
        reject(tooLarge(ctx, limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new HttpError(400, 'bad_request', `The request body could not be read: ${error.message}`));
    };
    const onAborted = (): void => onError(new Error('client aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
