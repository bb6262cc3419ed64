/**
 * The one place the suite's time limits come from. They are bounds after which a test fails, never
 * how long anything should take (that is what `npm run bench:*` measures): generous, so that a
 * loaded machine (two `npm test` runs at once on 2 shared cores: load averages past 20) is slower
 * but not red. A test that waits for something waits for the event itself (`eventually`, a log
 * line, a page change) and uses these only as the give-up point.
 *
 * TEST_TIME_SCALE (default 1) multiplies them all, for a machine slower still.
 */
function scale(): number {
  const raw = process.env.TEST_TIME_SCALE;
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`TEST_TIME_SCALE: must be a positive number, got "${raw}"`);
  return value;
}

const SCALE = scale();
const seconds = (s: number): number => Math.round(s * 1000 * SCALE);

export const TIME_LIMITS = {
  /** Any test or hook that names no other limit: our own code, a process or a page it starts (jest's default). */
  test: seconds(120),
  /** A real engine's work: synth, terraform init/plan/apply with the AWS provider, the IAM simulator over every role. */
  realEngine: seconds(600),
  /** Waiting for one thing a process, a server or a page does next: a log line, a listening port, a DOM change. */
  event: seconds(30),
} as const;
