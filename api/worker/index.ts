/**
 * Lambda entry point: `index.handler` in the bundle. Importing this module does no work; the
 * configuration is validated and the AWS clients are created on the first invocation and reused.
 */
import { loadWorkerConfig } from './config';
import { processBatch, WorkerDeps } from './processor';
import type { LambdaContextLike, SqsBatchResponse, SqsEvent } from './sqs-types';
import { createLogger } from './telemetry';

let deps: WorkerDeps | undefined;

export async function handler(event: SqsEvent, context: LambdaContextLike = {}): Promise<SqsBatchResponse> {
  if (!deps) {
    try {
      const config = loadWorkerConfig(process.env);
      // The AWS SDK (most of the bundle) is evaluated here, on the first invocation, not at import.
      const { createWorkerDeps } = await import('./clients');
      deps = createWorkerDeps(config);
    } catch (error) {
      // Not a per-record problem: fail the invocation so the whole batch is retried once fixed.
      createLogger().log('error', 'worker configuration is invalid', { error, awsRequestId: context.awsRequestId });
      throw error;
    }
  }
  return processBatch(event, deps, context);
}

