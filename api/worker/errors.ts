/**
 * Why a record failed, and whether trying again later can help. Every failed record is reported
 * in `batchItemFailures` (so SQS redelivers it and, after the redrive count, moves it to the DLQ);
 * `retryable` tells the operator reading the logs whether a redelivery is expected to succeed.
 */

export type FailureKind =
  /** Body is not JSON, lacks a prompt or request id, or the prompt is over the model's limit. */
  | 'invalid_message'
  /** Bedrock throttled us (429) or the model is not ready yet. */
  | 'throttled'
  /** Bedrock 5xx, a network error or a timeout. */
  | 'model_unavailable'
  /** Bedrock refused the request: validation, content filter, access denied, unknown model. */
  | 'model_rejected'
  /** The model answered, but not with one base64 PNG. */
  | 'bad_model_output'
  /** S3 failed to tell whether the image exists or to store it. */
  | 'storage'
  /** Too little Lambda time left to call the model safely; left for the next delivery. */
  | 'deadline';

export class RecordFailure extends Error {
  override readonly name = 'RecordFailure';
  constructor(
    readonly kind: FailureKind,
    readonly retryable: boolean,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An error from the model call, as a RecordFailure. */
export function classifyModelError(error: unknown): RecordFailure {
  if (error instanceof RecordFailure) return error;
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const detail = `${name}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(error)}`;
  if (
    name === 'ThrottlingException' ||
    name === 'ModelNotReadyException' ||
    name === 'ServiceQuotaExceededException' ||
    status === 429
  ) {
    return new RecordFailure('throttled', true, detail, { cause: error });
  }
  if (
    name === 'ValidationException' ||
    name === 'AccessDeniedException' ||
    name === 'ResourceNotFoundException' ||
    name === 'ModelErrorException' ||
    (status !== undefined && status >= 400 && status < 500 && status !== 408)
  ) {
    return new RecordFailure('model_rejected', false, detail, { cause: error });
  }
  // 5xx, ModelTimeoutException (408), socket errors, our own abort on the deadline.
  return new RecordFailure('model_unavailable', true, detail, { cause: error });
}

/** An error from S3, as a RecordFailure. */
export function classifyStorageError(error: unknown, action: string): RecordFailure {
  if (error instanceof RecordFailure) return error;
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  const retryable = status === undefined || status >= 500 || status === 409 || status === 429;
  return new RecordFailure(
    'storage',
    retryable,
    `${action} failed: ${e?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(error)}`,
    { cause: error },
  );
}
