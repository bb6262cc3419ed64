/** The policy result for people (terminal, PR comment) and for machines (--json). */
import { code } from '../plan/render';
import type { Finding, PolicyResult } from './engine';
import { isBlocking, type Severity } from './rule';

const ICON: Record<Severity, string> = { critical: '🔴', high: '🔴', medium: '🟡', low: '⚪' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

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

/** One table cell: no line breaks, no pipes. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/**
 * The policy section of the PR comment: failures first (most severe first), then the waivers,
 * then the count of passes; each list capped at `maxRows`, the rest counted.
 */
export function policyMarkdown(result: PolicyResult, maxRows = 20): string {
  const status = result.blocking ? `❌ ${plural(result.blocking, 'blocking failure')}` : result.failures.length ? '⚠️ passed with warnings' : '✅ passed';
  const out = [`#### Policy: ${status}`, ''];
  if (result.failures.length) {
    out.push('| | Rule | Resource | Problem | Fix |', '|---|---|---|---|---|');
    for (const f of result.failures.slice(0, maxRows)) {
      const expired = f.expiredWaiver ? ` (waiver expired ${f.expiredWaiver})` : '';
      out.push(`| ${ICON[f.severity]} ${f.severity} | ${code(f.rule)} | ${cell(`${code(f.stack)} ${code(f.path)}`)}<br>${cell(code(f.address))} | ${cell(f.failure + expired)} | ${cell(f.fix)} |`);
    }
    if (result.failures.length > maxRows) out.push(`| | | … and ${result.failures.length - maxRows} more | | |`);
    out.push('');
  }
  if (result.waived.length) {
    out.push(`<details><summary>${plural(result.waived.length, 'waived failure')}</summary>`, '', '| Rule | Resource | Reason | Until |', '|---|---|---|---|');
    for (const f of result.waived.slice(0, maxRows)) out.push(`| ${code(f.rule)} | ${cell(`${code(f.stack)} ${code(f.path)}`)} | ${cell(f.waiver!.reason)} | ${f.waiver!.expires} |`);
    if (result.waived.length > maxRows) out.push(`| … and ${result.waived.length - maxRows} more | | | |`);
    out.push('', '</details>', '');
  }
  out.push(`${plural(result.passed, 'check')} of ${result.rules} rules passed on ${result.stacks.map(code).join(', ')}.`);
  return out.join('\n');
}
