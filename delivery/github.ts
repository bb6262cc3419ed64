/**
 * The GitHub API calls the workflows make, inside actions/github-script (through
 * dist/scripts/github-steps.js): the one PR comment per marker, the drift issue, the PR's labels,
 * commit statuses, and the pull request a merge commit came from.
 *
 * `github` is the Octokit client that github-script passes in; only the few REST calls below are
 * used, so the tests drive these functions with an in-memory fake of them.
 */

interface Comment { id: number; body?: string | null; user?: { login?: string; type?: string } | null }
interface Label { name: string }
interface PullRequest { number: number; merged_at?: string | null; merge_commit_sha?: string | null; head: { sha: string } }
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
