/**
 * `npm run docs:comment`: writes the example plan comments of README.md and docs/delivery.md,
 * rendered from the real-plan fixtures, between their markers (`-- --check`: exit 1 when a file is
 * out of date). Run it after `npm run fixtures:plans` or a change of the comment's renderer.
 */
import * as fs from 'fs';
import * as path from 'path';
import { commandLineOrExit } from './support/cli';
import { renderedFiles } from './support/comment-examples';

const COMMAND = {
  invocation: 'npm run docs:comment --',
  summary: 'Writes the example plan comments of README.md and docs/delivery.md from __tests__/fixtures/plans\n(--check: fail when they differ instead).',
  flags: { check: { type: 'boolean', default: false, description: 'exit 1 when an example differs, without writing it' } },
} as const;

function main(): void {
  const { values } = commandLineOrExit(COMMAND);
  const repo = path.resolve(__dirname, '..', '..');
  let stale = 0;
  for (const [file, current, updated] of renderedFiles(repo)) {
    if (updated === current) {
      console.log(`${file}: the example comments are up to date`);
    } else if (values.check) {
      console.error(`${file}: the example comments are out of date; run npm run docs:comment`);
      stale++;
    } else {
      fs.writeFileSync(path.join(repo, file), updated);
      console.log(`${file}: example comments written`);
    }
  }
  if (stale) process.exitCode = 1;
}

main();
