/**
 * Structured JSON log lines and CloudWatch Embedded Metric Format (EMF) lines, both written to
 * stdout: Lambda ships stdout to the function's log group, and CloudWatch turns EMF lines into
 * metrics without any API call from the function.
 */
import { METRICS_NAMESPACE, WORKER_METRICS, WORKER_METRICS_SERVICE } from '../contract/telemetry';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type LineWriter = (line: string) => void;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export const stdoutWriter: LineWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

export function createLogger(write: LineWriter = stdoutWriter, base: LogFields = {}): Logger {
  return {
    log(level, msg, fields = {}) {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }, errorReplacer));
    },
    child(fields) {
      return createLogger(write, { ...base, ...fields });
    },
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** What one batch did, as metric values. */
export interface BatchMetrics {
  imagesGenerated: number;
  imagesSkipped: number;
  failures: number;
  invalidMessages: number;
  throttles: number;
  /** One value per model call (successful or not). */
  modelLatencyMs: number[];
}

export function emptyBatchMetrics(): BatchMetrics {
  return { imagesGenerated: 0, imagesSkipped: 0, failures: 0, invalidMessages: 0, throttles: 0, modelLatencyMs: [] };
}

/**
 * One EMF line for a batch: namespace `TaskManagerMetrics`, dimension `Service=image-worker`.
 * Metrics: ImagesGenerated, ImagesSkipped, ImageFailures, InvalidImageMessages, ModelThrottles
 * (Count) and ModelLatency (Milliseconds, one value per call).
 */
export function emfLine(metrics: BatchMetrics, timestamp: number, modelId: string): string {
  const definitions: { Name: string; Unit: string }[] = [
    { Name: WORKER_METRICS.imagesGenerated, Unit: 'Count' },
    { Name: 'ImagesSkipped', Unit: 'Count' },
    { Name: WORKER_METRICS.imageFailures, Unit: 'Count' },
    { Name: 'InvalidImageMessages', Unit: 'Count' },
    { Name: 'ModelThrottles', Unit: 'Count' },
  ];
  const values: Record<string, number | number[]> = {
    [WORKER_METRICS.imagesGenerated]: metrics.imagesGenerated,
    ImagesSkipped: metrics.imagesSkipped,
    [WORKER_METRICS.imageFailures]: metrics.failures,
    InvalidImageMessages: metrics.invalidMessages,
    ModelThrottles: metrics.throttles,
  };
  if (metrics.modelLatencyMs.length > 0) {
    definitions.push({ Name: WORKER_METRICS.modelLatency, Unit: 'Milliseconds' });
    values[WORKER_METRICS.modelLatency] = metrics.modelLatencyMs.map((ms) => Math.round(ms));
  }
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['Service']], Metrics: definitions }],
    },
    Service: WORKER_METRICS_SERVICE,
    // Not a dimension: searchable in Logs Insights without multiplying metric cost.
    ModelId: modelId,
    ...values,
  });
}
