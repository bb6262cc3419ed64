/**
 * The body of `POST /tasks/:id/image` (optional `{ "prompt" }`) and the message it becomes. The
 * prompt rules are the shared contract's (`api/contract/image-message.ts`), so the API rejects
 * exactly what the worker would reject, before anything is sent.
 */
import type { Context } from 'koa';
import { buildImageMessage, imageKeyFor, ImageMessage, InvalidImageMessageError } from '../../contract/image-message';
import { FieldProblem, validationError } from '../http/errors';
import { readJsonBody } from '../http/json-body';

const FIELDS = ['prompt'];
// Lone surrogates and U+FFFE/U+FFFF cannot travel in an SQS message body.
const NOT_SENDABLE = /[\p{Cs}\uFFFE\uFFFF]/u;

/** The body when there is one; a POST without a body means "all defaults". */
export async function readOptionalJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const chunked = ctx.get('transfer-encoding') !== '';
  const length = Number(ctx.get('content-length') || '0');
  if (!chunked && length === 0) return undefined;
  return readJsonBody(ctx, limitBytes);
}

/** Checks the shape of the body; returns the custom prompt, if any. Every problem is reported at once. */
export function parseImageRequest(body: unknown): { prompt?: string } {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationError([{ field: '(body)', problem: 'must be a JSON object' }]);
  }
  const record = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(record)) {
    if (!FIELDS.includes(key)) problems.push({ field: key, problem: 'is not a known field' });
  }
  let prompt: string | undefined;
  if (Object.prototype.hasOwnProperty.call(record, 'prompt')) {
    if (typeof record.prompt !== 'string') problems.push({ field: 'prompt', problem: 'must be a string when given' });
    else if (NOT_SENDABLE.test(record.prompt)) problems.push({ field: 'prompt', problem: 'must be valid Unicode text' });
    else prompt = record.prompt;
  }
  if (problems.length > 0) throw validationError(problems);
  return { prompt };
}

/**
 * The queue message for a task's image (carrying its owner), built and validated by the shared contract. The API's
 * request id is reused when it satisfies the contract (it becomes part of a key only for
 * task-less messages), else the contract generates one.
 */
export function imageMessageFor(
  owner: string,
  taskId: number,
  prompt: string,
  requestId: string | undefined,
  maxPromptChars: number,
): { message: ImageMessage; body: string; key: string } {
  try {
    return buildImageMessage({ owner, taskId, prompt, requestId: usableRequestId(requestId), maxPromptChars });
  } catch (error) {
    if (error instanceof InvalidImageMessageError) {
      throw validationError([{ field: 'prompt', problem: error.message.replace(/^"prompt" /, '') }]);
    }
    throw error;
  }
}

function usableRequestId(requestId: string | undefined): string | undefined {
  if (!requestId) return undefined;
  try {
    imageKeyFor({ requestId }); // the contract's own request-id check
    return requestId;
  } catch (error) {
    if (error instanceof InvalidImageMessageError) return undefined;
    throw error;
  }
}
