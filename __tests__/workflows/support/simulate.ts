/**
 * Runs the workflows' job graph as GitHub decides it, with GitHub's own engines: each file is parsed
 * and converted by @actions/workflow-parser (the parser fails on anything GitHub would refuse), and
 * every `if:`, environment name, matrix and `role-to-assume` is evaluated by @actions/expressions for
 * one event. Status functions follow GitHub's job semantics: success() is true when every job before
 * this one (directly or not) succeeded, failure() when one failed, always() always, cancelled() when
 * the run was cancelled. Reusable workflows (`uses: ./.github/workflows/x.yml`) are expanded with
 * their inputs. No step runs: a job that runs ends with the result the scenario gives it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { convertWorkflowTemplate, isBasicExpression, isMapping, isSequence, isString, NoOperationTraceWriter, parseWorkflow as parseWithGitHub } from '@actions/workflow-parser';
import type { WorkflowJob, WorkflowTemplate } from '@actions/workflow-parser/model/workflow-template';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { parseWorkflow, type Job as YamlJob, type Workflow } from '../../../delivery/workflow-policy';

export type Result = 'success' | 'failure' | 'skipped' | 'cancelled';

export interface Scenario {
  readonly event: 'pull_request' | 'push' | 'workflow_dispatch' | 'merge_group' | 'schedule';
  readonly ref: string;
  readonly sha?: string;
  /** pull_request: the head's repository (a fork's differs from `repository`). */
  readonly headRepository?: string;
  readonly inputs?: Readonly<Record<string, string>>;
  /** The result of each job that runs, by id (`caller/job` inside a reusable workflow); default success. */
  readonly results?: Readonly<Record<string, Result>>;
  /** Each job's outputs, by id. */
  readonly outputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly cancelled?: boolean;
}

export interface Leg {
  /** `job` or `caller/job`. */
  readonly job: string;
  readonly matrix?: Readonly<Record<string, string>>;
  readonly result: Result;
  /** The ref of its checkout (github.ref without one). */
  readonly ref: string;
  readonly permissions: Readonly<Record<string, string>>;
  readonly environment?: string;
  /** The role it assumes, as evaluated with the variables below. */
  readonly role?: string;
}

export const REPOSITORY = 'acme/taskmanager';
/** Repository variables, and each environment's own AWS_APPLY_ROLE_ARN. */
export const VARS = {
  AWS_REGION: 'eu-west-1',
  AWS_PLAN_ROLE_ARN_DEV: 'arn:aws:iam::111111111111:role/tm-github-plan-dev',
  AWS_PLAN_ROLE_ARN_PROD: 'arn:aws:iam::222222222222:role/tm-github-plan-prod',
  AWS_IMAGE_PUSH_ROLE_ARN_DEV: 'arn:aws:iam::111111111111:role/tm-github-image-push-dev',
  AWS_IMAGE_PUSH_ROLE_ARN_PROD: 'arn:aws:iam::222222222222:role/tm-github-image-push-prod',
  AWS_IMAGE_REPOSITORY_DEV: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/tm-dev-api',
  AWS_IMAGE_REPOSITORY_PROD: '222222222222.dkr.ecr.eu-west-1.amazonaws.com/tm-prod-api',
};
export const applyRole = (environment: string) => `arn:aws:iam::000000000000:role/tm-github-apply-${environment}`;

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'].map((name) => ({ name, minArgs: 0, maxArgs: 0 }));
const CONTEXTS = ['github', 'inputs', 'vars', 'needs', 'matrix', 'strategy', 'env', 'secrets', 'runner', 'job', 'steps'];

interface Loaded { readonly template: WorkflowTemplate; readonly yaml: Workflow; readonly permissions: Record<string, Record<string, string>> }

const loaded = new Map<string, Promise<Loaded>>();

/** Parses and converts a workflow with GitHub's parser (once per file); throws on any error it reports. */
export function loadWorkflow(file: string): Promise<Loaded> {
  if (!loaded.has(file)) loaded.set(file, load(file));
  return loaded.get(file)!;
}

async function load(file: string): Promise<Loaded> {
  const content = fs.readFileSync(file, 'utf8');
  const parsed = parseWithGitHub({ name: path.basename(file), content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors();
  if (errors.length || !parsed.value) throw new Error(`${file}: ${errors.map((e) => e.message).join('; ')}`);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  if (template.errors?.length) throw new Error(`${file}: ${template.errors.map((e) => e.Message).join('; ')}`);
  return { template, yaml: parseWorkflow({ path: file, text: content }), permissions: jobPermissions(parsed.value) };
}

/** jobs.<id>.permissions from the parser's token tree (the converted model leaves them out). */
function jobPermissions(root: TemplateToken): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const jobs = isMapping(root) ? entries(root).find(([k]) => k === 'jobs')?.[1] : undefined;
  for (const [id, job] of jobs && isMapping(jobs) ? entries(jobs) : []) {
    const perms = isMapping(job) ? entries(job).find(([k]) => k === 'permissions')?.[1] : undefined;
    out[id] = {};
    for (const [scope, level] of perms && isMapping(perms) ? entries(perms) : []) out[id][scope] = isString(level) ? level.value : String(level);
  }
  return out;
}

function entries(token: TemplateToken): [string, TemplateToken][] {
  if (!isMapping(token)) return [];
  const list: [string, TemplateToken][] = [];
  for (let i = 0; i < token.count; i++) {
    const pair = token.get(i);
    list.push([isString(pair.key) ? pair.key.value : String(pair.key), pair.value]);
  }
  return list;
}

interface Scope {
  readonly github: Record<string, unknown>;
  readonly inputs: Record<string, unknown>;
  readonly needs: Record<string, { result: Result; outputs: Record<string, string> }>;
  readonly matrix?: Record<string, string>;
  readonly vars: Record<string, string>;
  /** The results of every job before this one, for the status functions. */
  readonly ancestors: readonly Result[];
  readonly cancelled: boolean;
}

/** Evaluates one expression (without `${{ }}`) with GitHub's engine. */
export function evaluate(expression: string, scope: Scope): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const tree = new Parser(lexed.tokens, CONTEXTS, STATUS_FUNCTIONS).parse();
  const context = JSON.parse(JSON.stringify({ github: scope.github, inputs: scope.inputs, needs: scope.needs, matrix: scope.matrix ?? {}, vars: scope.vars, env: {}, secrets: {}, strategy: {}, runner: {}, job: {}, steps: {} }), data.reviver) as data.Dictionary;
  const status = (value: () => boolean) => ({ name: '', minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) });
  const functions = new Map([
    ['success', status(() => !scope.cancelled && scope.ancestors.every((r) => r === 'success'))],
    ['failure', status(() => scope.ancestors.includes('failure'))],
    ['always', status(() => true)],
    ['cancelled', status(() => scope.cancelled)],
  ]);
  return new Evaluator(tree, context, functions).evaluate();
}

/** A string with `${{ }}` parts, each evaluated (as GitHub does for `with:` and `env:` values). */
export function interpolate(text: string, scope: Scope): string {
  return text.replace(/\$\{\{\s*([\s\S]+?)\s*\}\}/g, (_m, expr: string) => evaluate(expr, scope).coerceString());
}

function tokenValue(token: TemplateToken | undefined, scope: Scope): unknown {
  if (!token) return undefined;
  if (isBasicExpression(token)) {
    const value = evaluate(token.expression, scope);
    return JSON.parse(JSON.stringify(value, data.replacer));
  }
  if (isString(token)) return token.value;
  if (isSequence(token)) {
    const list: unknown[] = [];
    for (let i = 0; i < token.count; i++) list.push(tokenValue(token.get(i), scope));
    return list;
  }
  if (isMapping(token)) return Object.fromEntries(entries(token).map(([k, v]) => [k, tokenValue(v, scope)]));
  return (token as unknown as { value?: unknown }).value;
}

function githubContext(s: Scenario): Record<string, unknown> {
  const pr = s.event === 'pull_request' ? { number: 7, head: { sha: 'a'.repeat(40), repo: { full_name: s.headRepository ?? REPOSITORY } }, base: { sha: 'b'.repeat(40) } } : undefined;
  return { event_name: s.event, ref: s.ref, sha: s.sha ?? 'c'.repeat(40), repository: REPOSITORY, run_id: '1', event: { pull_request: pr, before: s.event === 'push' ? 'd'.repeat(40) : undefined, inputs: s.inputs } };
}

/** Whether the workflow runs at all for this event (its `on:` and, for push, the branch filter). */
export function triggered(template: WorkflowTemplate, s: Scenario): boolean {
  const on = template.events[s.event] as { branches?: string[] } | undefined;
  if (on === undefined) return false;
  if (s.event === 'push' && on.branches) return on.branches.some((b) => `refs/heads/${b}` === s.ref);
  return true;
}

function order(jobs: readonly WorkflowJob[]): WorkflowJob[] {
  const done = new Set<string>();
  const sorted: WorkflowJob[] = [];
  while (sorted.length < jobs.length) {
    const next = jobs.find((j) => !done.has(j.id.value) && (j.needs ?? []).every((n) => done.has(n.value)));
    if (!next) throw new Error('a cycle in needs');
    done.add(next.id.value);
    sorted.push(next);
  }
  return sorted;
}

/** Every job leg that runs or is skipped for the scenario, in the order GitHub starts them. */
export async function simulate(file: string, s: Scenario, prefix = '', inputs: Record<string, unknown> = {}): Promise<Leg[]> {
  const { template, yaml, permissions } = await loadWorkflow(file);
  if (!prefix && !triggered(template, s)) return [];
  const github = githubContext(s);
  const legs: Leg[] = [];
  const results = new Map<string, Result>();
  const ancestorsOf = (id: string): Result[] => {
    const seen = new Set<string>();
    const walk = (j: string) => {
      for (const n of template.jobs.find((x) => x.id.value === j)?.needs ?? []) if (!seen.has(n.value)) { seen.add(n.value); walk(n.value); }
    };
    walk(id);
    return [...seen].map((j) => results.get(j)!);
  };
  for (const job of order(template.jobs)) {
    const id = job.id.value;
    const name = `${prefix}${id}`;
    const needs = Object.fromEntries((job.needs ?? []).map((n) => [n.value, { result: results.get(n.value)!, outputs: s.outputs?.[`${prefix}${n.value}`] ?? {} }]));
    const scope: Scope = { github, inputs: { ...inputs, ...s.inputs }, needs, vars: VARS, ancestors: ancestorsOf(id), cancelled: !!s.cancelled };
    const runs = truthy(evaluate(job.if.expression, scope));
    if (!runs) {
      results.set(id, 'skipped');
      legs.push({ job: name, result: 'skipped', ref: s.ref, permissions: permissions[id] ?? {} });
      continue;
    }
    if (job.type === 'reusableWorkflowJob') {
      const called = path.join(path.dirname(file), path.basename(job.ref.value));
      const withs = Object.fromEntries(entries(job['input-values'] as TemplateToken ?? ({} as TemplateToken)).map(([k, v]) => [k, tokenValue(v, scope)]));
      const inner = await simulate(called, s, `${name}/`, withs);
      // The caller's permissions are the ceiling of every called job's.
      legs.push(...inner.map((leg) => ({ ...leg, permissions: capped(leg.permissions, permissions[id] ?? {}) })));
      const result = s.results?.[name] ?? (inner.some((l) => l.result === 'failure') ? 'failure' : inner.some((l) => l.result === 'cancelled') ? 'cancelled' : 'success');
      results.set(id, result);
      continue;
    }
    const combos = matrixCombinations(tokenValue(job.strategy, scope) as { matrix?: Record<string, unknown> } | undefined);
    const result = s.results?.[name] ?? 'success';
    for (const combo of combos) {
      const legScope = { ...scope, matrix: combo };
      const environment = job.type === 'job' && job.environment ? String(tokenValue(isMapping(job.environment) ? entries(job.environment).find(([k]) => k === 'name')?.[1] : job.environment, legScope)) : undefined;
      legs.push({ job: name, matrix: combo, result, ref: checkoutRef(yaml.jobs[id], legScope, s.ref), permissions: permissions[id] ?? {}, environment, role: role(yaml.jobs[id], legScope, environment) });
    }
    results.set(id, combos.length === 0 ? 'skipped' : result);
  }
  return legs;
}

/** The legs of a job's matrix (each list-valued key multiplied out); one leg without a matrix. */
function matrixCombinations(strategy: { matrix?: Record<string, unknown> } | undefined): (Record<string, string> | undefined)[] {
  const lists = Object.entries(strategy?.matrix ?? {}).filter((e): e is [string, unknown[]] => Array.isArray(e[1]));
  if (lists.length === 0) return [undefined];
  return lists.reduce<Record<string, string>[]>((acc, [key, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [key]: String(v) }))), [{}]);
}

function capped(own: Readonly<Record<string, string>>, ceiling: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(own).map(([scope, level]) => [scope, level === 'write' && ceiling[scope] !== 'write' ? (ceiling[scope] ?? 'none') : level]));
}

function checkoutRef(job: YamlJob, scope: Scope, ref: string): string {
  const checkout = (job.steps ?? []).find((step) => step.uses?.startsWith('actions/checkout@'));
  const wanted = checkout?.with?.ref;
  return wanted ? interpolate(String(wanted), scope) || ref : ref;
}

function role(job: YamlJob, scope: Scope, environment: string | undefined): string | undefined {
  const step = (job.steps ?? []).find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
  if (!step) return undefined;
  const vars = environment ? { ...VARS, AWS_APPLY_ROLE_ARN: applyRole(environment) } : VARS;
  return interpolate(String(step.with?.['role-to-assume'] ?? ''), { ...scope, vars });
}
