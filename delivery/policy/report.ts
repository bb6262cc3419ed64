/** The policy result for people (terminal, PR comment) and for machines (--json). */
import { cell, code, plural } from '../plan/markdown';
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

function failureRow(f: Finding): string {
  const expired = f.expiredWaiver ? ` (waiver expired ${f.expiredWaiver})` : '';
  return `| ${ICON[f.severity]} ${f.severity} | ${code(f.rule)} | ${cell(`${code(f.stack)} ${code(f.path)}`)}<br>${cell(code(f.address))} | ${cell(f.failure + expired)} | ${cell(f.fix)} |`;
}

function capped(rows: string[], maxRows: number, more: (n: number) => string): string[] {
  return rows.length > maxRows ? [...rows.slice(0, maxRows), more(rows.length - maxRows)] : rows;
}

/**
 * The policy section of the PR comment: failures first (most severe first; low-severity ones
 * folded), then the waivers, then the count of passes. Each list is capped at `maxRows`.
 */
export function policyMarkdown(result: PolicyResult, maxRows = 20): string {
  const status = result.blocking ? `❌ ${plural(result.blocking, 'blocking failure')}` : result.failures.length ? '⚠️ passed with warnings' : '✅ passed';
  const out = [`#### Policy: ${status}`, ''];
  const header = ['| | Rule | Resource | Problem | Fix |', '|---|---|---|---|---|'];
  const serious = result.failures.filter((f) => f.severity !== 'low');
  const low = result.failures.filter((f) => f.severity === 'low');
  if (serious.length) out.push(...header, ...capped(serious.map(failureRow), maxRows, (n) => `| | | … and ${n} more | | |`), '');
  if (low.length) {
    out.push(`<details><summary>${plural(low.length, 'low-severity warning')}</summary>`, '', ...header, ...capped(low.map(failureRow), maxRows, (n) => `| | | … and ${n} more | | |`), '', '</details>', '');
  }
  if (result.waived.length) {
    const rows = result.waived.map((f) => `| ${code(f.rule)} | ${cell(`${code(f.stack)} ${code(f.path)}`)} | ${cell(f.waiver!.reason)} | ${f.waiver!.expires} |`);
    out.push(`<details><summary>${plural(result.waived.length, 'waived failure')}</summary>`, '', '| Rule | Resource | Reason | Until |', '|---|---|---|---|', ...capped(rows, maxRows, (n) => `| … and ${n} more | | | |`), '', '</details>', '');
  }
  out.push(`${plural(result.passed, 'check')} passed (${result.rules} rules on ${result.stacks.map(code).join(', ')}).`);
  return out.join('\n');
}
