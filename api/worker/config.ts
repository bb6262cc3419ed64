/**
 * The worker's configuration, read once from the environment and validated; every error names
 * the variable so a misconfigured Lambda says what to fix in its first log line.
 */
import {
  DEFAULT_IMAGE_MODEL_ID,
  ImageModelFamily,
  modelFamily,
  PROMPT_LIMITS,
} from '../contract/image-message';
import { ConfigError } from '../contract/config-error';
import { isBucketName, isHttpUrl, isRegion } from '../contract/validators';

export { ConfigError } from '../contract/config-error';

/** The environment variables the worker reads; the stack sets the first two. */
export type WorkerSettingName =
  | 'IMAGES_BUCKET'
  | 'MODEL_ID'
  | 'AWS_REGION'
  | 'IMAGE_WIDTH'
  | 'IMAGE_HEIGHT'
  | 'WORKER_CONCURRENCY'
  | 'MODEL_MAX_ATTEMPTS'
  | 'MODEL_TIMEOUT_MS'
  | 'S3_ENDPOINT'
  | 'BEDROCK_ENDPOINT';

export interface WorkerConfig {
  readonly bucket: string;
  readonly region: string;
  readonly modelId: string;
  readonly modelFamily: ImageModelFamily;
  readonly maxPromptChars: number;
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** Records of one batch processed at the same time. */
  readonly concurrency: number;
  /** Attempts per Bedrock call inside one invocation (SQS redelivery is the outer retry). */
  readonly modelMaxAttempts: number;
  /** Upper bound for one model call; the remaining Lambda time lowers it further. */
  readonly modelTimeoutMs: number;
  readonly s3Endpoint?: string;
  readonly bedrockEndpoint?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const bucket = required(env, 'IMAGES_BUCKET');
  if (!isBucketName(bucket)) {
    throw ConfigError.of('IMAGES_BUCKET', `must be an S3 bucket name, got "${bucket}"`);
  }
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  if (!region) {
    throw ConfigError.of('AWS_REGION', 'is required (the Lambda runtime sets it; set it locally)');
  }
  if (!isRegion(region)) {
    throw ConfigError.of('AWS_REGION', `must look like "us-east-1", got "${region}"`);
  }
  const modelId = env.MODEL_ID?.trim() || DEFAULT_IMAGE_MODEL_ID;
  const family = modelFamily(modelId);
  if (!family) {
    throw ConfigError.of(
      'MODEL_ID',
      `"${modelId}" is not a supported image model (amazon.titan-image-generator-v2:0 or amazon.nova-canvas-v1:0)`,
    );
  }
  // Titan v2 accepts a fixed list of sizes (1024x1024 among them); Nova Canvas takes 320-4096
  // in steps of 16. 1024x1024 is valid for both; other sizes are passed through for the model to judge.
  const imageWidth = integer(env, 'IMAGE_WIDTH', 1024, 256, 4096);
  const imageHeight = integer(env, 'IMAGE_HEIGHT', 1024, 256, 4096);
  return {
    bucket,
    region,
    modelId,
    modelFamily: family,
    maxPromptChars: PROMPT_LIMITS[family],
    imageWidth,
    imageHeight,
    concurrency: integer(env, 'WORKER_CONCURRENCY', 4, 1, 32),
    modelMaxAttempts: integer(env, 'MODEL_MAX_ATTEMPTS', 2, 1, 5),
    modelTimeoutMs: integer(env, 'MODEL_TIMEOUT_MS', 60_000, 1_000, 900_000),
    s3Endpoint: endpoint(env, 'S3_ENDPOINT'),
    bedrockEndpoint: endpoint(env, 'BEDROCK_ENDPOINT'),
  };
}

function required(env: Env, name: WorkerSettingName): string {
  const value = env[name]?.trim();
  if (!value) throw ConfigError.of(name, 'is required');
  return value;
}

function integer(env: Env, name: WorkerSettingName, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw ConfigError.of(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function endpoint(env: Env, name: WorkerSettingName): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!isHttpUrl(raw)) throw ConfigError.of(name, `must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
}
