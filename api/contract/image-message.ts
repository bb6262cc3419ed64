/**
 * The image-generation message: the one contract between the producers (the API's
 * `POST /tasks/:id/image`, the `npm run enqueue` CLI) and the consumer (the worker Lambda).
 *
 * Body on the queue (JSON):
 *   { "taskId"?: positive integer, "prompt": string, "requestId": string, "owner"?: string }
 *
 * `owner` (the `sub` of the user who asked, from the API) puts the image under that user's own
 * prefix; messages without it (the enqueue CLI, producers from before sign-in) keep the keys
 * they always had, so old and new producers and workers understand each other.
 *
 * The S3 key of the image is a pure function of the message, so a producer can answer with the
 * key before the image exists, the worker writes exactly there, and a redelivered message finds
 * its own image and skips the model call.
 *
 * Dependency-free (only `node:crypto`) so the API, the CLI and the Lambda bundle can all import it.
 */
import { randomUUID } from 'crypto';
import { isOwner, ownerKey } from './owner';

/** Every generated image lives under this prefix (the worker's IAM policy is scoped to it). */
export const IMAGE_KEY_PREFIX = 'images/';

export const TITAN_IMAGE_V2_MODEL_ID = 'amazon.titan-image-generator-v2:0';
export const NOVA_CANVAS_MODEL_ID = 'amazon.nova-canvas-v1:0';
/** The model the worker uses when `MODEL_ID` is not set. */
export const DEFAULT_IMAGE_MODEL_ID = TITAN_IMAGE_V2_MODEL_ID;

export type ImageModelFamily = 'titan-image' | 'nova-canvas';

/** Prompt limits in characters, as documented by Amazon Bedrock for `textToImageParams.text`. */
export const PROMPT_LIMITS: Readonly<Record<ImageModelFamily, number>> = {
  'titan-image': 512,
  'nova-canvas': 1024,
};

/** Request ids end up in S3 keys: a conservative charset, no `/`, bounded length. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface ImageMessage {
  /** The task the image belongs to; when present the key is per task. */
  readonly taskId?: number;
  /** Text prompt for the image model (trimmed, non-empty, within the model's limit). */
  readonly prompt: string;
  /** Correlates the producer's request with the worker's logs; keys the image when there is no task. */
  readonly requestId: string;
  /** Whose image it is (a token's `sub`); when present the key is under the owner's prefix. */
  readonly owner?: string;
}

export class InvalidImageMessageError extends Error {
  override readonly name = 'InvalidImageMessageError';
}

/**
 * Which request/response family a Bedrock model id belongs to. Accepts plain model ids
 * (`amazon.nova-canvas-v1:0`), inference-profile ids (`us.amazon...`) and ARNs.
 * Returns undefined for a model the worker cannot drive.
 */
export function modelFamily(modelId: string): ImageModelFamily | undefined {
  if (/amazon\.titan-image-generator-v2/.test(modelId)) return 'titan-image';
  if (/amazon\.nova-canvas-v1/.test(modelId)) return 'nova-canvas';
  return undefined;
}

/** The prompt limit for a model id (the stricter Titan limit when the id is unknown). */
export function promptLimitFor(modelId: string = DEFAULT_IMAGE_MODEL_ID): number {
  const family = modelFamily(modelId);
  return family ? PROMPT_LIMITS[family] : PROMPT_LIMITS['titan-image'];
}

/** Characters as Bedrock counts them (code points, not UTF-16 units). */
export function promptLength(prompt: string): number {
  return Array.from(prompt).length;
}

/**
 * The deterministic S3 key of a message's image: `images/tasks/<taskId>.png` with a task id, else
 * `images/requests/<requestId>.png`; with an owner, under `images/owners/<ownerKey(owner)>/`.
 */
export function imageKeyFor(message: Pick<ImageMessage, 'taskId' | 'requestId' | 'owner'>): string {
  let prefix = IMAGE_KEY_PREFIX;
  if (message.owner !== undefined) {
    assertOwner(message.owner);
    prefix += `owners/${ownerKey(message.owner)}/`;
  }
  if (message.taskId !== undefined) {
    assertTaskId(message.taskId);
    return `${prefix}tasks/${message.taskId}.png`;
  }
  assertRequestId(message.requestId);
  return `${prefix}requests/${message.requestId}.png`;
}

/** The key of a task's image (what `GET /tasks/:id/image` looks for), under its owner's prefix when given. */
export function taskImageKey(taskId: number, owner?: string): string {
  return imageKeyFor({ taskId, requestId: 'unused', owner });
}

export interface BuildImageMessageInput {
  readonly prompt: string;
  readonly taskId?: number;
  readonly owner?: string;
  /** Generated (UUID v4) when absent. */
  readonly requestId?: string;
  /** Defaults to the limit of the default model. */
  readonly maxPromptChars?: number;
}

/** Validates the input and returns the message, its JSON body for SQS and the image key. */
export function buildImageMessage(input: BuildImageMessageInput): {
  message: ImageMessage;
  body: string;
  key: string;
} {
  const message = validateImageMessage(
    { taskId: input.taskId, prompt: input.prompt, requestId: input.requestId ?? randomUUID(), owner: input.owner },
    input.maxPromptChars ?? promptLimitFor(),
  );
  return { message, body: JSON.stringify(message), key: imageKeyFor(message) };
}

/** Parses and validates a queue body; throws InvalidImageMessageError saying what is wrong. */
export function parseImageMessage(body: string, maxPromptChars: number): ImageMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidImageMessageError('message body is not valid JSON');
  }
  return validateImageMessage(value, maxPromptChars);
}

export function validateImageMessage(value: unknown, maxPromptChars: number): ImageMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidImageMessageError('message body must be a JSON object');
  }
  const record = value as Record<string, unknown>;

  const rawPrompt = record.prompt;
  if (typeof rawPrompt !== 'string') {
    throw new InvalidImageMessageError('"prompt" is required and must be a string');
  }
  const prompt = rawPrompt.trim();
  if (prompt.length === 0) {
    throw new InvalidImageMessageError('"prompt" must not be empty');
  }
  const length = promptLength(prompt);
  if (length > maxPromptChars) {
    throw new InvalidImageMessageError(
      `"prompt" is ${length} characters, over the model's limit of ${maxPromptChars}`,
    );
  }

  const requestId = record.requestId;
  if (typeof requestId !== 'string') {
    throw new InvalidImageMessageError('"requestId" is required and must be a string');
  }
  assertRequestId(requestId);

  const owner = record.owner ?? undefined;
  if (owner !== undefined) assertOwner(owner);
  const taskId = record.taskId ?? undefined;
  if (taskId !== undefined) assertTaskId(taskId);
  // Absent fields stay absent, so a message without an owner is exactly what it was before owners.
  return { ...(taskId !== undefined ? { taskId } : {}), prompt, requestId, ...(owner !== undefined ? { owner } : {}) };
}

function assertOwner(owner: unknown): asserts owner is string {
  if (!isOwner(owner)) throw new InvalidImageMessageError('"owner" must be 1-255 characters without control characters or whitespace at either end');
}

function assertTaskId(taskId: unknown): asserts taskId is number {
  if (typeof taskId !== 'number' || !Number.isSafeInteger(taskId) || taskId < 1) {
    throw new InvalidImageMessageError('"taskId" must be a positive integer');
  }
}

function assertRequestId(requestId: string): void {
  if (!REQUEST_ID_PATTERN.test(requestId)) {
    throw new InvalidImageMessageError(
      '"requestId" must be 1-128 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
    );
  }
}
