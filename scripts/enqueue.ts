/**
 * `npm run enqueue -- "A croissant" [--task-id 42] [--request-id ID]`
 *
 * Queues an image-generation message for the worker Lambda and prints the S3 key the image will
 * have (stdout: the key only, so it can be captured; details go to stderr).
 *
 * Environment: QUEUE_URL (required), AWS_REGION (else taken from the queue URL),
 * SQS_ENDPOINT (optional override, e.g. a local SQS), MODEL_ID (to check the prompt against
 * that model's limit; the default model's limit otherwise). Credentials: the usual AWS chain.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildImageMessage, ImageMessage, InvalidImageMessageError, promptLimitFor } from '../api/contract/image-message';
import { helpText, parseCommand, UsageError } from './support/cli';

export { UsageError };

export interface EnqueueArgs {
  readonly prompt: string;
  readonly taskId?: number;
  readonly requestId?: string;
}

export const COMMAND = {
  invocation: 'npm run enqueue --',
  positionals: '"<prompt>"',
  summary: 'Sends { prompt, taskId?, requestId } to the image queue and prints the image\'s S3 key (stdout: the key only).',
  flags: {
    'task-id': { type: 'string', value: 'N', description: 'the task the image is for (a positive integer): the key is images/tasks/<N>.png' },
    'request-id': { type: 'string', value: 'ID', description: 'the request id (default: a new UUID): the key is images/requests/<ID>.png without --task-id' },
  },
  notes: [
    [
      'Environment: QUEUE_URL (required), AWS_REGION (default: the queue URL\'s region),',
      'SQS_ENDPOINT (optional endpoint override), MODEL_ID (prompt limit of that model).',
    ].join('\n'),
    'Exit code: 0 sent; 1 the send failed; 2 a usage or validation error.',
  ],
} as const;

export const USAGE = helpText(COMMAND);

export function parseArgs(argv: readonly string[]): EnqueueArgs | 'help' {
  const parsed = parseCommand(COMMAND, argv);
  if (parsed === 'help') return 'help';
  const { values, positionals } = parsed;
  let taskId: number | undefined;
  const rawTaskId = values['task-id'];
  if (rawTaskId !== undefined) {
    if (!/^[1-9]\d*$/.test(rawTaskId) || !Number.isSafeInteger(Number(rawTaskId))) {
      throw new UsageError(`--task-id must be a positive integer, got "${rawTaskId}"`);
    }
    taskId = Number(rawTaskId);
  }
  // Unquoted words are joined, so `npm run enqueue -- A croissant` works too.
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError('a prompt is required');
  return { prompt, taskId, requestId: values['request-id'] };
}

export interface QueueSettings {
  readonly queueUrl: string;
  readonly region: string;
  readonly endpoint?: string;
}

export function queueSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): QueueSettings {
  const queueUrl = env.QUEUE_URL?.trim();
  if (!queueUrl) {
    throw new UsageError(
      'QUEUE_URL is required: the URL of the image queue (e.g. the queue URL output of the environment stack)',
    );
  }
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    throw new UsageError(`QUEUE_URL must be a URL, got "${queueUrl}"`);
  }
  const region =
    env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.host)?.[1];
  if (!region) throw new UsageError('AWS_REGION is required (it cannot be read from QUEUE_URL)');
  const override = env.SQS_ENDPOINT?.trim() || undefined;
  if (override && !/^https?:\/\//.test(override)) {
    throw new UsageError(`SQS_ENDPOINT must be an http(s) URL, got "${override}"`);
  }
  // A queue URL that is not on AWS (LocalStack, ElasticMQ, a test double) is its own endpoint.
  const endpoint = override ?? (/\.amazonaws\.com(\.cn)?$/.test(url.hostname) ? undefined : url.origin);
  return { queueUrl, region, endpoint };
}

export interface EnqueueResult {
  readonly key: string;
  readonly messageId: string;
  readonly message: ImageMessage;
}

/** Validates, sends one message, returns the image key. */
export async function enqueueImage(
  client: SQSClient,
  queueUrl: string,
  args: EnqueueArgs,
  maxPromptChars: number = promptLimitFor(),
): Promise<EnqueueResult> {
  const { message, body, key } = buildImageMessage({ ...args, maxPromptChars });
  const output = await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  if (!output.MessageId) throw new Error('SQS answered without a MessageId');
  return { key, messageId: output.MessageId, message };
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The CLI: returns the exit code (0 sent, 1 send failed, 2 usage or validation error). */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: Io,
): Promise<number> {
  let args: EnqueueArgs;
  let settings: QueueSettings;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      io.out(USAGE);
      return 0;
    }
    args = parsed;
    settings = queueSettingsFromEnv(env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`enqueue: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }

  const client = new SQSClient({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  });
  try {
    const result = await enqueueImage(client, settings.queueUrl, args, promptLimitFor(env.MODEL_ID?.trim() || undefined));
    io.err(
      `queued message ${result.messageId} (request ${result.message.requestId}` +
        `${result.message.taskId !== undefined ? `, task ${result.message.taskId}` : ''}) to ${settings.queueUrl}`,
    );
    io.out(result.key);
    return 0;
  } catch (error) {
    if (error instanceof InvalidImageMessageError) {
      io.err(`enqueue: ${error.message}`);
      return 2;
    }
    const e = error as { name?: string; message?: string };
    io.err(`enqueue: sending to ${settings.queueUrl} failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
    return 1;
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`enqueue: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
