/**
 * `npm run docs:settings`: writes the table of per-environment settings and their defaults into
 * README.md, between its settings markers (`-- --check`: exit 1 when the README is out of date).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { loadConfig } from '../stacks/config';
import { settingsTable, withSettingsTable } from './support/settings-table';
import { commandLineOrExit } from './support/cli';

const README = path.resolve(__dirname, '..', '..', 'README.md');

const COMMAND = {
  invocation: 'npm run docs:settings --',
  summary: 'Writes the README\'s table of per-environment settings from the defaults (--check: fail when it differs instead).',
  flags: { check: { type: 'boolean', default: false, description: 'exit 1 when the README\'s table differs, without writing it' } },
} as const;

function main(): void {
  commandLineOrExit(COMMAND);
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  // The built-in defaults only: no file, no TM_* variables.
  const table = settingsTable(loadConfig({ env: {}, file: {} }));
  const readme = fs.readFileSync(README, 'utf8');
  const updated = withSettingsTable(readme, table);
  if (values.check) {
    if (updated !== readme) {
      console.error('README.md: the settings table is out of date; run npm run docs:settings');
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(README, updated);
  console.log(updated === readme ? 'README.md: the settings table is up to date' : 'README.md: settings table written');
}

main();
