/**
 * When to replace a worker that exited on its own: soon after a one-off crash, ever later while a
 * slot keeps failing (0.25 s doubling to 30 s), so a crash loop costs a fork every 30 s at most
 * instead of spinning a CPU, and never stops trying for long.
 */
export const FIRST_RESTART_DELAY_MS = 250;
export const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran at least this long before it exited failed anew: its slot's back-off starts over. */
export const STABLE_WORKER_MS = 10_000;

/** The wait before the `failures`-th consecutive restart of a slot (1 = the first). */
export function restartDelayMs(failures: number): number {
  return Math.min(FIRST_RESTART_DELAY_MS * 2 ** Math.max(0, failures - 1), MAX_RESTART_DELAY_MS);
}

export class RestartBackoff {
  private readonly failures = new Map<number, number>();

  /** Records that the worker of `slot` exited after running `ranMs`; says how long to wait and the failure count. */
  next(slot: number, ranMs: number): { readonly delayMs: number; readonly failures: number } {
    const failures = ranMs >= STABLE_WORKER_MS ? 1 : (this.failures.get(slot) ?? 0) + 1;
    this.failures.set(slot, failures);
    return { delayMs: restartDelayMs(failures), failures };
  }
}
