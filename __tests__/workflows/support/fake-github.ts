/**
 * An in-memory fake of the few GitHub REST calls the workflows make (delivery/github.ts): comments,
 * issues, labels, commit statuses, the pull requests of a commit, workflow runs with their
 * artifacts (real zip archives), deployment reviews and branches. Each call is recorded.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeZip } from '../../../stacks/build/zip';
import type { GitHubLike } from '../../../delivery/github';

export interface FakeComment { id: number; issue: number; body: string; user: { login: string; type: string } }
export interface FakeIssue { number: number; title: string; body: string; state: string; labels?: string[]; pull_request?: unknown; user: { login: string; type: string } }
export interface FakePull { number: number; merged_at: string | null; merge_commit_sha: string | null; head: { sha: string }; commits: string[] }
export interface FakeStatus { sha: string; state: string; context: string; description?: string; target_url?: string }

export interface FakeRun { id: number; run_number: number; path: string; event: string; head_sha: string; head_repository: { full_name: string }; artifacts: { id: number; name: string; zip: Buffer; expired?: boolean }[] }
export interface FakeReview { runId: number; state: 'approved' | 'rejected'; environment: string; login: string }

export const BOT = { login: 'github-actions[bot]', type: 'Bot' };

/** A zip archive of the given files (deflated, written by the project's own zip writer), as GitHub serves an artifact. */
export function zipOf(files: Record<string, string>): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-artifact-'));
  try {
    const onDisk = Object.fromEntries(Object.entries(files).map(([name, text], i) => {
      const file = path.join(dir, `f${i}`);
      fs.writeFileSync(file, text);
      return [name, file];
    }));
    return writeZip(path.join(dir, 'artifact.zip'), onDisk);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function fakeGitHub() {
  const comments: FakeComment[] = [];
  const issues: FakeIssue[] = [];
  const labels = new Map<number, string[]>();
  const pulls: FakePull[] = [];
  const statuses: FakeStatus[] = [];
  const runs: FakeRun[] = [];
  const reviews: FakeReview[] = [];
  const branches = new Map<string, string>();
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
        async getBranch(p) {
          const sha = branches.get(p.branch);
          if (!sha) throw new Error(`no branch ${p.branch}`);
          return { data: { commit: { sha } } };
        },
      },
      actions: {
        listWorkflowRuns: (p: { workflow_id: string; head_sha?: string }) => runs.filter((r) => r.path.endsWith(`/${p.workflow_id}`) && (!p.head_sha || r.head_sha === p.head_sha)),
        listWorkflowRunArtifacts: (p: { run_id: number; name?: string }) => (runs.find((r) => r.id === p.run_id)?.artifacts ?? []).filter((a) => !p.name || a.name === p.name).map(({ id, name, expired }) => ({ id, name, expired })),
        async downloadArtifact(p) {
          calls.push(`downloadArtifact ${p.artifact_id}`);
          const artifact = runs.flatMap((r) => r.artifacts).find((a) => a.id === p.artifact_id);
          if (!artifact) throw new Error(`no artifact ${p.artifact_id}`);
          return { data: artifact.zip };
        },
        async getReviewsForRun(p) {
          return { data: reviews.filter((r) => r.runId === p.run_id).map((r) => ({ state: r.state, environments: [{ name: r.environment }], user: { login: r.login } })) };
        },
      },
    },
  };
    /** A run of `workflow` for `headSha` that uploaded `files` as the artifact `name`. */
  function addRun(args: { workflow: string; headSha: string; event?: string; repository?: string; artifact?: { name: string; files: Record<string, string> } }): FakeRun {
    const run: FakeRun = { id: nextId++, run_number: runs.length + 1, path: args.workflow, event: args.event ?? 'pull_request', head_sha: args.headSha, head_repository: { full_name: args.repository ?? 'acme/tm' }, artifacts: [] };
    if (args.artifact) run.artifacts.push({ id: nextId++, name: args.artifact.name, zip: zipOf(args.artifact.files) });
    runs.push(run);
    return run;
  }
  return { github, comments, issues, labels, pulls, statuses, runs, reviews, branches, calls, addRun };
}
