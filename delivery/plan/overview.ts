/**
 * The part of a stack's comment that is never folded away: the riskiest changes as an open diff,
 * creates counted per construct (`dev/api: 9 resources, 2 IAM`), and the risky facts of what is
 * created (who is trusted, which actions on what, what is open to where, what is unencrypted).
 * Bounded by construction (lines and facts are capped), so it always fits beside the summary.
 */
import { type BlockOptions, followerLine, followersBlock, resourceBlock } from './detail';
import { escapeControl, fenced, plural } from './markdown';
import type { ClassifiedChange } from './model';
import { type Risk, riskOf, riskyFacts } from './risk';
import { constructGroup, constructPath, type SynthesizedStack } from './synthesized';

/** Most lines of the open diff of changed resources; the rest of the blocks go to the folded details. */
export const OPEN_DIFF_LINES = 80;
/** Most lines of risky facts per stack (a stack of hundreds of roles); the details hold the rest. */
export const MAX_FACT_LINES = 400;

const ICONS: Record<Risk, string> = { destroy: '🔴', iam: '🔑', network: '🌐', stateful: '💾', other: '•' };

export interface Overview {
  readonly markdown: string;
  /** The changes the open diff shows (the details leave them out). */
  readonly shownOpen: ReadonlySet<ClassifiedChange>;
}

export interface OverviewInput {
  readonly stack: string;
  /** In risk order (`compareByRisk`). */
  readonly changes: readonly ClassifiedChange[];
  readonly synthesized?: SynthesizedStack;
  readonly block: Omit<BlockOptions, 'construct' | 'drift'>;
}

function openDiff(input: OverviewInput, construct: (c: ClassifiedChange) => string): { text?: string; shown: Set<ClassifiedChange> } {
  const candidates = input.changes.filter((c) => c.kind !== 'create' && c.kind !== 'read');
  const followers = new Map(candidates.map((c) => [c, followerLine(c, { ...input.block, construct: construct(c) })] as const).filter((e): e is [ClassifiedChange, string] => e[1] !== undefined));
  const shown = new Set<ClassifiedChange>();
  const blocks: string[] = [];
  let lines = 0;
  for (const c of candidates.filter((x) => !followers.has(x))) {
    const block = resourceBlock(c, { ...input.block, construct: construct(c) });
    const n = block.split('\n').length + 1;
    if (lines + n > OPEN_DIFF_LINES && blocks.length > 0) break;
    blocks.push(block);
    shown.add(c);
    lines += n;
  }
  // The changes that only follow others come after them, together, when they fit; else to the details, a block each.
  if (followers.size > 0 && (blocks.length === 0 || lines + followers.size + 2 <= OPEN_DIFF_LINES)) {
    blocks.push(followersBlock([...followers.values()]));
    for (const c of followers.keys()) shown.add(c);
  }
  if (blocks.length === 0) return { shown };
  const partial = shown.size < candidates.length ? ` (${shown.size} of ${candidates.length}; the others are in the details)` : '';
  return { text: `**Changed, riskiest first${partial}:**\n\n${fenced('diff', blocks.join('\n\n'))}`, shown };
}

/** `- dev/api: 9 resources, 2 IAM, 1 network`: every construct that gets a resource, in path order. */
function byConstruct(creates: readonly ClassifiedChange[], construct: (c: ClassifiedChange) => string): string | undefined {
  if (creates.length === 0) return undefined;
  const groups = new Map<string, { total: number; iam: number; network: number; stateful: number }>();
  for (const c of creates) {
    const key = constructGroup(construct(c));
    const g = groups.get(key) ?? { total: 0, iam: 0, network: 0, stateful: 0 };
    g.total++;
    const risk = riskOf(c);
    if (risk === 'iam' || risk === 'network' || risk === 'stateful') g[risk]++;
    groups.set(key, g);
  }
  const lines = [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, g]) => {
    const parts = [plural(g.total, 'resource')];
    if (g.iam) parts.push(`${g.iam} IAM`);
    if (g.network) parts.push(`${g.network} network`);
    if (g.stateful) parts.push(`${g.stateful} stateful`);
    return `${key}: ${parts.join(', ')}`;
  });
  return `**Created, by construct** (${plural(creates.length, 'resource')} in ${plural(groups.size, 'construct')}):\n\n${fenced('text', lines.join('\n'))}`;
}

function factsBlock(changes: readonly ClassifiedChange[], input: OverviewInput, construct: (c: ClassifiedChange) => string): string | undefined {
  const lines: string[] = [];
  let resources = 0;
  let left = 0;
  for (const c of changes) {
    const facts = riskyFacts(c, input.synthesized);
    if (facts.length === 0) continue;
    if (lines.length + facts.length + 1 > MAX_FACT_LINES) {
      left++;
      continue;
    }
    resources++;
    lines.push(`${ICONS[riskOf(c)]} ${escapeControl(c.resource.address)} (${escapeControl(construct(c))})`, ...facts.map((f) => `     ${escapeControl(f)}`));
  }
  if (lines.length === 0) return undefined;
  const more = left ? `\n\n_${plural(left, 'more resource')} with risky facts: see the details._` : '';
  return `**What to check** (${plural(resources, 'resource')}: trust, permissions, network exposure, encryption):\n\n${fenced('text', lines.join('\n'))}${more}`;
}

export function overview(input: OverviewInput): Overview {
  const construct = (c: ClassifiedChange) => constructPath(input.stack, c.resource, input.synthesized);
  const open = openDiff(input, construct);
  const creates = input.changes.filter((c) => c.kind === 'create');
  // Facts of what the open diff does not already spell out: creates, and changes left to the details.
  const factual = input.changes.filter((c) => !open.shown.has(c) && riskOf(c) !== 'other');
  const parts = [open.text, byConstruct(creates, construct), factsBlock(factual, input, construct)].filter((p): p is string => p !== undefined);
  return { markdown: parts.join('\n\n'), shownOpen: open.shown };
}
