/** Builds the real dependencies (AWS SDK clients) from the validated configuration. */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import type { WorkerConfig } from './config';
import { BedrockImageGenerator } from './image-model';
import { S3ImageStore } from './image-store';
import type { WorkerDeps } from './processor';
import { createLogger, LineWriter, stdoutWriter } from './telemetry';
import { UnstoredImages } from './unstored-images';

export interface CreateDepsOptions {
  /** Where log and EMF lines go (stdout by default). */
  readonly write?: LineWriter;
}

export function createWorkerDeps(config: WorkerConfig, options: CreateDepsOptions = {}): WorkerDeps {
  const write = options.write ?? stdoutWriter;
  const s3 = new S3Client({
    region: config.region,
    ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true } : {}),
    maxAttempts: 3,
  });
  const bedrock = new BedrockRuntimeClient({
    region: config.region,
    ...(config.bedrockEndpoint ? { endpoint: config.bedrockEndpoint } : {}),
    maxAttempts: config.modelMaxAttempts,
    // The Bedrock Runtime client speaks HTTP/2; keep its default of one stream per session.
    requestHandler: { requestTimeout: config.modelTimeoutMs, disableConcurrentStreams: true },
  });
  return {
    settings: {
      maxPromptChars: config.maxPromptChars,
      concurrency: config.concurrency,
      modelTimeoutMs: config.modelTimeoutMs,
    },
    store: new S3ImageStore(s3, config.bucket),
    generator: new BedrockImageGenerator(bedrock, config.modelId, config.modelFamily, {
      width: config.imageWidth,
      height: config.imageHeight,
    }),
    logger: createLogger(write, { service: 'image-worker' }),
    writeMetrics: write,
    unstored: new UnstoredImages(),
  };
}
