/**
 * The GitHub API calls the workflows make, inside actions/github-script (through
 * dist/scripts/github-steps.js): the one PR comment per marker, the drift issue, the PR's labels,
 * commit statuses, the pull request a merge commit came from, the artifact a pull request's plan
 * run left (the reviewed plan), the approvals of a run's deployments and the head of a branch.
 *
 * `github` is the Octokit client that github-script passes in; only the few REST calls below are
 * used, so the tests drive these functions with an in-memory fake of them.
 */

import { inflateRawSync } from 'zlib';

interface Comment { id: number; body?: string | null; user?: { login?: string; type?: string } | null }
interface Label { name: string }
interface PullRequest { number: number; merged_at?: string | null; merge_commit_sha?: string | null; head: { sha: string } }
interface WorkflowRun { id: number; run_number?: number; path?: string; event?: string; head_sha?: string; head_repository?: { full_name?: string } | null }
interface Artifact { id: number; name: string; expired?: boolean }
interface DeploymentReview { state: string; environments?: { name?: string }[]; user?: { login?: string } | null }
interface Issue { number: number; title: string; body?: string | null; state?: string; pull_request?: unknown; user?: { login?: string; type?: string } | null }

export interface GitHubLike {
  paginate<T>(method: unknown, params: Record<string, unknown>): Promise<T[]>;
  rest: {
    issues: {
      listComments: unknown;
      createComment(params: { owner: string; repo: string; issue_number: number; body: string }): Promise<{ data: Comment }>;
      updateComment(params: { owner: string; repo: string; comment_id: number; body: string }): Promise<{ data: Comment }>;
      listForRepo: unknown;
      create(params: { owner: string; repo: string; title: string; body: string; labels?: string[] }): Promise<{ data: Issue }>;
      update(params: { owner: string; repo: string; issue_number: number; body?: string; state?: 'open' | 'closed'; state_reason?: string }): Promise<{ data: Issue }>;
      listLabelsOnIssue: unknown;
      addLabels(params: { owner: string; repo: string; issue_number: number; labels: string[] }): Promise<unknown>;
      removeLabel(params: { owner: string; repo: string; issue_number: number; name: string }): Promise<unknown>;
    };
    repos: {
      listPullRequestsAssociatedWithCommit: unknown;
      createCommitStatus(params: { owner: string; repo: string; sha: string; state: 'success' | 'failure' | 'pending' | 'error'; context: string; description?: string; target_url?: string }): Promise<unknown>;
      getBranch(params: { owner: string; repo: string; branch: string }): Promise<{ data: { commit: { sha: string } } }>;
    };
    actions: {
      listWorkflowRuns: unknown;
      listWorkflowRunArtifacts: unknown;
      downloadArtifact(params: { owner: string; repo: string; artifact_id: number; archive_format: 'zip' }): Promise<{ data: ArrayBuffer | Buffer }>;
      getReviewsForRun(params: { owner: string; repo: string; run_id: number }): Promise<{ data: DeploymentReview[] }>;
    };
  };
}

export interface ContextLike {
  repo: { owner: string; repo: string };
  issue: { number: number };
  /** The commit the workflow runs for. */
  sha?: string;
  runId?: number;
  serverUrl?: string;
  /** The event; for a push, `before` is the commit the branch was at. */
  payload?: { before?: string };
}

/** The link to this workflow run, when the context says which. */
export function runUrl(context: ContextLike): string | undefined {
  return context.serverUrl && context.runId ? `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}` : undefined;
}

export function markerLine(marker: string): string {
  return `<!-- ${marker} -->`;
}

/** The login the workflows' GITHUB_TOKEN writes as. */
export const ACTIONS_LOGIN = 'github-actions[bot]';

/**
 * Written by our workflows: anyone can quote the marker in a comment or open an issue with it (to
 * hijack or bury a report), and other apps are bots too, so only the Actions login counts.
 */
function writtenByActions(item: { user?: { login?: string } | null }): boolean {
  return item.user?.login === ACTIONS_LOGIN;
}

/** Our comment on an issue or pull request that starts with the marker, if there is one. */
export async function findComment(args: { github: GitHubLike; context: ContextLike; marker: string; issueNumber: number }): Promise<Comment | undefined> {
  const { github, context, marker } = args;
  const comments = await github.paginate<Comment>(github.rest.issues.listComments, { ...context.repo, issue_number: args.issueNumber, per_page: 100 });
  return comments.find((c) => writtenByActions(c) && (c.body ?? '').trimStart().startsWith(markerLine(marker)));
}

/**
 * Updates the pull request's comment that starts with the marker, or creates it: one comment per
 * PR and marker. `body` may be a function of the existing body (to keep part of it).
 */
export async function upsertComment(args: { github: GitHubLike; context: ContextLike; body: string | ((existing?: string) => string); marker: string; issueNumber?: number }): Promise<{ action: 'created' | 'updated'; id: number }> {
  const { github, context, marker } = args;
  const issue_number = args.issueNumber ?? context.issue.number;
  const existing = await findComment({ github, context, marker, issueNumber: issue_number });
  const body = typeof args.body === 'function' ? args.body(existing?.body ?? undefined) : args.body;
  if (!body.includes(markerLine(marker))) throw new Error(`the comment body lacks its marker ${markerLine(marker)}`);
  if (existing) {
    await github.rest.issues.updateComment({ ...context.repo, comment_id: existing.id, body });
    return { action: 'updated', id: existing.id };
  }
  const { data } = await github.rest.issues.createComment({ ...context.repo, issue_number, body });
  return { action: 'created', id: data.id };
}

/**
 * Keeps one open issue for a recurring finding (drift): `open` creates it or updates its body;
 * not `open` closes an open one with a comment saying the finding is gone. Issues are found by
 * the marker in their body (renaming the title creates no duplicate) and must have been opened by
 * github-actions[bot].
 */
export async function syncIssue(args: { github: GitHubLike; context: ContextLike; body: string; marker: string; title: string; open: boolean; labels?: string[] }): Promise<{ action: 'created' | 'updated' | 'closed' | 'none'; number?: number }> {
  const { github, context, body, marker, title, open } = args;
  if (!body.includes(markerLine(marker))) throw new Error(`the issue body lacks its marker ${markerLine(marker)}`);
  const issues = await github.paginate<Issue>(github.rest.issues.listForRepo, { ...context.repo, state: 'open', per_page: 100 });
  const existing = issues.find((i) => !i.pull_request && writtenByActions(i) && (i.body ?? '').includes(markerLine(marker)));
  if (open) {
    if (existing) {
      await github.rest.issues.update({ ...context.repo, issue_number: existing.number, body });
      return { action: 'updated', number: existing.number };
    }
    const { data } = await github.rest.issues.create({ ...context.repo, title, body, labels: args.labels });
    return { action: 'created', number: data.number };
  }
  if (!existing) return { action: 'none' };
  await github.rest.issues.createComment({ ...context.repo, issue_number: existing.number, body: `${markerLine(`${marker}-resolved`)}\nThe latest check found nothing to report: closing.\n\n${body.replace(markerLine(marker), '')}` });
  await github.rest.issues.update({ ...context.repo, issue_number: existing.number, state: 'closed', state_reason: 'completed' });
  return { action: 'closed', number: existing.number };
}

/** Makes the issue's labels among `managed` exactly `wanted`; labels outside `managed` are left alone. */
export async function syncLabels(args: { github: GitHubLike; context: ContextLike; issueNumber: number; wanted: readonly string[]; managed: readonly string[] }): Promise<{ added: string[]; removed: string[] }> {
  const { github, context, issueNumber: issue_number } = args;
  const current = (await github.paginate<Label>(github.rest.issues.listLabelsOnIssue, { ...context.repo, issue_number, per_page: 100 })).map((l) => l.name);
  const added = args.wanted.filter((l) => !current.includes(l));
  const removed = current.filter((l) => args.managed.includes(l) && !args.wanted.includes(l));
  // Adding a label the repository does not have yet creates it.
  if (added.length) await github.rest.issues.addLabels({ ...context.repo, issue_number, labels: added });
  for (const name of removed) await github.rest.issues.removeLabel({ ...context.repo, issue_number, name });
  return { added, removed };
}

/** A commit status (at most 140 characters of description, as GitHub allows). */
export async function setStatus(args: { github: GitHubLike; context: ContextLike; sha: string; name: string; state: 'success' | 'failure' | 'pending' | 'error'; description: string; targetUrl?: string }): Promise<void> {
  const { github, context } = args;
  await github.rest.repos.createCommitStatus({ ...context.repo, sha: args.sha, state: args.state, context: args.name, description: args.description.slice(0, 140), target_url: args.targetUrl });
}

/** The merged pull request a commit on the default branch came from (its merge or squash commit), if any. */
export async function mergedPullRequest(args: { github: GitHubLike; context: ContextLike; sha: string }): Promise<{ number: number; headSha: string } | undefined> {
  const { github, context, sha } = args;
  const pulls = await github.paginate<PullRequest>(github.rest.repos.listPullRequestsAssociatedWithCommit, { ...context.repo, commit_sha: sha, per_page: 100 });
  const merged = pulls.filter((p) => p.merged_at);
  const pr = merged.find((p) => p.merge_commit_sha === sha) ?? merged[0];
  return pr ? { number: pr.number, headSha: pr.head.sha } : undefined;
}

/** The commit a branch points at now. */
export async function branchHead(args: { github: GitHubLike; context: ContextLike; branch: string }): Promise<string> {
  const { data } = await args.github.rest.repos.getBranch({ ...args.context.repo, branch: args.branch });
  return data.commit.sha;
}

/**
 * One file of an artifact that a run of `workflow` (its path, e.g. `.github/workflows/ci.yml`) left
 * for `headSha` on a `pull_request` of this repository, from the newest such run that has it.
 * Runs of other workflows, of forks' heads and of other events do not count: anyone who can run
 * a workflow can upload an artifact, but only this workflow's run for this head is the reviewed one.
 */
export async function pullRequestArtifact(args: { github: GitHubLike; context: ContextLike; workflow: string; headSha: string; artifact: string; file: string }): Promise<{ runId: number; text: string } | undefined> {
  const { github, context } = args;
  const fullName = `${context.repo.owner}/${context.repo.repo}`;
  const runs = await github.paginate<WorkflowRun>(github.rest.actions.listWorkflowRuns, { ...context.repo, workflow_id: args.workflow.split('/').pop(), head_sha: args.headSha, event: 'pull_request', per_page: 100 });
  const ours = runs
    .filter((r) => r.path === args.workflow && r.event === 'pull_request' && r.head_sha === args.headSha && r.head_repository?.full_name === fullName)
    .sort((a, b) => (b.run_number ?? b.id) - (a.run_number ?? a.id));
  for (const run of ours) {
    const artifacts = await github.paginate<Artifact>(github.rest.actions.listWorkflowRunArtifacts, { ...context.repo, run_id: run.id, name: args.artifact, per_page: 100 });
    const artifact = artifacts.find((a) => a.name === args.artifact && !a.expired);
    if (!artifact) continue;
    const { data } = await github.rest.actions.downloadArtifact({ ...context.repo, artifact_id: artifact.id, archive_format: 'zip' });
    const text = zipEntry(Buffer.from(data as ArrayBuffer), args.file);
    if (text !== undefined) return { runId: run.id, text };
  }
  return undefined;
}

/** The text of one file in a zip archive (stored or deflated, as artifact downloads are), if it is there. */
export function zipEntry(zip: Buffer, name: string): string | undefined {
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { end = i; break; }
  }
  if (end < 0) throw new Error('not a zip archive');
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(start, start + size);
      if (method === 0) return raw.toString('utf8');
      if (method === 8) return inflateRawSync(raw).toString('utf8');
      throw new Error(`zip entry ${name}: compression method ${method} is not supported`);
    }
    at += 46 + skip;
  }
  return undefined;
}

/** Who approved this run's deployment to `environment` (GitHub records the reviewer of a protected environment). */
export async function deploymentApprover(args: { github: GitHubLike; context: ContextLike; environment: string }): Promise<string | undefined> {
  const { github, context } = args;
  if (!context.runId) throw new Error('the run id is unknown');
  const { data } = await github.rest.actions.getReviewsForRun({ ...context.repo, run_id: context.runId });
  const approval = data.find((r) => r.state === 'approved' && (r.environments ?? []).some((e) => e.name === args.environment));
  return approval ? approval.user?.login ?? 'a reviewer' : undefined;
}
