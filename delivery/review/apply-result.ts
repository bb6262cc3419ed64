/**
 * What an apply did, read from Terraform's machine-readable log (`terraform apply -json`, one JSON
 * message per line), which the apply job saves with `tee`: the resources applied and failed, the
 * change summary, the outputs (sensitive ones without their value: Terraform leaves it out) and
 * how long it took. Rendered for the job summary, the merged pull request and the commit status.
 */
import { code, escapeControl, fenced, plural } from '../plan/markdown';

interface Message {
  readonly type?: string;
  readonly '@level'?: string;
  readonly '@message'?: string;
  readonly '@timestamp'?: string;
  readonly hook?: { resource?: { addr?: string }; action?: string; elapsed_seconds?: number };
  readonly changes?: { add?: number; change?: number; remove?: number; import?: number };
  readonly outputs?: Record<string, { sensitive?: boolean; value?: unknown }>;
  readonly diagnostic?: { severity?: string; summary?: string; detail?: string; address?: string };
}

export interface ApplyResult {
  readonly stack: string;
  /** Whether the log ends with Terraform's change summary and no error. */
  readonly ok: boolean;
  readonly applied: readonly { address: string; action: string; seconds: number }[];
  readonly failed: readonly { address?: string; message: string }[];
  readonly summary?: { add: number; change: number; remove: number };
  readonly outputs: Readonly<Record<string, { sensitive: boolean; value?: unknown }>>;
  readonly seconds?: number;
  /** Why there is no log to read. */
  readonly missing?: string;
}

export function parseApplyLog(stack: string, text: string | undefined): ApplyResult {
  const empty = { stack, ok: false, applied: [], failed: [], outputs: {} };
  if (text === undefined) return { ...empty, missing: 'no apply log: its apply job did not reach terraform apply (an earlier stack failed, or the digest check, credentials or init did, or the run was cancelled; see the run)' };
  const messages: Message[] = text.split('\n').filter((l) => l.trim().startsWith('{')).flatMap((l) => {
    try {
      return [JSON.parse(l) as Message];
    } catch {
      return [];
    }
  });
  const applied = messages.filter((m) => m.type === 'apply_complete').map((m) => ({ address: m.hook?.resource?.addr ?? '?', action: m.hook?.action ?? '?', seconds: m.hook?.elapsed_seconds ?? 0 }));
  const erroredAt = new Set(messages.filter((m) => m.type === 'apply_errored').map((m) => m.hook?.resource?.addr ?? '?'));
  const failed = messages
    .filter((m) => m.type === 'diagnostic' && m.diagnostic?.severity === 'error')
    .map((m) => ({ address: m.diagnostic?.address, message: [m.diagnostic?.summary, m.diagnostic?.detail].filter(Boolean).join(': ') }));
  for (const address of erroredAt) if (!failed.some((f) => f.address === address)) failed.push({ address, message: 'apply errored' });
  const summaryMessage = messages.find((m) => m.type === 'change_summary');
  const c = summaryMessage?.changes;
  const times = messages.map((m) => Date.parse(m['@timestamp'] ?? '')).filter((t) => !Number.isNaN(t));
  // Terraform reports the outputs twice: as planned (no values), then as applied.
  const outputs = Object.fromEntries(Object.entries(messages.filter((m) => m.type === 'outputs').pop()?.outputs ?? {}).map(([name, o]) => [name, o.sensitive ? { sensitive: true } : { sensitive: false, value: o.value }]));
  return {
    stack,
    ok: summaryMessage !== undefined && failed.length === 0,
    applied,
    failed,
    summary: c ? { add: c.add ?? 0, change: c.change ?? 0, remove: c.remove ?? 0 } : undefined,
    outputs,
    seconds: times.length > 1 ? Math.round((Math.max(...times) - Math.min(...times)) / 1000) : undefined,
    missing: messages.length === 0 ? 'the apply log is empty' : undefined,
  };
}

/** One line for a commit status (at most 140 characters). */
export function applyStatus(r: ApplyResult): { state: 'success' | 'failure'; description: string } {
  if (r.ok && r.summary) return { state: 'success', description: `applied: ${r.summary.add} added, ${r.summary.change} changed, ${r.summary.remove} destroyed in ${r.seconds ?? '?'} s` };
  const failed = r.failed.map((f) => f.address).filter(Boolean);
  return { state: 'failure', description: (r.missing ?? `apply failed${failed.length ? ` at ${failed.join(', ')}` : ''}`).slice(0, 140) };
}

export function applyMarkdown(results: readonly ApplyResult[], maxRows = 40): string {
  const out = ['<!-- taskmanager-apply-results -->', '### Apply results', ''];
  for (const r of results) {
    if (r.ok && r.summary) {
      out.push(`#### ✅ ${code(r.stack)}: ${r.summary.add} added, ${r.summary.change} changed, ${r.summary.remove} destroyed in ${r.seconds ?? '?'} s`);
    } else {
      out.push(`#### ❌ ${code(r.stack)}: the apply failed`, '', r.missing ?? `${plural(r.failed.length, 'error')}; ${plural(r.applied.length, 'resource')} applied before it stopped.`);
      if (r.failed.length) out.push('', ...r.failed.map((f) => `- ${f.address ? `${code(f.address)}: ` : ''}${escapeControl(f.message).slice(0, 500)}`));
    }
    if (r.applied.length) {
      const rows = r.applied.slice(0, maxRows).map((a) => `| ${code(a.address)} | ${a.action} | ${a.seconds} s |`);
      if (r.applied.length > maxRows) rows.push(`| … and ${r.applied.length - maxRows} more | | |`);
      out.push('', `<details><summary>${plural(r.applied.length, 'resource')} applied</summary>`, '', '| Resource | Action | Took |', '|---|---|--:|', ...rows, '', '</details>');
    }
    const outputs = Object.entries(r.outputs);
    if (outputs.length) {
      out.push('', '**Outputs:**', '', fenced('text', outputs.map(([name, o]) => `${name} = ${o.sensitive ? '(sensitive value)' : escapeControl(JSON.stringify(o.value))}`).join('\n')));
    }
    out.push('');
  }
  return out.join('\n');
}
