/**
 * What the image routes need from the outside world, injected into the app so tests run the real
 * routes against local protocol servers: a queue to send image jobs to and a way to find a
 * finished image. `aws-image-jobs.ts` implements it with SQS and S3.
 */

/** Puts one image-generation message (the JSON body built by `buildImageMessage()`) on the queue. */
export interface ImageQueue {
  /** Resolves with the queue's message id; rejects with ImageBackendError. */
  send(messageBody: string): Promise<string>;
}

export interface ImageLink {
  readonly url: string;
  readonly expiresInSeconds: number;
}

/** Finds a stored image and hands out a short-lived link to it. */
export interface ImageLocator {
  /** A presigned GET link when the object exists, undefined while it does not; rejects with ImageBackendError. */
  link(key: string): Promise<ImageLink | undefined>;
}

export interface ImageJobs {
  readonly queue: ImageQueue;
  readonly locator: ImageLocator;
  /** The worker's prompt limit, checked before anything is sent. */
  readonly maxPromptChars: number;
}

/** SQS or S3 failed (unreachable, throttled, denied, 5xx): the request gets a 503, never a 500. */
export class ImageBackendError extends Error {
  override readonly name = 'ImageBackendError';
  constructor(
    readonly service: 'sqs' | 's3',
    cause: unknown,
  ) {
    super(`${service} request failed: ${describe(cause)}`, { cause });
  }
}

function describe(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, message, $metadata } = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode ? ` (HTTP ${$metadata.httpStatusCode})` : '';
  return `${name ?? 'Error'}: ${message ?? ''}${status}`;
}
