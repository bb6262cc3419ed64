/**
 * Runs the rules over stacks and applies the waivers of the config. A waiver holds through its
 * expiry day (UTC); after that the failure counts again, and the expired waiver is a failure of
 * its own. A waiver naming no known rule fails too; one that matches nothing is reported (low).
 */
import type { PolicyWaiver } from '../../stacks/config';
import { isBlocking, type Severity } from './rule';
import { RULES } from './rules';
import { PLAN_RULES } from './rules/plan';
import type { StackView } from './stack';

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  readonly fix: string;
  readonly stack: string;
  readonly address: string;
  readonly path: string;
  /** What fails, about this resource. */
  readonly failure: string;
  /** The waiver that accepts it. */
  readonly waiver?: PolicyWaiver;
  /** A waiver that matched but expired on this date. */
  readonly expiredWaiver?: string;
}

export interface PolicyResult {
  readonly stacks: readonly string[];
  readonly rules: number;
  /** Checks that passed (one rule on one subject). */
  readonly passed: number;
  /** Unwaived failures, most severe first. */
  readonly failures: readonly Finding[];
  readonly waived: readonly Finding[];
  /** Unwaived failures of severity high or critical: any of them fails the check. */
  readonly blocking: number;
}

/** The rules about the waivers themselves. */
export const WAIVER_RULES = {
  expired: { id: 'TM_WAIVER_EXPIRED', severity: 'high', title: 'Waivers are renewed or removed when they expire', fix: 'Fix the finding, or renew the waiver with a new reason and expiry in a reviewed change' },
  unknown: { id: 'TM_WAIVER_UNKNOWN_RULE', severity: 'high', title: 'Waivers name rules that exist', fix: 'Use a rule id from docs/delivery.md (Policy)' },
  unused: { id: 'TM_WAIVER_UNUSED', severity: 'low', title: 'Waivers match a failure', fix: 'Remove the waiver: nothing fails any more' },
} as const;

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface EvaluateOptions {
  /** The project's waivers; each environment's own come with its stack (environment.policy.waivers). */
  readonly waivers: readonly PolicyWaiver[];
  /** Today, YYYY-MM-DD (UTC). */
  readonly today: string;
}

export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function matches(waiver: PolicyWaiver, finding: Omit<Finding, 'waiver' | 'expiredWaiver'>): boolean {
  return waiver.rule === finding.rule && (waiver.resource === finding.path || waiver.resource === finding.address);
}

/** A waiver with where the config lists it, and the stack it is limited to (an environment's own). */
interface ListedWaiver {
  readonly waiver: PolicyWaiver;
  readonly at: string;
  readonly stack?: string;
}

/** The project's waivers, then each checked environment's own (which hold for its stack only). */
function listedWaivers(stacks: readonly StackView[], project: readonly PolicyWaiver[]): ListedWaiver[] {
  return [
    ...project.map((waiver, i) => ({ waiver, at: `policy.waivers[${i}]` })),
    ...stacks.flatMap((s) => (s.environment?.policy.waivers ?? []).map((waiver, i) => ({ waiver, at: `environments.${s.name}.policy.waivers[${i}]`, stack: s.name }))),
  ];
}

export function evaluatePolicy(stacks: readonly StackView[], options: EvaluateOptions): PolicyResult {
  const rules = RULES;
  const listed = listedWaivers(stacks, options.waivers);
  const known = new Set([...rules.map((r) => r.id), ...Object.values(WAIVER_RULES).map((r) => r.id)]);
  const used = new Set<PolicyWaiver>();
  let passed = 0;
  const failures: Finding[] = [];
  const waived: Finding[] = [];
  for (const stack of stacks) {
    for (const rule of rules) {
      for (const outcome of rule.evaluate(stack)) {
        if (outcome.failure === undefined) {
          passed++;
          continue;
        }
        const finding = { rule: rule.id, severity: rule.severity, title: rule.title, fix: rule.fix, stack: stack.name, address: outcome.address, path: outcome.path, failure: outcome.failure };
        const candidates = listed.filter((l) => (l.stack ?? stack.name) === stack.name).map((l) => l.waiver).filter((w) => matches(w, finding));
        candidates.forEach((w) => used.add(w));
        const valid = candidates.find((w) => w.expires >= options.today);
        if (valid) waived.push({ ...finding, waiver: valid });
        else failures.push(candidates.length ? { ...finding, expiredWaiver: candidates[0].expires } : finding);
      }
    }
  }
  const planned = stacks.some((s) => s.plan !== undefined);
  listed.forEach(({ waiver, at }) => {
    const problem = (meta: (typeof WAIVER_RULES)[keyof typeof WAIVER_RULES], failure: string): Finding => ({
      rule: meta.id, severity: meta.severity, title: meta.title, fix: meta.fix, stack: 'config', address: at, path: at, failure,
    });
    const what = `the waiver of ${waiver.rule} for ${waiver.resource}`;
    if (!known.has(waiver.rule)) failures.push(problem(WAIVER_RULES.unknown, `${what} names no known rule`));
    else if (waiver.expires < options.today) failures.push(problem(WAIVER_RULES.expired, `${what} expired on ${waiver.expires} (${waiver.reason})`));
    else if (!used.has(waiver) && checkedHere(waiver, stacks, planned)) failures.push(problem(WAIVER_RULES.unused, `${what} matches no failure`));
  });
  failures.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.stack.localeCompare(b.stack) || a.rule.localeCompare(b.rule) || a.path.localeCompare(b.path));
  return { stacks: stacks.map((s) => s.name), rules: rules.length, passed, failures, waived, blocking: failures.filter((f) => isBlocking(f.severity)).length };
}

/** Whether this run could have matched the waiver: its stack was checked, and a plan when it waives a plan rule. */
function checkedHere(waiver: PolicyWaiver, stacks: readonly StackView[], planned: boolean): boolean {
  if (PLAN_RULES.some((r) => r.id === waiver.rule) && !planned) return false;
  const stackName = waiver.resource.includes('/') ? waiver.resource.split('/')[0] : undefined;
  return stackName === undefined || stacks.some((s) => s.name === stackName);
}
