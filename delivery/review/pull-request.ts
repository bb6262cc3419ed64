/**
 * Everything a pull request's plan run publishes, made from the plans and the synthesized app:
 * the comment (plan summary, policy section, cost table, the fingerprint of what was planned as
 * hidden marker data), the labels, and the commit status that branch protection can require.
 */
import { estimateStack } from '../cost/estimate';
import { costMarkdown } from '../cost/report';
import { synthesizedStacks } from '../offline-checks';
import { outcome } from '../plan/comment';
import { code, escapeControl, escapeHtml, plural } from '../plan/markdown';
import { hasChanges, summarize } from '../plan/model';
import { markerLine } from '../github';
import { DEFAULT_MARKER, renderComment, type StackResult } from '../plan/render';
import { loadSynthesized } from '../plan/synthesized';
import { checkPolicy } from '../policy/check';
import { policyMarkdown } from '../policy/report';
import type { PolicyResult } from '../policy/engine';
import { type ChangeSummary, nothingToPlan, pipelineWarning } from './changes';
import { type Fingerprint, fingerprintMarker, FINGERPRINT_VERSION, stackFingerprint } from './fingerprint';

/** The labels the plan run owns on a pull request; others are left alone. */
export const PLAN_LABELS = ['plan:no-changes', 'plan:changes', 'plan:destroy', 'policy:failed'] as const;
/** The commit status a pull request's plan sets, for branch protection to require. */
export const PLAN_STATUS = 'taskmanager/plan';

export interface PlanReview {
  readonly body: string;
  readonly labels: readonly string[];
  readonly status: { readonly state: 'success' | 'failure'; readonly description: string };
  /** The commit the plan was of (the status goes there). */
  readonly head?: string;
  /** What was planned, for the review after the merge (it travels in the run's `plan-review` artifact; the marker in `body` carries it too). */
  readonly fingerprint?: Fingerprint;
}

export interface PlanReviewOptions {
  readonly results: readonly StackResult[];
  /** The synthesized app the plans were made from, with its resolved configuration: enables the policy section, the cost table and code digests. */
  readonly synthDir?: string;
  readonly head?: string;
  readonly base?: string;
  /** Markdown under the summary (the commit and the run). */
  readonly context?: string;
  readonly maxLength?: number;
  readonly today?: string;
  /** The pull request's changed files, classified: a pipeline change opens the comment with a warning. */
  readonly changes?: ChangeSummary;
}

/** plan:destroy when anything is destroyed or replaced, plan:changes for other changes, plan:no-changes when all planned stacks have none. */
export function planLabels(results: readonly StackResult[], policy?: PolicyResult): string[] {
  const summaries = results.filter((r) => r.status === 'planned').map((r) => summarize(r.plan));
  const labels: string[] = [];
  const failed = outcome(results).failed;
  if (!failed && summaries.length === results.length) {
    if (summaries.some((s) => s.counts.destroy + s.counts.replace > 0)) labels.push('plan:destroy');
    else if (summaries.some((s) => hasChanges(s))) labels.push('plan:changes');
    else labels.push('plan:no-changes');
  }
  if (policy && policy.blocking > 0) labels.push('policy:failed');
  return labels;
}

function statusOf(results: readonly StackResult[], policy?: PolicyResult): PlanReview['status'] {
  const parts = results.map((r) => {
    if (r.status !== 'planned') return `${r.stack}: ${r.status === 'failed' ? 'plan failed' : 'not planned'}`;
    const s = summarize(r.plan);
    if (s.failed) return `${r.stack}: plan failed`;
    const c = s.counts;
    return `${r.stack}: ${hasChanges(s) ? `+${c.add} ~${c.change} ±${c.replace} -${c.destroy}` : 'no changes'}`;
  });
  if (policy) parts.push(policy.blocking ? `policy: ${plural(policy.blocking, 'blocking failure')}` : 'policy passed');
  const ok = results.every((r) => r.status === 'planned') && !outcome(results).failed && !(policy && policy.blocking > 0);
  return { state: ok ? 'success' : 'failure', description: parts.join(' · ').slice(0, 140) };
}

/**
 * What the settings waive, for the top of a comment: a waived failure passes only because a
 * reviewed setting accepts it, and a reader should not have to open the policy section to see that.
 */
export function waiverNotice(policy: PolicyResult | undefined, maxListed = 10): string | undefined {
  if (!policy?.waived.length) return undefined;
  const lines = policy.waived.slice(0, maxListed).map((f) => `> - ${code(f.rule)} (${f.severity}) ${code(f.stack)} ${code(f.path)}: ${escapeHtml(escapeControl(f.failure))}; waived until ${f.waiver!.expires}: ${escapeHtml(escapeControl(f.waiver!.reason))}`);
  if (policy.waived.length > maxListed) lines.push(`> - … and ${policy.waived.length - maxListed} more (the policy section lists them all)`);
  return ['> [!WARNING]', `> **${plural(policy.waived.length, 'policy failure')} waived** by \`policy.waivers\` in the settings:`, ...lines].join('\n');
}

/** The fingerprint of each stack's plan, with the digest of its synthesized code when the app is given. */
export function fingerprints(planned: readonly { stack: string; plan: Parameters<typeof stackFingerprint>[0] }[], synthDir?: string): Fingerprint['stacks'] {
  const dirs = new Map(synthDir ? synthesizedStacks(synthDir).map((s) => [s.name, s.dir] as const) : []);
  return Object.fromEntries(planned.map((r) => [r.stack, stackFingerprint(r.plan, dirs.get(r.stack))]));
}

export function planReview(options: PlanReviewOptions): PlanReview {
  const { results, synthDir } = options;
  const planned = results.filter((r): r is Extract<StackResult, { status: 'planned' }> => r.status === 'planned' && !summarize(r.plan).failed);
  const plans = Object.fromEntries(planned.map((r) => [r.stack, r.plan]));
  const policy = synthDir ? checkPolicy({ outDir: synthDir, plans, today: options.today }) : undefined;
  const sections: string[] = [];
  if (policy) sections.push(policyMarkdown(policy));
  const cost = synthDir && planned.length ? [costMarkdown(planned.map((r) => estimateStack(r.stack, r.plan)))] : [];
  const fingerprint: Fingerprint = { version: FINGERPRINT_VERSION, head: options.head, base: options.base, stacks: fingerprints(planned, synthDir) };
  const context = [waiverNotice(policy), options.context].filter(Boolean).join('\n\n') || undefined;
  const synthesized = synthDir ? (stack: string) => loadSynthesized(synthDir, stack) : undefined;
  const body = withWarning(renderComment(results, { context, maxLength: options.maxLength, sections, sectionsAfterStacks: cost, trailer: fingerprintMarker(fingerprint), synthesized }), options.changes);
  return { body, labels: planLabels(results, policy), status: statusOf(results, policy), head: options.head, fingerprint };
}

/** The warning goes right under the marker line, so it is the first thing the comment says. */
function withWarning(body: string, changes: ChangeSummary | undefined): string {
  const warning = pipelineWarning(changes);
  if (!warning) return body;
  const marker = markerLine(DEFAULT_MARKER);
  return body.startsWith(marker) ? `${marker}\n${warning}\n\n${body.slice(marker.length).replace(/^\n/, '')}` : `${warning}\n\n${body}`;
}

/** What a pull request that changes nothing synth reads gets: a comment that says so, no plan, a green status. */
export function nothingToPlanReview(changes: ChangeSummary, head?: string, context?: string): PlanReview {
  const body = withWarning([markerLine(DEFAULT_MARKER), '### Terraform plan', '', nothingToPlan(changes), ...(context ? ['', context] : []), ''].join('\n'), changes);
  return { body, labels: ['plan:no-changes'], status: { state: 'success', description: 'nothing synth reads changed: no plan' }, head };
}
