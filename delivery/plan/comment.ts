/**
 * What the plan comment is made of, read from the files the plan steps wrote: each stack's plan,
 * its failure, or why it was skipped. Every problem reading a plan becomes a failed stack, never
 * an exception, so a broken plan step can never turn into a comment that says "No changes".
 */
import * as fs from 'fs';
import * as path from 'path';
import { hasChanges, parsePlan, type PlanJson, summarize } from './model';
import type { StackResult } from './render';

export type StackSpec =
  | { readonly stack: string; readonly kind: 'plan'; readonly file: string }
  | { readonly stack: string; readonly kind: 'error'; readonly file: string }
  | { readonly stack: string; readonly kind: 'skipped'; readonly reason: string };

export class UsageError extends Error {}

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * The stack arguments of `plan-comment`:
 *   dev=plans/dev.json              the output of `terraform show -json <planfile>`
 *   dev=error:plans/dev.stderr      terraform failed: the file holds its output (shown as a failure)
 *   dev=skipped:<reason>            not planned on purpose
 *   dev=fork:<pr>:<head sha>        not planned: a pull request from a fork (says how a maintainer plans it)
 *   dev                             with `dir`: DIR/dev.stderr if it exists (failed), else DIR/dev.json
 */
export function parseStackSpecs(args: readonly string[], dir?: string): StackSpec[] {
  const stacks: StackSpec[] = [];
  const add = (spec: StackSpec): void => {
    if (stacks.some((s) => s.stack === spec.stack)) throw new UsageError(`stack ${spec.stack} given twice`);
    stacks.push(spec);
  };
  const bare: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq === -1) {
      if (!STACK_NAME.test(arg)) throw new UsageError(`not a stack name: ${JSON.stringify(arg)}`);
      bare.push(arg);
      continue;
    }
    const stack = arg.slice(0, eq);
    const target = arg.slice(eq + 1);
    if (!STACK_NAME.test(stack) || target === '') throw new UsageError(`expected <stack>=<plan.json>, got ${JSON.stringify(arg)}`);
    if (target.startsWith('error:')) add({ stack, kind: 'error', file: target.slice('error:'.length) });
    else if (target.startsWith('skipped:')) add({ stack, kind: 'skipped', reason: target.slice('skipped:'.length) || 'Not planned.' });
    else if (target.startsWith('fork:')) add({ stack, kind: 'skipped', reason: forkNotice(target.slice('fork:'.length)) });
    else add({ stack, kind: 'plan', file: target });
  }
  for (const stack of bare) {
    if (dir === undefined) throw new UsageError(`a bare stack name (${stack}) needs --dir`);
    const stderr = path.join(dir, `${stack}.stderr`);
    add(fs.existsSync(stderr) ? { stack, kind: 'error', file: stderr } : { stack, kind: 'plan', file: path.join(dir, `${stack}.json`) });
  }
  if (stacks.length === 0) throw new UsageError('usage: plan-comment [options] <stack>=<plan.json> [<stack>=error:<stderr file>] [<stack>=skipped:<reason>] ...');
  return stacks;
}

/** A file's text, or undefined when it cannot be read. */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Why a fork's pull request has no plan, and how a maintainer gets one: GitHub gives a fork's run
 * no OIDC token (so no AWS credentials), and running its code with the plan role is a decision
 * for someone who read it: they push the commit they read to a branch of the repository. `spec` is `<pr>:<head sha>`.
 */
export function forkNotice(spec: string): string {
  const m = /^(\d+):([0-9a-f]{40})$/.exec(spec);
  if (!m) throw new UsageError(`fork: expected <pr number>:<40-hex head sha>, got ${JSON.stringify(spec)}`);
  const [, pr, sha] = m;
  return [
    'This pull request comes from a fork: GitHub gives its workflow runs no OIDC token, so there are no AWS credentials, no plan and no AWS data here, and this check fails until a maintainer runs the plan.',
    `A maintainer, after reading the changes, pushes exactly the commit they read to a branch of this repository and opens a pull request from it, which is planned like any other: \`git fetch origin pull/${pr}/head && git push origin ${sha}:refs/heads/fork-pr-${pr}\`. No workflow plans a fork's code with AWS credentials.`,
  ].join('\n\n');
}

/** Reads and parses a plan file; an unreadable one is an error that says what is wrong with it. */
export function readPlanFile(file: string): PlanJson {
  const text = readIfExists(file);
  if (text === undefined) throw new PlanFileError(`No plan: ${file} was not found (the plan step failed before writing it).`);
  if (text.trim() === '') throw new PlanFileError(`No plan: ${file} is empty.`);
  try {
    return parsePlan(text);
  } catch (error) {
    throw new PlanFileError(`${file} is not a Terraform JSON plan: ${(error as Error).message}`);
  }
}

export class PlanFileError extends Error {}

/** Reads what a stack spec points at; every problem becomes a failed stack, never an exception. */
export function loadStack(spec: StackSpec): StackResult {
  if (spec.kind === 'skipped') return { stack: spec.stack, status: 'skipped', reason: spec.reason };
  if (spec.kind === 'error') {
    const text = readIfExists(spec.file);
    return { stack: spec.stack, status: 'failed', error: text ?? `(the error output ${spec.file} was not found)` };
  }
  try {
    return { stack: spec.stack, status: 'planned', plan: readPlanFile(spec.file) };
  } catch (error) {
    if (!(error instanceof PlanFileError)) throw error;
    return { stack: spec.stack, status: 'failed', error: error.message };
  }
}

/** "Commit abc1234 · workflow run" from the variables GitHub Actions sets, or undefined outside it. */
export function githubContextLine(env: NodeJS.ProcessEnv): string | undefined {
  const sha = env.GITHUB_SHA;
  if (!sha) return undefined;
  const parts = [`Commit \`${sha.slice(0, 7)}\``];
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
    parts.push(`[workflow run](${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt})`);
  }
  if (env.GITHUB_EVENT_NAME) parts.push(`event \`${env.GITHUB_EVENT_NAME}\``);
  return `<sub>${parts.join(' · ')}</sub>`;
}

/** Whether any stack has changes or drift, and whether any failed: for the workflow's next steps. */
export function outcome(results: readonly StackResult[]): { hasChanges: boolean; failed: boolean } {
  let changes = false;
  let failed = false;
  for (const r of results) {
    if (r.status === 'failed') failed = true;
    if (r.status !== 'planned') continue;
    const s = summarize(r.plan);
    if (s.failed) failed = true;
    if (hasChanges(s) || s.drift.length > 0) changes = true;
  }
  return { hasChanges: changes, failed };
}
