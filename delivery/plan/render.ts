/**
 * Renders the Markdown of one pull-request comment from the plans of several stacks.
 * Pure: data in, string out (no files, no environment, no clock).
 *
 * Layout, top to bottom: hidden marker, title, one summary table row per stack, a data-loss
 * warning, then per stack its destroys and replacements (first, spelled out), drift, failures,
 * and the resource-level detail folded in <details>. The summary is bounded by construction
 * (lists are capped); the detail gets what is left of the size budget and is cut, with a note,
 * when the comment would pass GitHub's limit.
 */
import { apiMoveNote } from './api-move';
import { attributeDiff, type FormatOptions } from './attributes';
import { reasonText, resourceBlock } from './detail';
import { code, escapeHtml, fenced, plural } from './markdown';
import { type ClassifiedChange, hasChanges, type PlanJson, type PlanSummary, summarize } from './model';
import { overview } from './overview';
import { compareByRisk } from './risk';
import { constructPath, type SynthesizedStack } from './synthesized';

export { code, resourceBlock };

/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65536;
export const DEFAULT_MARKER = 'taskmanager-plan';

export type StackResult =
  | { readonly stack: string; readonly status: 'planned'; readonly plan: PlanJson }
  /** Terraform failed before a plan could be shown (init/plan error); `error` is its output. */
  | { readonly stack: string; readonly status: 'failed'; readonly error: string }
  /** Deliberately not planned (e.g. a pull request from a fork gets no credentials). */
  | { readonly stack: string; readonly status: 'skipped'; readonly reason: string };

export interface RenderOptions {
  /** The hidden marker's name: `<!-- NAME -->` is the first line. */
  readonly marker?: string;
  readonly title?: string;
  /** Upper bound of the comment's length (JavaScript string length, which is >= characters). */
  readonly maxLength?: number;
  /** Markdown under the summary, e.g. the commit and a link to the run. */
  readonly context?: string;
  /** Where the untruncated plan can be read, named in the truncation note. */
  readonly fullPlanHint?: string;
  /** Most items listed in each summary list (destroys, drift, ...); the rest is counted. */
  readonly maxListed?: number;
  /** Most attribute lines shown per resource in the detail. */
  readonly maxAttributes?: number;
  readonly format?: FormatOptions;
  /** Markdown sections under the summary, before the stacks (the policy section); never cut. */
  readonly sections?: readonly string[];
  /**
   * Markdown sections after the stacks (the cost section): what changes comes first, on the
   * reviewer's first screen; never cut.
   */
  readonly sectionsAfterStacks?: readonly string[];
  /** The comment's last line, e.g. hidden marker data; never cut. */
  readonly trailer?: string;
  /** A stack's synthesized JSON (construct paths, and policies the plan knows only after apply). */
  readonly synthesized?: (stack: string) => SynthesizedStack | undefined;
}

const DEFAULTS = {
  marker: DEFAULT_MARKER,
  title: 'Terraform plan',
  maxLength: 65000,
  maxListed: 25,
  maxAttributes: 60,
  fullPlanHint: 'the workflow run (job summary and plan artifact)',
};

const MAX_ERROR_CHARS = 4000;

function forcedBy(change: ClassifiedChange): string[] {
  const diffs = attributeDiff(change.resource.change);
  return [...new Set(diffs.filter((d) => d.forcesReplacement).map((d) => d.path.replace(/\[\d+\].*$|\..*$/, '')))];
}

function verb(change: ClassifiedChange): string {
  switch (change.kind) {
    case 'delete': return change.resource.deposed ? 'destroy (deposed object)' : 'destroy';
    case 'replace': return change.replaceOrder === 'create-before-destroy' ? 'replace (create new, then destroy old)' : 'replace (destroy old, then create new)';
    case 'forget': return 'forget (removed from state, not destroyed)';
    case 'create': return 'create';
    case 'update': return 'update in place';
    case 'read': return 'read';
    default: return 'no change';
  }
}

/** One line of the destroy/replace list in the summary. */
function destructiveLine(change: ClassifiedChange): string {
  const icon = change.kind === 'delete' ? '🔴' : '🟠';
  const parts = [`${icon} **${verb(change)}** ${code(change.resource.address)}`];
  const why: string[] = [];
  const reason = reasonText(change);
  if (reason) why.push(reason);
  if (change.kind === 'replace') {
    const forced = forcedBy(change);
    if (forced.length > 0) why.push(`forced by ${forced.slice(0, 5).map(code).join(', ')}`);
  }
  if (why.length > 0) parts.push(`(${why.join('; ')})`);
  if (change.dataLossRisk) parts.push(`— ⚠️ **data-loss risk**: ${code(change.resource.type)} holds data`);
  return `- ${parts.join(' ')}`;
}

function driftLine(change: ClassifiedChange): string {
  const what = change.kind === 'delete' ? 'deleted outside Terraform' : change.kind === 'create' ? 'created outside Terraform' : 'changed outside Terraform';
  return `- ${code(change.resource.address)}: ${what}`;
}

function cappedList(lines: string[], max: number, rest: (n: number) => string): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max), `- … ${rest(lines.length - max)}`];
}

function countsText(summary: PlanSummary): string {
  const c = summary.counts;
  const parts = [`**${c.add}** to add`, `**${c.change}** to change`, `**${c.replace}** to replace`, `**${c.destroy}** to destroy`];
  if (c.import) parts.push(`**${c.import}** to import`);
  if (c.move) parts.push(`**${c.move}** moved`);
  if (c.read) parts.push(`**${c.read}** to read`);
  if (c.forget) parts.push(`**${c.forget}** to forget`);
  return parts.join(', ');
}

function extrasCell(summary: PlanSummary): string {
  const c = summary.counts;
  const parts: string[] = [];
  if (c.import) parts.push(`${c.import} import`);
  if (c.move) parts.push(`${c.move} moved`);
  if (c.read) parts.push(`${c.read} read`);
  if (c.forget) parts.push(`${c.forget} forget`);
  if (summary.outputChanges.length) parts.push(plural(summary.outputChanges.length, 'output'));
  if (summary.drift.length) parts.push(`drift: ${summary.drift.length}`);
  return parts.join(', ');
}

function resultCell(result: StackResult, summary?: PlanSummary): string {
  if (result.status === 'failed') return '❌ failed';
  if (result.status === 'skipped') return '⏭️ not planned';
  if (summary!.failed) return '❌ failed';
  const risk = [...summary!.changes].some((c) => c.dataLossRisk);
  if (risk) return '⚠️ data-loss risk';
  if (summary!.counts.destroy + summary!.counts.replace > 0) return '🟠 destroys/replaces';
  if (hasChanges(summary!)) return '🟡 changes';
  return '✅ no changes';
}

function tableRow(result: StackResult, summary?: PlanSummary): string {
  const name = code(result.stack);
  if (!summary) return `| ${name} | ${resultCell(result)} | | | | | |`;
  const c = summary.counts;
  return `| ${name} | ${resultCell(result, summary)} | ${c.add} | ${c.change} | ${c.replace} | ${c.destroy} | ${extrasCell(summary)} |`;
}

function tail(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/\u001b\[[0-9;]*m/g, '').trimEnd();
  if (clean.length <= max) return clean;
  return `… (${clean.length - max} earlier characters cut)\n${clean.slice(clean.length - max)}`;
}

interface StackSection {
  readonly summaryPart: string;
  /** Blocks of detail, in order, each a unit that is either shown whole or left out. */
  readonly blocks: string[];
  readonly detailTitle: string;
}

function stackSection(result: StackResult, summary: PlanSummary | undefined, o: typeof DEFAULTS & RenderOptions): StackSection {
  const title = code(result.stack);
  if (result.status === 'failed') {
    return {
      summaryPart: [`#### ❌ ${title}: plan failed`, '', 'Terraform did not produce a plan. Its output:', '', fenced('text', tail(result.error, MAX_ERROR_CHARS) || '(no output)')].join('\n'),
      blocks: [],
      detailTitle: '',
    };
  }
  if (result.status === 'skipped') {
    return { summaryPart: `#### ⏭️ ${title}: not planned\n\n${result.reason}`, blocks: [], detailTitle: '' };
  }
  const s = summary!;
  const out: string[] = [];
  if (s.failed) {
    out.push(`#### ❌ ${title}: plan failed`, '', `**${s.failureReason}.** Do not merge until the plan succeeds.`, '', countsText(s));
  } else if (!hasChanges(s)) {
    out.push(`#### ✅ ${title}: no changes`, '', 'No changes. The infrastructure matches the configuration.');
  } else {
    out.push(`#### ${title}: ${countsText(s)}`);
  }
  if (s.incomplete) {
    out.push('', `> [!NOTE]\n> This plan is incomplete${s.deferred ? ` (${plural(s.deferred, 'deferred change')})` : ''}: another plan and apply will be needed after this one.`);
  }
  const move = apiMoveNote(s.changes);
  if (move) out.push('', move);
  const destructive = s.changes.filter((c) => c.kind === 'delete' || c.kind === 'replace');
  if (destructive.length > 0) {
    out.push('', `**Destroyed or replaced (${destructive.length}):**`, '');
    out.push(...cappedList(destructive.map(destructiveLine), o.maxListed, (n) => `and ${n} more destroyed or replaced (see the details below)`));
  }
  if (s.outputChanges.length > 0) {
    const names = s.outputChanges.slice(0, o.maxListed).map((out) => `${code(out.name)} (${out.kind})`);
    const more = s.outputChanges.length > o.maxListed ? `, and ${s.outputChanges.length - o.maxListed} more` : '';
    out.push('', `**Outputs:** ${names.join(', ')}${more}`);
  }
  if (s.drift.length > 0) {
    out.push('', `**Drift: ${plural(s.drift.length, 'resource')} changed outside Terraform** since the last apply. This is not a planned change: applying will make them match the configuration again.`, '');
    out.push(...cappedList(s.drift.map(driftLine), o.maxListed, (n) => `and ${n} more drifted (see the details below)`));
  }
  const synthesized = o.synthesized?.(result.stack);
  const byRisk = [...s.changes].sort(compareByRisk);
  const changing = new Set(s.changes.filter((c) => c.kind !== 'no-op').map((c) => c.resource.address));
  const block = { maxAttributes: o.maxAttributes, format: o.format, synthesized, changing };
  const view = overview({ stack: result.stack, changes: byRisk, synthesized, block });
  if (view.markdown) out.push('', view.markdown);
  const construct = (c: ClassifiedChange) => constructPath(result.stack, c.resource, synthesized);
  const blocks = byRisk.filter((c) => !view.shownOpen.has(c)).map((c) => resourceBlock(c, { ...block, construct: construct(c) }));
  blocks.push(...s.drift.map((c) => resourceBlock(c, { ...block, drift: true, construct: construct(c) })));
  const shownAbove = view.shownOpen.size ? ` (${view.shownOpen.size} shown above)` : '';
  const detailTitle = `Details for ${result.stack}: ${plural(s.changes.length, 'resource change')}${shownAbove}${s.drift.length ? `, ${s.drift.length} drifted` : ''}`;
  return { summaryPart: out.join('\n'), blocks, detailTitle };
}

function detailsBlock(title: string, blocks: string[], omitted: number, hint: string): string {
  const body = blocks.join('\n\n');
  const parts = [`<details><summary>${escapeHtml(title)}</summary>`, ''];
  if (blocks.length > 0) parts.push(fenced('diff', body));
  if (omitted > 0) parts.push('', `_${plural(omitted, 'more resource block')} not shown: this comment would pass GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character limit. The full plan is in ${hint}._`);
  parts.push('', '</details>');
  return parts.join('\n');
}

/** Room that the details wrapper and its truncation note take besides the blocks themselves. */
const DETAILS_OVERHEAD = 600;
const TRUNCATION_NOTE = (hint: string) =>
  `> [!WARNING]\n> The resource details were cut to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character comment limit; the counts above are complete. Full plan: ${hint}.`;

export function renderComment(results: readonly StackResult[], options: RenderOptions = {}): string {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RenderOptions;
  const o = { ...DEFAULTS, ...defined };
  const summaries = results.map((r) => (r.status === 'planned' ? summarize(r.plan) : undefined));
  const sections = results.map((r, i) => stackSection(r, summaries[i], o));

  const head: string[] = [`<!-- ${o.marker} -->`, `### ${o.title}`, ''];
  if (results.length === 0) head.push('No stacks were planned.');
  else {
    head.push('| Stack | Result | Add | Change | Replace | Destroy | Also |', '|---|---|--:|--:|--:|--:|---|');
    results.forEach((r, i) => head.push(tableRow(r, summaries[i])));
  }
  const risky = summaries.flatMap((s, i) => (s ? s.changes.filter((c) => c.dataLossRisk).map((c) => ({ stack: results[i].stack, c })) : []));
  if (risky.length > 0) {
    head.push('', '> [!CAUTION]', `> **Data-loss risk:** this plan destroys or replaces ${plural(risky.length, 'resource')} that hold${risky.length === 1 ? 's' : ''} data. Check that this is intended and that backups exist before merging.`);
    const lines = risky.slice(0, o.maxListed).map(({ stack, c }) => `> - ${code(stack)}: **${c.kind === 'delete' ? 'destroy' : 'replace'}** ${code(c.resource.address)}`);
    if (risky.length > o.maxListed) lines.push(`> - … and ${risky.length - o.maxListed} more`);
    head.push(...lines);
  }
  const failed = results.filter((r, i) => r.status === 'failed' || summaries[i]?.failed);
  if (failed.length > 0) {
    head.push('', `> [!IMPORTANT]\n> The plan failed for ${failed.map((r) => code(r.stack)).join(', ')}: see below.`);
  }
  if (o.context) head.push('', o.context);
  const extra = o.sections ?? [];
  const trailer = o.trailer ? `${o.trailer}\n` : '';

  const after = o.sectionsAfterStacks ?? [];
  const summaryText = [head.join('\n'), ...extra, ...sections.map((s) => s.summaryPart), ...after].join('\n\n');
  const limit = Math.min(o.maxLength, GITHUB_COMMENT_LIMIT - 1) - trailer.length;
  const note = TRUNCATION_NOTE(o.fullPlanHint);
  // Summary first; the detail gets what remains, shared fairly between stacks in order.
  let budget = limit - summaryText.length - note.length - 4 - sections.length * (DETAILS_OVERHEAD + 4);
  let truncated = false;
  const detailByStack: (string | undefined)[] = [];
  let stacksLeft = sections.filter((s) => s.blocks.length > 0).length;
  for (const section of sections) {
    if (section.blocks.length === 0) {
      detailByStack.push(undefined);
      continue;
    }
    const share = Math.max(0, Math.floor(budget / stacksLeft));
    const shown: string[] = [];
    let used = 0;
    for (const block of section.blocks) {
      const cost = block.length + 2;
      if (used + cost > share) break;
      shown.push(block);
      used += cost;
    }
    const omitted = section.blocks.length - shown.length;
    if (omitted > 0) truncated = true;
    detailByStack.push(detailsBlock(section.detailTitle, shown, omitted, o.fullPlanHint));
    budget -= used;
    stacksLeft--;
  }
  const parts = [head.join('\n'), ...extra];
  if (truncated) parts.push(note);
  sections.forEach((s, i) => {
    parts.push(s.summaryPart);
    if (detailByStack[i] !== undefined) parts.push(detailByStack[i]!);
  });
  parts.push(...after);
  const comment = `${parts.join('\n\n')}\n`;
  if (comment.length <= limit) return comment + trailer;
  // Only reachable when the capped summary alone is too long (hundreds of stacks): cut, and say so.
  const cut = `\n\n_… cut: this comment would pass GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character limit. Full plan: ${o.fullPlanHint}._\n`;
  return comment.slice(0, limit - cut.length) + cut + trailer;
}
