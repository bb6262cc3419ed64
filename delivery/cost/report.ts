/** The cost estimate for a terminal, for the PR comment, and for the README's figures. */
import { cell, code } from '../plan/markdown';
import type { ResourceCost, SideCost, StackCost } from './estimate';

/** Cents, half up (54.785 is $54.79, whatever binary floating point makes of it). */
function cents(usd: number): number {
  return Math.sign(usd) * Math.round(Math.abs(usd) * 100 + 1e-6);
}

export function money(usd: number): string {
  return `$${(Math.abs(cents(usd)) / 100).toFixed(2)}`;
}

export function signed(usd: number): string {
  const c = cents(usd);
  return c === 0 ? '±$0.00' : `${c > 0 ? '+' : '−'}${money(usd)}`;
}

/** The usage-based parts, once each. */
function usageSummary(side: SideCost): string[] {
  return [...new Set(side.resources.flatMap((r) => r.usage))].sort();
}

/** Prices older than this get a note asking for a refresh (never a failure: list prices change slowly). */
export const STALE_AFTER_DAYS = 180;

/** Whole days from `read` (YYYY-MM-DD) to `now`, never below 0. */
export function ageInDays(read: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(`${read}T00:00:00Z`)) / 86_400_000));
}

/** `read 2026-12-01, 2 days ago`, with a refresh note once they are older than STALE_AFTER_DAYS. */
export function pricesAge(read: string, now: Date): string {
  const days = ageInDays(read, now);
  const age = days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} ago`;
  const stale = days > STALE_AFTER_DAYS ? `: older than ${STALE_AFTER_DAYS} days, list prices may have changed (refresh delivery/cost/prices with their sources)` : '';
  return `read ${read}, ${age}${stale}`;
}

function where(cost: StackCost, now: Date): string {
  return cost.region ? `${cost.region}${cost.pricesRead ? `, prices ${pricesAge(cost.pricesRead, now)}` : ', no price table'}` : 'region unknown';
}

function resourceLines(r: ResourceCost): string[] {
  return r.lines.map((l, i) => `    ${(i === 0 ? r.address : '').padEnd(64)} ${l.what.padEnd(64)} ${l.monthly === undefined ? `not priced: ${l.notPriced}` : money(l.monthly).padStart(9)}`);
}

export function costText(costs: readonly StackCost[], now: Date = new Date()): string {
  const out: string[] = [];
  for (const c of costs) {
    out.push(`${c.stack} (${where(c, now)}): ${money(c.after.monthly)}/month after this plan, ${signed(c.delta)} against now (${money(c.before.monthly)})${c.after.notPriced ? `, ${c.after.notPriced} not priced` : ''}, plus usage`);
    out.push('  fixed prices after the plan:');
    for (const r of c.after.resources.filter((x) => x.lines.length)) out.push(...resourceLines(r));
    if (c.changes.length) {
      out.push('  changes:');
      for (const ch of c.changes) out.push(`    ${signed((ch.after?.monthly ?? 0) - (ch.before?.monthly ?? 0)).padStart(10)}  ${ch.address}${ch.after ? '' : ' (removed)'}${ch.before ? '' : ' (new)'}`);
    }
    const usage = usageSummary(c.after);
    if (usage.length) out.push(`  plus usage: ${usage.join('; ')}`);
    out.push('');
  }
  return `${out.join('\n')}`;
}

/** One row per stack: after the plan, the change, what is not priced, and (unless left out) the usage-based parts. */
export function costTable(costs: readonly StackCost[], withUsage = true): string {
  const rows = withUsage
    ? ['| Stack | Region | Monthly after this plan | Change | Not priced | Plus usage |', '|---|---|--:|--:|--:|---|']
    : ['| Stack | Region | Monthly after this plan | Change | Not priced |', '|---|---|--:|--:|--:|'];
  for (const c of costs) {
    const usage = withUsage ? ` ${cell(usageSummary(c.after).join(', '))} |` : '';
    rows.push(`| ${code(c.stack)} | ${c.region ?? '?'} | ${money(c.after.monthly)} | ${signed(c.delta)} | ${c.after.notPriced} |${usage}`);
  }
  return rows.join('\n');
}

/** The usage-priced parts, folded under the totals: they are the same on every pull request. */
function usageDetails(costs: readonly StackCost[]): string[] {
  const usage = [...new Set(costs.flatMap((c) => usageSummary(c.after)))].sort();
  if (usage.length === 0) return [];
  return ['', `<details><summary>Plus usage-priced parts (${usage.length}), not estimated</summary>`, '', ...usage.map((u) => `- ${cell(u)}`), '', '</details>'];
}

export interface CostMarkdownOptions {
  /** Changed resources listed per stack. @default 15 */
  readonly maxRows?: number;
  /** Now, for the age of the prices. @default the current time */
  readonly now?: Date;
}

/** The cost section of the PR comment: the table, then each stack's changed resources (capped), then how old the prices are. */
export function costMarkdown(costs: readonly StackCost[], options: CostMarkdownOptions = {}): string {
  const { maxRows = 15, now = new Date() } = options;
  const out = ['#### Cost: estimated monthly list price', '', costTable(costs, false), ...usageDetails(costs)];
  for (const c of costs.filter((x) => x.changes.length)) {
    const rows = c.changes.slice(0, maxRows).map((ch) => {
      const lines = (ch.after ?? ch.before)!.lines.map((l) => l.what).join('; ');
      return `| ${code(ch.address)} | ${cell(lines)} | ${ch.before ? money(ch.before.monthly) : '—'} | ${ch.after ? money(ch.after.monthly) : '—'} |`;
    });
    if (c.changes.length > maxRows) rows.push(`| … and ${c.changes.length - maxRows} more | | | |`);
    out.push('', `<details><summary>${code(c.stack)}: ${c.changes.length} priced resource${c.changes.length === 1 ? '' : 's'} change</summary>`, '', '| Resource | What | Now | After |', '|---|---|--:|--:|', ...rows, '', '</details>');
  }
  const read = [...new Set(costs.filter((c) => c.pricesRead).map((c) => `${c.region} ${pricesAge(c.pricesRead!, now)}`))];
  out.push('', `<sub>List prices from the checked-in tables (delivery/cost/prices${read.length ? `: ${read.join('; ')}` : ''}); usage-based parts are not estimated.</sub>`);
  return out.join('\n');
}

export const README_BEGIN = '<!-- cost:begin (generated by `npm run cost:readme`; do not edit) -->';
export const README_END = '<!-- cost:end -->';

/** The README's block of figures, between its markers. */
export function readmeBlock(costs: readonly StackCost[]): string {
  return `${README_BEGIN}\n${costTable(costs)}\n${README_END}`;
}

/** The README with its block replaced; an error when the markers are missing. */
export function updateReadme(readme: string, costs: readonly StackCost[]): string {
  const start = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`the README has no ${README_BEGIN} ... ${README_END} block`);
  return readme.slice(0, start) + readmeBlock(costs) + readme.slice(end + README_END.length);
}
