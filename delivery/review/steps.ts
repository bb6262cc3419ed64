/**
 * What the workflows' actions/github-script steps run (through dist/scripts/github-steps.js), one
 * function per step, each reading the files earlier steps wrote and writing the job summary and
 * step outputs through GitHub's environment files:
 *
 *   publishPlan       the PR's comment and labels, and a pending `taskmanager/plan` status, from plan-comment's review file
 *   finishPlanStatus  the final `taskmanager/plan` status, once the lint and tests have finished too
 *   reviewMainPush    after a merge: which stacks apply as reviewed (`apply`), which wait for an approval in
 *                     their `<stack>-approval` environment (`approve`), the deploy comment, a `deploy/<stack>` status each
 *   confirmApproval   in the approval environment: a person approved this run's deployment there
 *   reportApply       after apply: what was applied, failed and output, to the summary, the PR and the statuses
 *   recordMerge       a merge that deploys nothing (nothing synth reads changed, tests failed, superseded)
 *                     says so on its pull request and its `deploy/*` statuses
 *
 * The code runs from the `delivery-tools` artifact of the run's own synth job: after a merge that is
 * main's build; the reviewed plan is data read from the pull request run's artifact, never code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { branchHead, type ContextLike, deploymentApprover, type GitHubLike, markerLine, mergedPullRequest, pullRequestArtifact, runUrl, setStatus, syncLabels, upsertComment } from '../github';
import { loadStack, parseStackSpecs, readIfExists } from '../plan/comment';
import { DEFAULT_MARKER } from '../plan/render';
import { applyMarkdown, applyStatus, parseApplyLog, type ApplyResult } from './apply-result';
import { type Fingerprint, parseFingerprint } from './fingerprint';
import { DEPLOY_MARKER, type MergeReview, type Reviewed, reviewMerge, type Verdict } from './merge';
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

/** The review file that `plan-comment --review` wrote (and the `plan-review` artifact carries). */
export type PlanReviewFile = Pick<PlanReview, 'body' | 'labels' | 'status' | 'head'> & { readonly fingerprint?: Fingerprint };

/** The workflow whose pull-request runs plan and review, and the artifact its comment job leaves. */
export const PLAN_WORKFLOW = '.github/workflows/ci.yml';
export const REVIEW_ARTIFACT = 'plan-review';
export const REVIEW_FILE = 'review.json';

const readReview = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as PlanReviewFile;

/**
 * The comment and labels; the status stays pending until the lint and tests have finished too
 * (finishPlanStatus), so the comment comes as soon as the plans are there.
 */
export async function publishPlan(args: StepArgs & { readonly file: string; readonly issueNumber: number }): Promise<{ comment: 'created' | 'updated'; labels: { added: string[]; removed: string[] } }> {
  const { github, context, issueNumber } = args;
  const review = readReview(args.file);
  const comment = await upsertComment({ github, context, body: review.body, marker: DEFAULT_MARKER, issueNumber });
  const labels = await syncLabels({ github, context, issueNumber, wanted: review.labels, managed: PLAN_LABELS });
  if (review.head) await setStatus({ github, context, sha: review.head, name: PLAN_STATUS, state: 'pending', description: `${review.status.description} · waiting for lint and tests`, targetUrl: runUrl(context) });
  return { comment: comment.action, labels };
}

/** The `taskmanager/plan` status: the plan's own, and a failure whenever the lint or tests did not pass. */
export async function finishPlanStatus(args: StepArgs & { readonly file: string; readonly tests: string }): Promise<{ state: 'success' | 'failure'; description: string }> {
  const review = readReview(args.file);
  const status = args.tests === 'success' ? review.status : { state: 'failure' as const, description: `lint and tests: ${args.tests} · ${review.status.description}` };
  if (review.head) await setStatus({ github: args.github, context: args.context, sha: review.head, name: PLAN_STATUS, ...status, targetUrl: runUrl(args.context) });
  return status;
}

/**
 * The plan reviewed on the pull request that `sha` merged: the fingerprint in the `plan-review`
 * artifact of the CI run for its head commit (found through the API; comment text can be written
 * by any workflow of the repository, a run's artifact only by that run).
 */
async function reviewedPlan(args: StepArgs, sha: string): Promise<Reviewed> {
  const pr = await mergedPullRequest({ github: args.github, context: args.context, sha });
  if (!pr) return { missing: `no merged pull request has ${sha.slice(0, 7)} as its merge commit (a push straight to main?)` };
  const found = await pullRequestArtifact({ github: args.github, context: args.context, workflow: PLAN_WORKFLOW, headSha: pr.headSha, artifact: REVIEW_ARTIFACT, file: REVIEW_FILE });
  // An artifact of an older version's format is recognised as outdated rather than silently different.
  const fingerprint = found ? parseFingerprint((JSON.parse(found.text) as PlanReviewFile).fingerprint) : undefined;
  if (fingerprint) return { pr, fingerprint };
  // The head merged was never planned; say which head was (for "its final commit was never planned").
  return { pr, missing: `no ${PLAN_WORKFLOW} run of #${pr.number}'s head ${pr.headSha.slice(0, 7)} left a reviewed plan (artifact \`${REVIEW_ARTIFACT}\`): its final commit was never planned` };
}

const DEPLOY_STATE: Record<Verdict, 'pending' | 'success' | 'failure'> = { apply: 'pending', 'no-changes': 'success', differs: 'pending', 'not-reviewed': 'pending', 'policy-failed': 'failure', 'plan-failed': 'failure' };
/** Verdicts that the reviewers of the stack's approval environment may still let apply. */
const NEEDS_APPROVAL: readonly Verdict[] = ['differs', 'not-reviewed'];

/** The environment whose required reviewers approve a plan that is not the reviewed one. */
export const approvalEnvironment = (stack: string) => `${stack}-approval`;

export async function reviewMainPush(args: StepArgs & { readonly plansDir: string; readonly synthDir: string; readonly stacks: readonly string[] }): Promise<MergeReview & { readonly approve: readonly string[]; readonly order: readonly string[] }> {
  const { github, context } = args;
  const env = args.env ?? process.env;
  const sha = context.sha ?? env.GITHUB_SHA ?? '';
  const reviewed = await reviewedPlan(args, sha);
  const results = parseStackSpecs(args.stacks, args.plansDir).map(loadStack);
  const review = reviewMerge({ results, synthDir: args.synthDir, reviewed, sha, previousMain: context.payload?.before, runUrl: runUrl(context) });
  const approve = review.verdicts.filter((v) => NEEDS_APPROVAL.includes(v.verdict)).map((v) => v.stack);
  const order = args.stacks.filter((s) => review.apply.includes(s) || approve.includes(s));
  append(env.GITHUB_STEP_SUMMARY, review.markdown);
  append(env.GITHUB_OUTPUT, `apply=${JSON.stringify(review.apply)}\napprove=${JSON.stringify(approve)}\nstacks=${JSON.stringify(order)}\n`);
  if (reviewed.pr) await upsertComment({ github, context, body: review.markdown, marker: DEPLOY_MARKER, issueNumber: reviewed.pr.number });
  for (const v of review.verdicts) {
    const description = v.verdict === 'apply' ? `applying: ${v.reason}` : NEEDS_APPROVAL.includes(v.verdict) ? `waits for approval in ${approvalEnvironment(v.stack)}: ${v.reason}` : v.reason;
    await setStatus({ github, context, sha, name: `deploy/${v.stack}`, state: DEPLOY_STATE[v.verdict], description, targetUrl: runUrl(context) });
  }
  return { ...review, approve, order };
}

/**
 * Runs in the `<stack>-approval` environment, after its required reviewers let the job start:
 * refuses unless GitHub recorded a person's approval of this run there (an environment without
 * required reviewers lets the job start with none), then sets the step output `<stack>=approved`.
 */
export async function confirmApproval(args: StepArgs & { readonly stack: string }): Promise<string> {
  const environment = approvalEnvironment(args.stack);
  const approver = await deploymentApprover({ github: args.github, context: args.context, environment });
  if (!approver) throw new Error(`no reviewer approved this run in the environment ${environment}: give it required reviewers (docs/delivery.md, "Upgrade")`);
  append((args.env ?? process.env).GITHUB_OUTPUT, `${args.stack}=approved\n`);
  return approver;
}

export type Unrecorded = 'no-synth-input' | 'tests-failed' | 'cancelled';

/**
 * A merge whose deploy did not run says why, on its pull request and its `deploy/<stack>` statuses.
 * A cancelled deploy is superseded when main has moved on: GitHub keeps one running and one
 * pending run per concurrency group and cancels the older pending one, so the newer merge's
 * plan (of the whole of main) carries this merge's changes.
 */
export async function recordMerge(args: StepArgs & { readonly stacks: readonly string[]; readonly why: Unrecorded }): Promise<{ description: string; state: 'success' | 'failure' | 'error' }> {
  const { github, context } = args;
  const sha = context.sha ?? (args.env ?? process.env).GITHUB_SHA ?? '';
  let result: { description: string; state: 'success' | 'failure' | 'error' };
  if (args.why === 'no-synth-input') result = { state: 'success', description: 'nothing to deploy: the merge changes nothing that synth reads' };
  else if (args.why === 'tests-failed') result = { state: 'failure', description: 'not deployed: synth, lint or tests failed on main' };
  else {
    const head = await branchHead({ github, context, branch: 'main' });
    result = head !== sha
      ? { state: 'error', description: `superseded by ${head}: the deploy of main's newer commit plans and applies this merge's changes too` }
      : { state: 'error', description: 'cancelled before it deployed: re-run the workflow run to deploy it' };
  }
  const pr = await mergedPullRequest({ github, context, sha });
  const body = `${markerLine(DEPLOY_MARKER)}\n### Deploy of ${'`'}${sha.slice(0, 7)}${'`'}\n\n${result.description}.\n`;
  if (pr) await upsertComment({ github, context, body, marker: DEPLOY_MARKER, issueNumber: pr.number });
  for (const stack of args.stacks) await setStatus({ github, context, sha, name: `deploy/${stack}`, ...result, targetUrl: runUrl(context) });
  append((args.env ?? process.env).GITHUB_STEP_SUMMARY, body);
  return result;
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
