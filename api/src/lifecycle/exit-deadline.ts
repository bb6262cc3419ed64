import type { JsonLogger } from '../observability/logger';

/**
 * Time a process gets beyond SHUTDOWN_TIMEOUT_MS to close its database pool, flush its log and
 * exit: the whole API is gone within SHUTDOWN_TIMEOUT_MS + this, even when a query never ends
 * (closing the pool waits for every connection in use, without a bound of its own).
 */
export const EXIT_GRACE_MS = 5000;

/**
 * Armed when a stop signal arrives: ends the process at SHUTDOWN_TIMEOUT_MS + EXIT_GRACE_MS if it
 * is still running then, saying so (exit 0, as the cluster primary does after killing a worker).
 */
export function exitAtDeadline(shutdownTimeoutMs: number, logger: JsonLogger): void {
  const deadlineMs = shutdownTimeoutMs + EXIT_GRACE_MS;
  setTimeout(() => {
    logger.warn('did not stop in time, exiting anyway', { deadlineMs, reason: 'the database pool did not close (a query still running)' });
    logger.flushSync();
    process.exit(0);
  }, deadlineMs).unref();
}
