/**
 * What the workflows do through the GitHub API, run inside actions/github-script:
 *
 *   const m = require(`${process.env.GITHUB_WORKSPACE}/dist/scripts/github-comment.js`);
 *   await m.upsertComment({ github, context, body, marker: 'taskmanager-plan' });
 *   await m.syncIssue({ github, context, body, marker: 'taskmanager-drift', title, open: true });
 *
 * `github` is the Octokit client that github-script passes in; only the few REST calls below are
 * used, so the tests drive these functions with an in-memory fake of them.
 */

interface Comment { id: number; body?: string | null; user?: { login?: string; type?: string } | null }
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
    };
  };
}

export interface ContextLike {
  repo: { owner: string; repo: string };
  issue: { number: number };
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

/** Updates the pull request's comment that starts with the marker, or creates it: one comment per PR. */
export async function upsertComment(args: { github: GitHubLike; context: ContextLike; body: string; marker: string; issueNumber?: number }): Promise<{ action: 'created' | 'updated'; id: number }> {
  const { github, context, body, marker } = args;
  const issue_number = args.issueNumber ?? context.issue.number;
  if (!body.includes(markerLine(marker))) throw new Error(`the comment body lacks its marker ${markerLine(marker)}`);
  const comments = await github.paginate<Comment>(github.rest.issues.listComments, { ...context.repo, issue_number, per_page: 100 });
  const existing = comments.find((c) => writtenByActions(c) && (c.body ?? '').trimStart().startsWith(markerLine(marker)));
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
