/**
 * Names that the deployables publish and the infrastructure reads: the dashboard, the alarms and
 * the instance role's `cloudwatch:namespace` condition must use exactly these.
 */

/** Namespace of every custom metric: the API's EMF lines, the worker's, and the CloudWatch agent's (SPEC A4, O2). */
export const METRICS_NAMESPACE = 'TaskManagerMetrics';
/** Counted once per created task (SPEC A4). */
export const TASKS_CREATED_METRIC = 'TasksCreated';
/** The `Service` dimension of the image worker's metrics. */
export const WORKER_METRICS_SERVICE = 'image-worker';
/** The worker's metric names (EMF, namespace above, dimension `Service`). */
export const WORKER_METRICS = {
  imagesGenerated: 'ImagesGenerated',
  imageFailures: 'ImageFailures',
  modelLatency: 'ModelLatency',
} as const;
