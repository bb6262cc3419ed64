/** The API's operational paths: the load balancer's health check and the operators' endpoints. */
export const HEALTH_PATH = '/health';
export const READY_PATH = '/ready';
export const METRICS_PATH = '/metrics';
export const INSTANCE_PATH = '/instance';
