/**
 * What the workflows' actions/github-script steps run (through dist/scripts/github-steps.js), one
 * function per step, each reading the files earlier steps wrote and writing the job summary and
 * step outputs through GitHub's environment files:
 *
 *   publishPlan     the PR's comment, labels and `taskmanager/plan` status, from plan-comment's review file
 *   reviewMainPush  after a merge: which stacks apply (`apply` output), the deploy comment on the merged PR,
 *                   a `deploy/<stack>` status each
 *   reportApply     after apply: what was applied, failed and output, to the summary, the PR and the statuses
 */
import * as fs from 'fs';
import * as path from 'path';
import { type ContextLike, findComment, type GitHubLike, markerLine, mergedPullRequest, runUrl, setStatus, syncLabels, upsertComment } from '../github';
import { loadStack, parseStackSpecs, readIfExists } from '../plan/comment';
import { DEFAULT_MARKER } from '../plan/render';
import { applyMarkdown, applyStatus, parseApplyLog, type ApplyResult } from './apply-result';
import { readFingerprint } from './fingerprint';
import { DEPLOY_MARKER, type MergeReview, parseApprovals, type Reviewed, reviewMerge, type Verdict } from './merge';
import { PLAN_LABELS, PLAN_STATUS, type PlanReview } from './pull-request';

const RESULTS_MARKER = '<!-- taskmanager-apply-results -->';

interface StepArgs {
  readonly github: GitHubLike;
  readonly context: ContextLike;
  /** Environment: GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, the config's variables. */
  readonly env?: NodeJS.ProcessEnv;
}

function append(file: string | undefined, text: string): void {
  if (file) fs.appendFileSync(file, text);
}

/** The review file that `plan-comment --review` wrote. */
export type PlanReviewFile = Pick<PlanReview, 'body' | 'labels' | 'status' | 'head'>;

export async function publishPlan(args: StepArgs & { readonly file: string; readonly issueNumber: number }): Promise<{ comment: 'created' | 'updated'; labels: { added: string[]; removed: string[] } }> {
  const { github, context, issueNumber } = args;
  const review = JSON.parse(fs.readFileSync(args.file, 'utf8')) as PlanReviewFile;
  const comment = await upsertComment({ github, context, body: review.body, marker: DEFAULT_MARKER, issueNumber });
  const labels = await syncLabels({ github, context, issueNumber, wanted: review.labels, managed: PLAN_LABELS });
  if (review.head) await setStatus({ github, context, sha: review.head, name: PLAN_STATUS, ...review.status, targetUrl: runUrl(context) });
  return { comment: comment.action, labels };
}

/** The plan reviewed on the pull request that `sha` merged: its comment's fingerprint. */
async function reviewedPlan(args: StepArgs, sha: string): Promise<Reviewed> {
  const pr = await mergedPullRequest({ github: args.github, context: args.context, sha });
  if (!pr) return { missing: `no merged pull request has ${sha.slice(0, 7)} as its merge commit (a push straight to main?)` };
  const comment = await findComment({ github: args.github, context: args.context, marker: DEFAULT_MARKER, issueNumber: pr.number });
  const fingerprint = comment?.body ? readFingerprint(comment.body) : undefined;
  return { pr, fingerprint, missing: fingerprint ? undefined : `#${pr.number} has no plan comment with the plan's fingerprint` };
}

const DEPLOY_STATE: Record<Verdict, 'pending' | 'success' | 'failure'> = { apply: 'pending', 'no-changes': 'success', differs: 'failure', 'not-reviewed': 'failure', 'policy-failed': 'failure', 'plan-failed': 'failure' };

export async function reviewMainPush(args: StepArgs & { readonly plansDir: string; readonly synthDir: string; readonly stacks: readonly string[]; readonly approve?: string }): Promise<MergeReview> {
  const { github, context } = args;
  const env = args.env ?? process.env;
  const sha = context.sha ?? env.GITHUB_SHA ?? '';
  const approved = parseApprovals(args.approve, args.stacks);
  const reviewed = await reviewedPlan(args, sha);
  const results = parseStackSpecs(args.stacks, args.plansDir).map(loadStack);
  const review = reviewMerge({ results, synthDir: args.synthDir, reviewed, approved, sha, previousMain: context.payload?.before, runUrl: runUrl(context) });
  append(env.GITHUB_STEP_SUMMARY, review.markdown);
  append(env.GITHUB_OUTPUT, `apply=${JSON.stringify(review.apply)}\n`);
  if (reviewed.pr) await upsertComment({ github, context, body: review.markdown, marker: DEPLOY_MARKER, issueNumber: reviewed.pr.number });
  for (const v of review.verdicts) {
    await setStatus({ github, context, sha, name: `deploy/${v.stack}`, state: DEPLOY_STATE[v.verdict], description: v.verdict === 'apply' ? `applying: ${v.reason}` : v.reason, targetUrl: runUrl(context) });
  }
  return review;
}

/** The deploy comment with the new results in place of earlier ones. */
function withResults(existing: string | undefined, results: string): string {
  const review = existing ? existing.split(RESULTS_MARKER)[0].trimEnd() : markerLine(DEPLOY_MARKER);
  return `${review}\n\n${results}`;
}

export async function reportApply(args: StepArgs & { readonly resultsDir: string; readonly stacks: readonly string[] }): Promise<ApplyResult[]> {
  const { github, context } = args;
  const env = args.env ?? process.env;
  const sha = context.sha ?? env.GITHUB_SHA ?? '';
  const results = args.stacks.map((stack) => parseApplyLog(stack, readIfExists(path.join(args.resultsDir, `apply-${stack}.jsonl`))));
  const markdown = applyMarkdown(results);
  append(env.GITHUB_STEP_SUMMARY, markdown);
  const pr = await mergedPullRequest({ github, context, sha });
  if (pr) await upsertComment({ github, context, body: (existing) => withResults(existing, markdown), marker: DEPLOY_MARKER, issueNumber: pr.number });
  for (const r of results) await setStatus({ github, context, sha, name: `deploy/${r.stack}`, ...applyStatus(r), targetUrl: runUrl(context) });
  return results;
}
