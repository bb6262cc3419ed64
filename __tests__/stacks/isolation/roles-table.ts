/** The table of what each deploy role can and cannot do, made from the isolation matrix's cases. */
import * as fs from 'fs';
import * as path from 'path';
import type { Case } from './matrix';
import type { Layout } from './deployment';

export const DOCS_FILE = path.join(__dirname, '../../../docs/delivery.md');
const BEGIN = '<!-- roles-table:begin (npm run docs:roles) -->';
const END = '<!-- roles-table:end -->';

/** `plan dev` → `plan role of dev`: the rows name the role, the environment stays in the row. */
function roleOf(c: Case): string {
  const label = c.principal.label;
  if (label.startsWith('plan ')) return `\`${label.slice(5)}\` plan role`;
  if (label.startsWith('apply ')) return `\`${label.slice(6)}\` apply role`;
  if (label.startsWith('a principal')) return label.replace(/ \(\w+ role\)$/, '');
  if (label.startsWith('image push ')) return `\`${label.slice(11)}\` image-push role`;
  if (label.startsWith('task role ')) return `\`${label.slice(10)}\` API task role`;
  if (label.startsWith('execution role ')) return `\`${label.slice(15)}\` API task execution role`;
  if (label.startsWith('an administrator')) return label;
  if (label.endsWith('for ECS tasks')) return `a role \`${label.split(' ')[1].replace(/'s$/, '')}\`'s apply role creates for ECS tasks (container boundary + allow-all)`;
  if (label.includes('used outside')) return `a role \`${label.split(' ')[1].replace(/'s$/, '')}\`'s apply role creates, in a session outside its functions`;
  return `a role \`${label.split(' ')[1].replace(/'s$/, '')}\`'s apply role creates (boundary + allow-all)`;
}

export function rolesTable(casesByLayout: ReadonlyMap<Layout, readonly Case[]>): string {
  const rows = new Map<string, Map<Layout, { expected: string; count: number }>>();
  for (const [layout, cases] of casesByLayout) {
    for (const c of cases) {
      const key = `| ${roleOf(c)} | ${c.group} |`;
      const byLayout = rows.get(key) ?? new Map();
      const cell = byLayout.get(layout) ?? { expected: c.expected, count: 0 };
      if (cell.expected !== c.expected) throw new Error(`group "${c.group}" mixes allowed and denied cases`);
      cell.count += 1;
      byLayout.set(layout, cell);
      rows.set(key, byLayout);
    }
  }
  const layouts = [...casesByLayout.keys()];
  const total = (expected: string) => [...casesByLayout.values()].flat().filter((c) => c.expected === expected).length;
  return [
    `| Role | Request | ${layouts.map((l) => `${l[0].toUpperCase()}${l.slice(1)}`).join(' | ')} |`,
    `|---|---|${layouts.map(() => '---').join('|')}|`,
    ...[...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, byLayout]) =>
      `${key} ${layouts.map((l) => (byLayout.get(l) ? `${byLayout.get(l)!.expected} (${byLayout.get(l)!.count})` : '—')).join(' | ')} |`),
    '',
    `${total('allowed') + total('denied')} requests decided by \`@cloud-copilot/iam-simulate\` over the synthesized policies (identical requests evaluated once): ${total('allowed')} allowed, ${total('denied')} denied, each as expected.`,
  ].join('\n');
}

/** The table as docs/delivery.md has it between its markers. */
export function documentedTable(): string {
  const text = fs.readFileSync(DOCS_FILE, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/delivery.md has no ${BEGIN} ... ${END} section`);
  return text.slice(begin + BEGIN.length, end).trim();
}

/** Writes the table into docs/delivery.md (`npm run docs:roles`). */
export function writeDocumentedTable(table: string): void {
  const text = fs.readFileSync(DOCS_FILE, 'utf8');
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  fs.writeFileSync(DOCS_FILE, `${text.slice(0, begin + BEGIN.length)}\n${table}\n${text.slice(end)}`);
}

/** The JSON block that follows `marker` in docs/delivery.md (the RCP the docs give, evaluated as written). */
export function documentedPolicy(marker: string): unknown {
  const text = fs.readFileSync(DOCS_FILE, 'utf8');
  const at = text.indexOf(marker);
  const block = /```json\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (at < 0 || !block) throw new Error(`docs/delivery.md has no JSON block after ${marker}`);
  return JSON.parse(block[1]);
}
