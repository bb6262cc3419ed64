/**
 * After a merge to main: which stacks apply. A stack applies only when its new plan has changes,
 * passes the policy (judged with the configuration synth resolved, cdktf.out's
 * taskmanager.resolved.json), and is the plan reviewed on the merged pull request (the same
 * intent, delivery/review/intent.ts, or what is left of it after an earlier run applied a part),
 * or the one a maintainer approved by digest. Everything else stops with the reason, and for a
 * plan that differs, with the difference and how the environment's reviewers decide.
 */
import { estimateStack } from '../cost/estimate';
import { costMarkdown } from '../cost/report';
import { markerLine } from '../github';
import { UsageError } from '../plan/comment';
import { code } from '../plan/markdown';
import { hasChanges, summarize } from '../plan/model';
import type { StackResult } from '../plan/render';
import { checkPolicy } from '../policy/check';
import { isBlocking } from '../policy/rule';
import { policyMarkdown } from '../policy/report';
import { compareFingerprints } from './compare';
import { type Fingerprint, FINGERPRINT_VERSION, isOutdated, type OutdatedFingerprint, type StackFingerprint } from './fingerprint';
import { fingerprints, waiverNotice } from './pull-request';

/** The comment on a merged pull request that says what its merge deployed. */
export const DEPLOY_MARKER = 'taskmanager-deploy';

export type Verdict = 'apply' | 'no-changes' | 'differs' | 'not-reviewed' | 'policy-failed' | 'plan-failed';

export interface StackVerdict {
  readonly stack: string;
  readonly verdict: Verdict;
  /** The new plan's digest, when there is a plan. */
  readonly digest?: string;
  readonly reason: string;
  readonly differences: readonly string[];
}

/** The reviewed plan, as found on the merged pull request. */
export interface Reviewed {
  readonly pr?: { readonly number: number; readonly headSha: string };
  readonly fingerprint?: Fingerprint | OutdatedFingerprint;
  /** Why there is no reviewed plan. */
  readonly missing?: string;
}

export interface MergeReviewOptions {
  readonly results: readonly StackResult[];
  /** The synthesized app the plans are of, with the configuration synth resolved. */
  readonly synthDir: string;
  readonly reviewed: Reviewed;
  /** Digests a maintainer approved (workflow_dispatch input `approve`), by stack. */
  readonly approved?: Readonly<Record<string, string>>;
  /** The merge commit. */
  readonly sha: string;
  /** Where main was before the merge (a push's `before`). */
  readonly previousMain?: string;
  readonly runUrl?: string;
  readonly today?: string;
}

export interface MergeReview {
  readonly verdicts: readonly StackVerdict[];
  /** Stacks to apply, in order. */
  readonly apply: readonly string[];
  readonly markdown: string;
}

/** `prod=<digest>,dev=<digest>`: the approve input of workflow_dispatch. */
export function parseApprovals(text: string | undefined, stacks: readonly string[]): Record<string, string> {
  const approved: Record<string, string> = {};
  for (const item of (text ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.-]+)=([0-9a-f]{64})$/.exec(item);
    if (!m || !stacks.includes(m[1])) throw new UsageError(`approve: expected <stack>=<64-hex digest> for one of ${stacks.join(', ')}, got ${JSON.stringify(item)}`);
    approved[m[1]] = m[2];
  }
  return approved;
}

const ICON: Record<Verdict, string> = { apply: '▶️ applies', 'no-changes': '✅ nothing to apply', differs: '⏸️ waits for a decision', 'not-reviewed': '⏸️ waits for a decision', 'policy-failed': '⛔ blocked by the policy', 'plan-failed': '❌ plan failed' };

function decide(result: StackResult, current: StackFingerprint | undefined, o: MergeReviewOptions, blocking: number): Omit<StackVerdict, 'stack'> {
  const none = { differences: [] as string[] };
  const digest = current?.digest;
  if (result.status !== 'planned' || summarize(result.plan).failed) return { ...none, verdict: 'plan-failed', reason: 'terraform did not produce a plan that can be applied' };
  if (!hasChanges(summarize(result.plan))) return { ...none, digest, verdict: 'no-changes', reason: 'the plan has no changes: no apply job, no approval request' };
  if (blocking > 0) return { ...none, digest, verdict: 'policy-failed', reason: `${blocking} blocking policy failure${blocking === 1 ? '' : 's'} (see the policy section)` };
  const approved = o.approved?.[result.stack];
  if (approved) {
    return approved === digest
      ? { ...none, digest, verdict: 'apply', reason: `approved by digest \`${approved.slice(0, 12)}\` (workflow_dispatch)` }
      : { ...none, digest, verdict: 'differs', reason: `the approved digest \`${approved.slice(0, 12)}\` is not this plan's \`${digest?.slice(0, 12)}\`: the plan changed again` };
  }
  const { pr, fingerprint } = o.reviewed;
  if (!pr || !fingerprint) return { ...none, digest, verdict: 'not-reviewed', reason: o.reviewed.missing ?? 'no reviewed plan was found' };
  if (fingerprint.head !== pr.headSha) {
    return { ...none, digest, verdict: 'not-reviewed', reason: `the last plan on #${pr.number} was of ${code(String(fingerprint.head).slice(0, 7))}, but #${pr.number} was merged at ${code(pr.headSha.slice(0, 7))}: its final commit was never planned` };
  }
  if (isOutdated(fingerprint)) {
    return { ...none, digest, verdict: 'not-reviewed', reason: `the plan on #${pr.number} carries a fingerprint of format v${fingerprint.version}; this version compares v${FINGERPRINT_VERSION} (the plan's intent) and cannot tell whether the plans match` };
  }
  const reviewed = fingerprint.stacks[result.stack];
  if (!reviewed) return { ...none, digest, verdict: 'not-reviewed', reason: `the reviewed plan of #${pr.number} has no plan of ${code(result.stack)} (it failed there)` };
  const comparison = current ? compareFingerprints(reviewed, current) : { kind: 'differs' as const, lines: [] };
  if (comparison.kind === 'same') return { ...none, digest, verdict: 'apply', reason: `the plan is the one reviewed on #${pr.number} (digest \`${digest?.slice(0, 12)}\`)` };
  if (comparison.kind === 'subset') {
    const done = comparison.done.map(code);
    const shown = done.length > 5 ? [...done.slice(0, 5), `${done.length - 5} more`] : done;
    return { ...none, digest, verdict: 'apply', reason: `the plan is what is left of the one reviewed on #${pr.number}, each change as reviewed; ${done.length} of its changes ${done.length === 1 ? 'is' : 'are'} no longer planned (an earlier run applied ${done.length === 1 ? 'it' : 'them'}): ${shown.join(', ')}` };
  }
  const moved = fingerprint.base && o.previousMain && fingerprint.base !== o.previousMain
    ? [`the base moved since the plan: #${pr.number} was planned on ${code(fingerprint.base.slice(0, 7))}, main was at ${code(o.previousMain.slice(0, 7))} when it merged (requiring up-to-date branches re-plans such a PR before it can merge)`]
    : [];
  return { digest, verdict: 'differs', reason: `the plan differs from the one reviewed on #${pr.number}`, differences: [...moved, ...comparison.lines] };
}

function decisionHelp(v: StackVerdict, o: MergeReviewOptions): string[] {
  return [
    `**Nothing was applied to ${code(v.stack)}.** The reviewers of the ${code(v.stack)} environment decide:`,
    `- **Apply this plan as it is:** read it (the job summary of ${o.runUrl ? `[this run](${o.runUrl})` : 'this run'}, artifact \`plan-main-${v.stack}\`), then approve the run's deployment to the ${code(`${v.stack}-approval`)} environment (Review deployments). Exactly this saved plan applies (digest \`${v.digest?.slice(0, 12)}\`), nothing planned later.`,
    `- **Do not apply it:** reject that deployment; open a pull request that changes the configuration, and its plan is reviewed as usual.`,
  ];
}

export function reviewMerge(o: MergeReviewOptions): MergeReview {
  const planned = o.results.filter((r): r is Extract<StackResult, { status: 'planned' }> => r.status === 'planned' && !summarize(r.plan).failed);
  const policy = checkPolicy({ outDir: o.synthDir, plans: Object.fromEntries(planned.map((r) => [r.stack, r.plan])), today: o.today });
  const current = fingerprints(planned, o.synthDir);
  const blockingFor = (stack: string) => policy.failures.filter((f) => isBlocking(f.severity) && (f.stack === stack || f.stack === 'config')).length;
  const verdicts = o.results.map((r) => ({ stack: r.stack, ...decide(r, current[r.stack], o, blockingFor(r.stack)) }));
  const pr = o.reviewed.pr;
  const out = [markerLine(DEPLOY_MARKER), `### Deploy of ${code(o.sha.slice(0, 7))}${pr ? ` (merge of #${pr.number})` : ''}`, '', '| Stack | Decision | Why |', '|---|---|---|'];
  for (const v of verdicts) out.push(`| ${code(v.stack)} | ${ICON[v.verdict]} | ${v.reason} |`);
  const waived = waiverNotice(policy);
  if (waived) out.push('', waived);
  for (const v of verdicts.filter((x) => x.verdict === 'differs' || x.verdict === 'not-reviewed')) {
    out.push('', `#### ${code(v.stack)}: ${v.verdict === 'differs' ? 'the plan on main differs from the reviewed one' : 'no reviewed plan to compare with'}`, '');
    out.push(...v.differences.map((d) => `- ${d}`));
    if (v.differences.length) out.push('');
    out.push(`The new plan's digest: \`${v.digest}\`.`, '', ...decisionHelp(v, o));
  }
  out.push('', policyMarkdown(policy));
  if (planned.length) out.push('', costMarkdown(planned.map((r) => estimateStack(r.stack, r.plan))));
  return { verdicts, apply: verdicts.filter((v) => v.verdict === 'apply').map((v) => v.stack), markdown: `${out.join('\n')}\n` };
}
