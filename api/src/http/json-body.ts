import type { Context } from 'koa';
import { HttpError } from './errors';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
// One decoder for all requests: decode() without `stream` keeps no state between calls.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON request body with a size limit, written out here rather than pulled in
 * from a body-parser package so that each failure has its own status and message:
 * 413 too large (from Content-Length before reading, or while streaming), 415 not JSON or not
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

function tooLarge(ctx: Context, limitBytes: number): HttpError {
  // The rest of an oversized body is not worth reading: close the connection after answering.
  ctx.set('Connection', 'close');
  return new HttpError(413, 'payload_too_large', `The body is larger than ${limitBytes} bytes.`);
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
