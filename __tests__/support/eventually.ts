import { TIME_LIMITS } from './time-limits';

/**
 * Waits for a condition the test needs (a file Terraform writes, a message a double receives)
 * instead of sleeping a fixed time: checks every 20 ms, and fails naming what never happened after
 * a bound far above the usual time (TIME_LIMITS.event), so a loaded machine is slower but not flaky.
 */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = TIME_LIMITS.event): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
