/**
 * One SQS batch → images in S3. Records are independent: each one either succeeds (image stored,
 * or already there) or is reported in `batchItemFailures`, so one bad record never fails the batch.
 */
import { createHash } from 'crypto';
import { imageKeyFor, ImageMessage, InvalidImageMessageError, parseImageMessage } from '../contract/image-message';
import { FailureKind, RecordFailure } from './errors';
import type { ImageGenerator } from './image-model';
import type { ImageStore } from './image-store';
import type { LambdaContextLike, SqsBatchResponse, SqsEvent, SqsRecord } from './sqs-types';
import { BatchMetrics, emfLine, emptyBatchMetrics, LineWriter, Logger } from './telemetry';
import type { UnstoredImages } from './unstored-images';

export interface ProcessorSettings {
  readonly maxPromptChars: number;
  readonly concurrency: number;
  readonly modelTimeoutMs: number;
}

export interface WorkerDeps {
  readonly settings: ProcessorSettings;
  readonly store: ImageStore;
  readonly generator: ImageGenerator;
  readonly logger: Logger;
  /** Where EMF lines go (stdout in Lambda). */
  readonly writeMetrics: LineWriter;
  readonly now?: () => number;
  /** Images generated whose upload failed, for a redelivery to store (kept across invocations). */
  readonly unstored?: UnstoredImages;
}

/** Time kept back after the model call for the S3 put and the response. */
export const RESERVED_AFTER_MODEL_MS = 3_000;
/** A model call with less time than this is not started. */
export const MIN_MODEL_BUDGET_MS = 2_000;

type Outcome = 'generated' | 'skipped' | 'failed';

export async function processBatch(
  event: SqsEvent,
  deps: WorkerDeps,
  context: LambdaContextLike = {},
): Promise<SqsBatchResponse> {
  const now = deps.now ?? Date.now;
  const started = now();
  const logger = deps.logger.child({ awsRequestId: context.awsRequestId });
  const metrics = emptyBatchMetrics();
  const failures: { itemIdentifier: string }[] = [];
  const batch: BatchState = { images: new Map() };
  const records = event.Records ?? [];

  let next = 0;
  const lanes = Array.from({ length: Math.min(deps.settings.concurrency, records.length) }, async () => {
    while (next < records.length) {
      const record = records[next++];
      const outcome = await processRecord(record, deps, context, logger, metrics, batch, now);
      // SQS may hold one message twice in a batch: it is reported once.
      if (outcome === 'failed' && !failures.some((f) => f.itemIdentifier === record.messageId)) failures.push({ itemIdentifier: record.messageId });
    }
  });
  await Promise.all(lanes);

  deps.writeMetrics(emfLine(metrics, now(), deps.generator.modelId));
  logger.log(failures.length > 0 ? 'warn' : 'info', 'batch done', {
    records: records.length,
    generated: metrics.imagesGenerated,
    skipped: metrics.imagesSkipped,
    failed: failures.length,
    durationMs: now() - started,
  });
  // Same order as the event, which makes logs and tests easier to read.
  const order = new Map(records.map((r, i) => [r.messageId, i]));
  failures.sort((a, b) => (order.get(a.itemIdentifier) ?? 0) - (order.get(b.itemIdentifier) ?? 0));
  return { batchItemFailures: failures };
}

/**
 * Failures that are not the record's own: the model throttled or is unavailable, or S3 cannot store
 * what it makes. After one, the rest of the batch is handed back without calling the model.
 */
const STOPS_MODEL_CALLS: ReadonlySet<FailureKind> = new Set(['throttled', 'model_unavailable', 'storage']);

interface BatchState {
  /** The failure that stopped model calls in this batch. */
  stopped?: RecordFailure;
  /** The first record of each image key in this batch: copies wait for it instead of calling the model again. */
  readonly images: Map<string, Promise<Outcome>>;
}

async function processRecord(
  record: SqsRecord,
  deps: WorkerDeps,
  context: LambdaContextLike,
  batchLogger: Logger,
  metrics: BatchMetrics,
  batch: BatchState,
  now: () => number,
): Promise<Outcome> {
  const started = now();
  let logger = batchLogger.child({
    messageId: record.messageId,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
  });
  let message: ImageMessage;
  try {
    message = parseImageMessage(record.body, deps.settings.maxPromptChars);
  } catch (error) {
    metrics.failures++;
    metrics.invalidMessages++;
    logger.log('error', 'invalid message', {
      kind: 'invalid_message',
      retryable: false,
      error: error instanceof InvalidImageMessageError ? error.message : String(error),
      bodyBytes: Buffer.byteLength(record.body ?? ''),
    });
    return 'failed';
  }

  const key = imageKeyFor(message);
  logger = logger.child({ requestId: message.requestId, taskId: message.taskId, key });
  const first = batch.images.get(key);
  if (first) {
    // SQS may deliver a message twice, even within one batch: the copy shares the first's outcome.
    const outcome = await first;
    logger.log('info', 'copy of an earlier record in this batch, model not called', { firstOutcome: outcome });
    if (outcome === 'failed') {
      metrics.failures++;
      return 'failed';
    }
    metrics.imagesSkipped++;
    return 'skipped';
  }
  const outcome = makeImage(message, key, deps, context, logger, metrics, batch, now, started);
  batch.images.set(key, outcome);
  return outcome;
}

/** Generates and stores the image of one message, unless it is already stored. */
async function makeImage(
  message: ImageMessage,
  key: string,
  deps: WorkerDeps,
  context: LambdaContextLike,
  logger: Logger,
  metrics: BatchMetrics,
  batch: BatchState,
  now: () => number,
  started: number,
): Promise<Outcome> {
  try {
    const presence = await deps.store.presence(key);
    if (presence === 'present') {
      metrics.imagesSkipped++;
      logger.log('info', 'image already exists, model not called', { durationMs: now() - started });
      return 'skipped';
    }
    if (presence === 'forbidden') {
      logger.log('warn', 'HeadObject answered 403: grant s3:ListBucket on the bucket so a missing image is a 404; generating anyway');
    }
    // An image an earlier delivery of this job made but could not upload is stored as it is: no
    // model call. Kept per key and prompt, so another job for the same key never gets it.
    const promptSha256 = sha256(message.prompt);
    const job = `${key} ${promptSha256}`;
    const kept = deps.unstored?.take(job);
    const png = kept ?? (await generateUnlessStopped(message, key, deps, context, metrics, batch, now));
    let written: 'created' | 'exists';
    try {
      written = await deps.store.put(key, png, {
        'request-id': message.requestId,
        ...(message.taskId !== undefined ? { 'task-id': String(message.taskId) } : {}),
        'model-id': deps.generator.modelId,
        'prompt-sha256': promptSha256,
      });
    } catch (error) {
      deps.unstored?.keep(job, png);
      throw error;
    }
    if (written === 'exists') {
      metrics.imagesSkipped++;
      logger.log('info', 'image stored concurrently by another delivery, kept it', { durationMs: now() - started });
      return 'skipped';
    }
    metrics.imagesGenerated++;
    logger.log('info', 'image stored', { bytes: png.length, modelCalled: !kept, durationMs: now() - started });
    return 'generated';
  } catch (error) {
    const failure =
      error instanceof RecordFailure
        ? error
        : new RecordFailure('storage', true, error instanceof Error ? error.message : String(error), { cause: error });
    if (failure.kind === 'throttled') metrics.throttles++;
    if (STOPS_MODEL_CALLS.has(failure.kind)) batch.stopped ??= failure;
    metrics.failures++;
    logger.log(failure.retryable ? 'warn' : 'error', 'record failed', {
      kind: failure.kind,
      retryable: failure.retryable,
      error: failure.message,
      durationMs: now() - started,
    });
    return 'failed';
  }
}

/** Calls the model, unless a failure earlier in the batch stopped model calls or too little time is left. */
async function generateUnlessStopped(
  message: ImageMessage,
  key: string,
  deps: WorkerDeps,
  context: LambdaContextLike,
  metrics: BatchMetrics,
  batch: BatchState,
  now: () => number,
): Promise<Buffer> {
  const stopped = batch.stopped;
  if (stopped) throw new RecordFailure(stopped.kind, true, `not calling the model: ${stopped.kind} earlier in this batch (${stopped.message})`);
  const budget = modelBudget(deps.settings.modelTimeoutMs, context);
  if (budget < MIN_MODEL_BUDGET_MS) {
    throw new RecordFailure('deadline', true, `only ${budget} ms left for the model call`);
  }
  return timedGenerate(deps.generator, message, key, budget, metrics, now);
}

async function timedGenerate(
  generator: ImageGenerator,
  message: ImageMessage,
  key: string,
  budgetMs: number,
  metrics: BatchMetrics,
  now: () => number,
): Promise<Buffer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), budgetMs);
  const started = now();
  try {
    return await generator.generate(message.prompt, { seed: seedFor(key), abortSignal: abort.signal });
  } catch (error) {
    if (abort.signal.aborted) {
      throw new RecordFailure('model_unavailable', true, `model call abandoned after ${budgetMs} ms (time budget of this invocation)`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    metrics.modelLatencyMs.push(now() - started);
  }
}

function modelBudget(modelTimeoutMs: number, context: LambdaContextLike): number {
  const remaining = context.getRemainingTimeInMillis?.();
  if (remaining === undefined) return modelTimeoutMs;
  return Math.min(modelTimeoutMs, remaining - RESERVED_AFTER_MODEL_MS);
}

/** A stable seed per image key: a redelivered message asks for the same picture. */
export function seedFor(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) & 0x7fffffff;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
