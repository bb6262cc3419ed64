/** The API's operational paths: the load balancer's health check and the operators' endpoints. */
export const HEALTH_PATH = '/health';
export const READY_PATH = '/ready';
export const METRICS_PATH = '/metrics';
export const INSTANCE_PATH = '/instance';
/** Operators' endpoints, never reachable through the edge. */
export const OPS_PATHS = [METRICS_PATH, INSTANCE_PATH] as const;
