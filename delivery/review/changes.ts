/**
 * What a pull request (or a push to main) changes, read from its list of changed files:
 *
 * - whether it changes anything synth reads: a change to docs, Markdown or tests alone cannot
 *   change the synthesized stacks, so nothing is planned (and nothing applies after its merge);
 * - whether it changes the pipeline itself (workflows, delivery code, deploy stacks, scripts,
 *   the settings file, dependencies): its comment opens with a warning, because the plan that
 *   reviewers read was made by the very code under review.
 *
 * Anything not known to be outside synth's inputs counts as an input: a new folder is planned
 * until it is listed here, never skipped by accident.
 */

/** Paths synth never reads (prefixes end with `/`). */
export const NOT_SYNTH_INPUTS: readonly RegExp[] = [
  /^docs\//,
  /^__tests__\//,
  /(^|\/)[^/]+\.md$/,
  /^LICENSE$/,
  /^\.github\/(CODEOWNERS|ISSUE_TEMPLATE\/|pull_request_template)/,
];

/**
 * The pipeline: what decides how plans are made, judged and applied. .github/CODEOWNERS
 * requires its owners' review for the same paths.
 */
export const PIPELINE_PATHS: readonly RegExp[] = [
  /^\.github\//,
  /^delivery\//,
  /^stacks\/deploy\//,
  /^scripts\//,
  /^taskmanager\.config\.json$/,
  /^package(-lock)?\.json$/,
];

export interface ChangeSummary {
  /** How many files changed. */
  readonly files: number;
  /** The changed files synth reads; none means nothing to plan. */
  readonly synthInputs: readonly string[];
  /** The changed files of the pipeline itself. */
  readonly pipeline: readonly string[];
  /** Plan (and, after a merge, apply) only when true. Unknown changes (no file list) plan. */
  readonly plan: boolean;
}

/** Classifies a list of changed paths; `undefined` (the list is unknown) plans everything. */
export function classifyChanges(files: readonly string[] | undefined): ChangeSummary {
  if (files === undefined) return { files: 0, synthInputs: [], pipeline: [], plan: true };
  const clean = [...new Set(files.map((f) => f.trim()).filter(Boolean))].sort();
  const synthInputs = clean.filter((f) => !NOT_SYNTH_INPUTS.some((p) => p.test(f)));
  const pipeline = clean.filter((f) => PIPELINE_PATHS.some((p) => p.test(f)));
  return { files: clean.length, synthInputs, pipeline, plan: synthInputs.length > 0 };
}

function listed(files: readonly string[], max = 10): string {
  const shown = files.slice(0, max).map((f) => `\`${f}\``).join(', ');
  return files.length > max ? `${shown} and ${files.length - max} more` : shown;
}

/** The warning that opens the comment of a pull request that changes the pipeline; empty otherwise. */
export function pipelineWarning(changes: ChangeSummary | undefined): string {
  if (!changes || changes.pipeline.length === 0) return '';
  return `> [!WARNING]\n> **This pull request changes the pipeline** (${listed(changes.pipeline)}): the plan below was made and judged by the code under review. The code owners of these paths must review it (see .github/CODEOWNERS).`;
}

/** The comment's text for a pull request that changes nothing synth reads. */
export function nothingToPlan(changes: ChangeSummary): string {
  return `This pull request changes nothing that synth reads (${changes.files} file${changes.files === 1 ? '' : 's'}: docs, Markdown or tests only), so nothing was planned, and its merge applies nothing.`;
}
