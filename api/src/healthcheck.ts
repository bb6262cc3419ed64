/**
 * The container's health check (the image's HEALTHCHECK and the ECS task's): asks the API's own
 * `/health` on this container, as the load balancer does, and exits 0 only on a 200 within the
 * time limit. Plain Node.js: the image has no shell, curl or wget to do it with.
 */
import * as http from 'http';
import { HEALTH_PATH } from '../contract/http';

const TIMEOUT_MS = 3000;
const port = Number(process.env.PORT ?? 3000);

const request = http.get({ host: '127.0.0.1', port, path: HEALTH_PATH, timeout: TIMEOUT_MS }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
request.on('error', (error) => {
  console.error(`health check of 127.0.0.1:${port}${HEALTH_PATH} failed: ${error.message}`);
  process.exit(1);
});
