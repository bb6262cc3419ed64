/**
 * The import rules in eslint.config.mjs, proven on deliberate violations: each case lints one
 * import line as if it were written in the given file, the way `npm run lint` would see it.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

type Case = [file: string, source: string];

const ALLOWED: Case[] = [
  ['stacks/constructs/queue-worker.ts', "import { IMAGE_KEY_PREFIX } from '../../api/contract/image-message';"],
  ['api/src/app.ts', "import { HEALTH_PATH } from '../contract/http';"],
  ['scripts/enqueue.ts', "import { x } from '../api/contract/image-message';"],
  ['__tests__/api/tasks.test.ts', "import { x } from './support/databases';"],
];
const FORBIDDEN: Case[] = [
  ['stacks/app.ts', "import { x } from '../scripts/tool';"],
  ['stacks/constructs/edge.ts', "import { x } from '../../delivery/plan/model';"],
  ['main.ts', "import { x } from './scripts/tool';"],
  ['api/src/app.ts', "import { x } from '../../stacks/config';"],
  ['api/worker/index.ts', "import type { X } from '../../stacks/lib/iam';"],
  ['api/src/server.ts', "import { x } from '../../scripts/support/env';"],
  ['scripts/bench-api.ts', "import { x } from '../__tests__/api/support/databases';"],
  ['delivery/plan/render.ts', "import { x } from '../../__tests__/delivery/support';"],
];

// ESLint loads eslint.config.mjs with a dynamic import, which jest's module sandbox cannot do:
// lint every case in one plain node process instead.
const LINT_CASES = `
const { ESLint } = require('eslint');
const eslint = new ESLint();
(async () => {
  const out = [];
  for (const [file, source] of JSON.parse(process.argv[1])) {
    const [result] = await eslint.lintText(source + '\\nexport {};\\n', { filePath: file });
    out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').length);
  }
  process.stdout.write(JSON.stringify(out));
})();`;

const cases = [...ALLOWED, ...FORBIDDEN];
const violations: number[] = JSON.parse(
  execFileSync(process.execPath, ['-e', LINT_CASES, JSON.stringify(cases)], { cwd: path.resolve(__dirname, '..', '..'), encoding: 'utf8' }),
);
const violationsOf = (file: string, source: string): number => violations[cases.findIndex((c) => c[0] === file && c[1] === source)];

describe('import boundaries', () => {
  test.each(FORBIDDEN)('%s may not have: %s', (file, source) => {
    expect(violationsOf(file, source)).toBe(1);
  });

  test.each(ALLOWED)('%s may have: %s', (file, source) => {
    expect(violationsOf(file, source)).toBe(0);
  });
});
