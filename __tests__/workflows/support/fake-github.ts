/**
 * An in-memory fake of the few GitHub REST calls the workflows make (delivery/github.ts): comments,
 * issues, labels, commit statuses and the pull requests of a commit. Each call is recorded.
 */
import type { GitHubLike } from '../../../delivery/github';

export interface FakeComment { id: number; issue: number; body: string; user: { login: string; type: string } }
export interface FakeIssue { number: number; title: string; body: string; state: string; labels?: string[]; pull_request?: unknown; user: { login: string; type: string } }
export interface FakePull { number: number; merged_at: string | null; merge_commit_sha: string | null; head: { sha: string }; commits: string[] }
export interface FakeStatus { sha: string; state: string; context: string; description?: string; target_url?: string }

export const BOT = { login: 'github-actions[bot]', type: 'Bot' };

export function fakeGitHub() {
  const comments: FakeComment[] = [];
  const issues: FakeIssue[] = [];
  const labels = new Map<number, string[]>();
  const pulls: FakePull[] = [];
  const statuses: FakeStatus[] = [];
  const calls: string[] = [];
  let nextId = 100;
  const github: GitHubLike = {
    async paginate<T>(method: unknown, params: Record<string, unknown>): Promise<T[]> {
      return (method as (p: unknown) => T[])(params);
    },
    rest: {
      issues: {
        listComments: (p: { issue_number: number }) => comments.filter((c) => c.issue === p.issue_number),
        listForRepo: (p: { state: string }) => issues.filter((i) => i.state === p.state),
        async createComment(p) {
          calls.push(`createComment ${p.issue_number}`);
          const c = { id: nextId++, issue: p.issue_number, body: p.body, user: BOT };
          comments.push(c);
          return { data: c };
        },
        async updateComment(p) {
          calls.push(`updateComment ${p.comment_id}`);
          const c = comments.find((x) => x.id === p.comment_id)!;
          c.body = p.body;
          return { data: c };
        },
        async create(p) {
          calls.push(`create ${p.title}`);
          const i = { number: nextId++, title: p.title, body: p.body, state: 'open', labels: p.labels, user: BOT };
          issues.push(i);
          return { data: i };
        },
        async update(p) {
          calls.push(`update ${p.issue_number}${p.state ? ` ${p.state}` : ''}`);
          const i = issues.find((x) => x.number === p.issue_number)!;
          if (p.body !== undefined) i.body = p.body;
          if (p.state) i.state = p.state;
          return { data: i };
        },
        listLabelsOnIssue: (p: { issue_number: number }) => (labels.get(p.issue_number) ?? []).map((name) => ({ name })),
        async addLabels(p) {
          calls.push(`addLabels ${p.issue_number} ${p.labels.join(',')}`);
          labels.set(p.issue_number, [...(labels.get(p.issue_number) ?? []), ...p.labels]);
          return {};
        },
        async removeLabel(p) {
          calls.push(`removeLabel ${p.issue_number} ${p.name}`);
          labels.set(p.issue_number, (labels.get(p.issue_number) ?? []).filter((l) => l !== p.name));
          return {};
        },
      },
      repos: {
        listPullRequestsAssociatedWithCommit: (p: { commit_sha: string }) => pulls.filter((pr) => pr.commits.includes(p.commit_sha) || pr.merge_commit_sha === p.commit_sha),
        async createCommitStatus(p) {
          calls.push(`createCommitStatus ${p.sha.slice(0, 7)} ${p.context} ${p.state}`);
          statuses.push({ sha: p.sha, state: p.state, context: p.context, description: p.description, target_url: p.target_url });
          return {};
        },
      },
    },
  };
  return { github, comments, issues, labels, pulls, statuses, calls };
}
