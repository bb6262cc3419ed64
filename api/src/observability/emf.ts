/**
 * CloudWatch Embedded Metric Format: a JSON log line that CloudWatch Logs turns into a metric when
 * the line reaches the log group, so counting a task costs a log write and no network call in the
 * request path. Spec: the `_aws` object names the namespace and metric; the value is a top-level key.
 */
import { METRICS_NAMESPACE, TASKS_CREATED_METRIC } from '../../contract/telemetry';

export interface TasksCreatedEmf {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: ReadonlyArray<readonly string[]>;
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
  readonly TasksCreated: number;
  readonly taskId: number;
  readonly requestId?: string;
}

/**
 * No dimensions (an empty dimension set), so the dashboard and alarms can refer to the metric by
 * namespace and name alone; `taskId` and `requestId` ride along as searchable log fields.
 */
export function tasksCreatedEmf(taskId: number, at: Date, requestId?: string): TasksCreatedEmf {
  return {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        { Namespace: METRICS_NAMESPACE, Dimensions: [[]], Metrics: [{ Name: TASKS_CREATED_METRIC, Unit: 'Count' }] },
      ],
    },
    TasksCreated: 1,
    taskId,
    ...(requestId ? { requestId } : {}),
  };
}

// The constant part of every TasksCreated line, serialised once.
const TASKS_CREATED_METADATA = JSON.stringify(tasksCreatedEmf(0, new Date(0))._aws.CloudWatchMetrics);

/**
 * The same line as `JSON.stringify(tasksCreatedEmf(...))`, built without serialising the constant
 * metadata for every task (this is on the POST path). The request id is either ours (a UUID) or
 * a caller's id restricted to `[\w.:-]`, but it is escaped anyway.
 */
export function tasksCreatedEmfLine(taskId: number, at: Date, requestId?: string): string {
  const tail = requestId ? `,"requestId":${JSON.stringify(requestId)}` : '';
  return `{"_aws":{"Timestamp":${at.getTime()},"CloudWatchMetrics":${TASKS_CREATED_METADATA}},"TasksCreated":1,"taskId":${taskId}${tail}}`;
}
