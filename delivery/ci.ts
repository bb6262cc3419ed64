/**
 * The Terraform steps of the delivery workflows (scripts/terraform-ci.ts is their command line).
 *
 * plan: copies the committed provider lock file into the stack, `terraform init -lockfile=readonly`
 * (the lock is never rewritten in CI), `terraform plan -out=tfplan` into the stack folder (so the
 * folder, uploaded as an artifact, is exactly what apply needs), then writes to the out folder:
 * `<stack>.json` (`terraform show -json`), `<stack>.txt` (human-readable plan) or `<stack>.stderr`
 * when Terraform failed. It appends the rendered plan to $GITHUB_STEP_SUMMARY and sets the step
 * outputs `status` (changes | no-changes | failed) and `exitcode` in $GITHUB_OUTPUT.
 *
 * Apply is not here on purpose: the apply job runs plain `terraform apply tfplan` on the
 * downloaded plan, with no Node.js code at all (see .github/workflows/ci.yml).
 */
import * as fs from 'fs';
import * as path from 'path';
import { hasChanges, parsePlan, summarize } from './plan/model';
import { renderComment, type StackResult } from './plan/render';
import { init, LOCK_FILE, terraform, type TerraformOptions, type TerraformResult } from './terraform';

export const PLAN_FILE = 'tfplan';

export interface CiOptions extends TerraformOptions {
  readonly stack: string;
}

export interface PlanOptions extends CiOptions {
  readonly outDir: string;
  readonly lockFile?: string;
  readonly detailedExitcode?: boolean;
  readonly title?: string;
  /** Where Terraform's init and plan output goes (default: this process's stderr, the CI log). */
  readonly log?: (text: string) => void;
}

export type PlanStatus = 'changes' | 'no-changes' | 'failed';

export interface PlanOutcome {
  readonly status: PlanStatus;
  readonly exitCode: number;
  readonly jsonFile?: string;
  readonly stderrFile?: string;
  readonly markdown: string;
}

function toStderr(text: string): void {
  if (text.trim()) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

function appendFileIfSet(file: string | undefined, text: string): void {
  if (file) fs.appendFileSync(file, text);
}

export async function planStack(options: PlanOptions): Promise<PlanOutcome> {
  const env = options.env ?? process.env;
  const log = options.log ?? toStderr;
  fs.mkdirSync(options.outDir, { recursive: true });
  const jsonFile = path.join(options.outDir, `${options.stack}.json`);
  const stderrFile = path.join(options.outDir, `${options.stack}.stderr`);
  const textFile = path.join(options.outDir, `${options.stack}.txt`);
  for (const stale of [jsonFile, stderrFile, textFile]) fs.rmSync(stale, { force: true });

  const fail = (stage: string, result: TerraformResult): PlanOutcome => {
    const text = `terraform ${stage} failed (exit ${result.code}):\n${result.stderr}${result.stdout ? `\n${result.stdout}` : ''}`;
    fs.writeFileSync(stderrFile, text);
    return finish({ status: 'failed', exitCode: 1, stderrFile }, { stack: options.stack, status: 'failed', error: text });
  };
  const finish = (outcome: Omit<PlanOutcome, 'markdown'>, result: StackResult): PlanOutcome => {
    const markdown = renderComment([result], { marker: `${options.stack}-plan-summary`, title: options.title ?? `Terraform plan: ${options.stack}`, maxLength: 60000 });
    appendFileIfSet(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
    appendFileIfSet(env.GITHUB_OUTPUT, `status=${outcome.status}\nexitcode=${outcome.exitCode}\n`);
    return { ...outcome, markdown };
  };

  if (options.lockFile) {
    if (!fs.existsSync(options.lockFile)) {
      return fail('init', { code: 1, stdout: '', stderr: `provider lock file ${options.lockFile} not found` });
    }
    fs.copyFileSync(options.lockFile, path.join(options.dir, LOCK_FILE));
  }
  const initResult = await init(options, { offline: false });
  log(initResult.stdout);
  if (initResult.code !== 0) return fail('init', initResult);

  // Plans never take the state lock: the plan role may not write it, so a pull request's plan can
  // neither break nor block an apply's lock. A plan made stale by an apply is refused by Terraform.
  const planArgs = ['plan', '-input=false', '-no-color', '-lock=false', `-out=${PLAN_FILE}`];
  if (options.detailedExitcode) planArgs.push('-detailed-exitcode');
  const plan = await terraform(planArgs, options);
  log(plan.stdout);
  // -detailed-exitcode: 0 no changes, 1 error, 2 changes.
  if (plan.code !== 0 && !(options.detailedExitcode && plan.code === 2)) return fail('plan', plan);

  const show = await terraform(['show', '-json', '-no-color', PLAN_FILE], options);
  if (show.code !== 0) return fail('show', show);
  fs.writeFileSync(jsonFile, show.stdout);
  const human = await terraform(['show', '-no-color', PLAN_FILE], options);
  fs.writeFileSync(textFile, human.code === 0 ? human.stdout : human.stderr);

  const planJson = parsePlan(show.stdout);
  const summary = summarize(planJson);
  if (summary.failed) {
    return finish({ status: 'failed', exitCode: 1, jsonFile }, { stack: options.stack, status: 'planned', plan: planJson });
  }
  const changed = hasChanges(summary) || summary.drift.length > 0;
  const status: PlanStatus = changed ? 'changes' : 'no-changes';
  const exitCode = options.detailedExitcode && changed ? 2 : 0;
  return finish({ status, exitCode, jsonFile }, { stack: options.stack, status: 'planned', plan: planJson });
}
