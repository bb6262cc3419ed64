/** Accepted policy failures, as the config file lists them: the project's and each environment's. */
import { Checker, objectAt } from './checker';
import type { PolicyWaiver } from './schema';

/** A list of waivers at `at` (`policy.waivers`, `environments.dev.policy.waivers`), each field checked. */
export function checkWaivers(check: Checker, at: string, value: unknown): PolicyWaiver[] {
  if (!Array.isArray(value)) {
    check.fail(at, `must be a list of waivers, got ${JSON.stringify(value)}`);
    return [];
  }
  return value.map((w, i) => waiver(check, `${at}[${i}]`, w));
}

function waiver(check: Checker, at: string, value: unknown): PolicyWaiver {
  const raw = objectAt(check, at, value);
  check.onlyKeys(at, raw, ['rule', 'resource', 'reason', 'expires']);
  return {
    rule: check.pattern(`${at}.rule`, raw.rule, /^[A-Z][A-Z0-9_-]+$/, 'a rule id like CKV_AWS_158'),
    resource: check.string(`${at}.resource`, raw.resource),
    reason: check.string(`${at}.reason`, raw.reason),
    expires: check.date(`${at}.expires`, raw.expires),
  };
}
