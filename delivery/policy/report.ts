/** The policy result for people (terminal, PR comment) and for machines (--json). */
import { cell, code, escapeHtml, plural } from '../plan/markdown';
import type { Finding, PolicyResult } from './engine';
import { isBlocking, type Severity } from './rule';

const ICON: Record<Severity, string> = { critical: '🔴', high: '🔴', medium: '🟡', low: '⚪' };

function where(f: Finding): string {
  return f.path === f.address ? f.address : `${f.path} (${f.address})`;
}

/** One line per failure and per waiver, and the count of passes. */
export function policyText(result: PolicyResult): string {
  const lines = [
    `policy: ${plural(result.stacks.length, 'stack')} (${result.stacks.join(', ')}), ${result.rules} rules: ${result.blocking ? `FAILED, ${plural(result.blocking, 'blocking failure')}` : 'passed'}; ` +
      `${plural(result.failures.length, 'failure')}, ${result.waived.length} waived, ${plural(result.passed, 'check')} passed`,
  ];
  for (const f of result.failures) {
    const expired = f.expiredWaiver ? ` (its waiver expired on ${f.expiredWaiver})` : '';
    lines.push(`${isBlocking(f.severity) ? 'FAIL' : 'warn'} ${f.severity} ${f.rule} ${f.stack}: ${where(f)}: ${f.failure}${expired}`, `     fix: ${f.fix}`);
  }
  for (const f of result.waived) lines.push(`waived ${f.rule} ${f.stack}: ${where(f)} until ${f.waiver!.expires}: ${f.waiver!.reason}`);
  return `${lines.join('\n')}\n`;
}

export function policyJson(result: PolicyResult): string {
  return `${JSON.stringify({ ok: result.blocking === 0, ...result }, null, 2)}\n`;
}

/** The resource a finding is about: its stack, its construct path and, when it differs, its address. */
function resourceCell(f: Finding): string {
  return cell(`${code(f.stack)} ${code(f.path)}${f.path === f.address ? '' : ` ${code(f.address)}`}`);
}

/** Findings that say the same thing about several resources, as one row each. */
function grouped(findings: readonly Finding[], key: (f: Finding) => string): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(key(f), [...(groups.get(key(f)) ?? []), f]);
  return [...groups.values()];
}

function resourcesCell(group: readonly Finding[], max = 8): string {
  const shown = group.slice(0, max).map(resourceCell);
  if (group.length > max) shown.push(`… and ${group.length - max} more`);
  return shown.join('<br>');
}

function failureRows(failures: readonly Finding[]): string[] {
  return grouped(failures, (f) => [f.rule, f.failure, f.expiredWaiver ?? ''].join('\0')).map((group) => {
    const f = group[0];
    const expired = f.expiredWaiver ? ` (waiver expired ${f.expiredWaiver})` : '';
    return `| ${ICON[f.severity]} ${f.severity} | ${code(f.rule)} | ${resourcesCell(group)} | ${cell(escapeHtml(f.failure + expired))} | ${cell(escapeHtml(f.fix))} |`;
  });
}

function capped(rows: string[], maxRows: number, more: (n: number) => string): string[] {
  return rows.length > maxRows ? [...rows.slice(0, maxRows), more(rows.length - maxRows)] : rows;
}

/**
 * The policy section of the PR comment: failures first (most severe first; low-severity ones
 * folded), then the waivers, then the count of passes. The same failure of several resources is
 * one row; each list is capped at `maxRows`.
 */
export function policyMarkdown(result: PolicyResult, maxRows = 20): string {
  const status = result.blocking ? `❌ ${plural(result.blocking, 'blocking failure')}` : result.failures.length ? '⚠️ passed with warnings' : '✅ passed';
  const out = [`#### Policy: ${status}`, ''];
  const header = ['| | Rule | Resource | Problem | Fix |', '|---|---|---|---|---|'];
  const more = (n: number) => `| | | … and ${n} more | | |`;
  const serious = result.failures.filter((f) => f.severity !== 'low');
  const low = result.failures.filter((f) => f.severity === 'low');
  if (serious.length) out.push(...header, ...capped(failureRows(serious), maxRows, more), '');
  if (low.length) out.push(`<details><summary>${plural(low.length, 'low-severity warning')}</summary>`, '', ...header, ...capped(failureRows(low), maxRows, more), '', '</details>', '');
  if (result.waived.length) {
    const rows = grouped(result.waived, (f) => [f.rule, f.waiver!.reason, f.waiver!.expires].join('\0')).map((group) => {
      const w = group[0].waiver!;
      return `| ${code(group[0].rule)} | ${resourcesCell(group)} | ${cell(escapeHtml(w.reason))} | ${w.expires} |`;
    });
    out.push(`<details><summary>${plural(result.waived.length, 'waived failure')}</summary>`, '', '| Rule | Resource | Reason | Until |', '|---|---|---|---|', ...capped(rows, maxRows, (n) => `| … and ${n} more | | | |`), '', '</details>', '');
  }
  out.push(`${plural(result.passed, 'check')} passed (${result.rules} rules on ${result.stacks.map(code).join(', ')}).`);
  return out.join('\n');
}
