/**
 * What a policy rule is, and the helpers rules share to read synthesized configuration.
 *
 * A rule looks at subjects of a stack (resources of some types, the providers, planned changes)
 * and says for each whether it passes; a failure is one sentence about that subject. The engine
 * adds the rule's id, severity and fix, the stack, the address and the construct path.
 */
import type { Json, Resource, StackView } from './stack';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Failures of these severities fail the check (exit 1, no apply) unless waived. */
export function isBlocking(severity: Severity): boolean {
  return severity === 'critical' || severity === 'high';
}

export interface Outcome {
  readonly address: string;
  readonly path: string;
  /** Why it fails, one sentence; undefined when it passes. */
  readonly failure?: string;
}

export interface Rule {
  /** Checkov's (CKV_AWS_*) or Trivy's (AVD-AWS-*) id where one exists, else TM_*. */
  readonly id: string;
  readonly severity: Severity;
  /** What the rule requires, e.g. "S3 buckets block public access". */
  readonly title: string;
  /** How to fix a failure, one line. */
  readonly fix: string;
  evaluate(stack: StackView): Outcome[];
}

export interface ResourceRuleSpec extends Omit<Rule, 'evaluate'> {
  readonly types: readonly string[];
  /** Only resources this accepts are checked (e.g. application load balancers only). */
  readonly appliesTo?: (resource: Resource, stack: StackView) => boolean;
  /** The failure, or undefined when the resource passes. */
  readonly check: (resource: Resource, stack: StackView) => string | undefined;
}

/** A rule that checks every resource of some types on its own. */
export function resourceRule(spec: ResourceRuleSpec): Rule {
  const { types, appliesTo, check, ...rule } = spec;
  return {
    ...rule,
    evaluate: (stack) =>
      stack
        .ofType(...types)
        .filter((r) => appliesTo?.(r, stack) ?? true)
        .map((r) => ({ address: r.address, path: r.path, failure: check(r, stack) })),
  };
}

/** A nested block as cdktf writes it (one object, or a list of them) as a list. */
export function blocks(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter((v): v is Json => typeof v === 'object' && v !== null);
  return typeof value === 'object' && value !== null ? [value as Json] : [];
}

/** Literally true (cdktf writes some booleans as "true"); an expression is not known to be true. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/** A value that is set: not undefined, null or empty. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

export function show(value: unknown): string {
  return value === undefined ? 'not set' : JSON.stringify(value);
}

/** A list attribute as strings (a single string counts as a one-item list). */
export function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
