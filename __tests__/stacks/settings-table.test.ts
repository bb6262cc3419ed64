/** The README's settings table is generated from the defaults (`npm run docs:settings`) and kept equal to them. */
import * as fs from 'fs';
import * as path from 'path';
import { SETTING_MEANINGS, settingPaths, settingsTable, SETTINGS_BEGIN, SETTINGS_END, withSettingsTable } from '../../scripts/support/settings-table';
import { testConfig } from './synth';

const README = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');

describe("the README's settings table", () => {
  test('equals the table generated from the defaults (run npm run docs:settings after changing them)', () => {
    expect(withSettingsTable(README, settingsTable(testConfig()))).toBe(README);
  });

  test("shows dev's real default of policy.interfaceEndpoints (true: its set-up function reaches Secrets Manager through one)", () => {
    const [dev, prod] = testConfig().environments;
    expect([dev.policy.interfaceEndpoints, prod.policy.interfaceEndpoints]).toEqual([true, false]);
    expect(README).toContain('| `policy.interfaceEndpoints` | `true` | `false` |');
  });

  test('has one row per setting of an environment, each with a meaning, and no meaning of a setting that is gone', () => {
    const paths = settingPaths(testConfig().environments[0]);
    expect(paths).toContain('worker.modelId');
    expect(paths).not.toContain('state.bucket');
    expect(Object.keys(SETTING_MEANINGS).sort()).toEqual([...paths].sort());
    const table = README.slice(README.indexOf(SETTINGS_BEGIN), README.indexOf(SETTINGS_END));
    for (const at of paths) expect(table).toContain(`| \`${at}\` |`);
  });

  test('refuses to write a README without the markers', () => {
    expect(() => withSettingsTable('no table here', '| x |')).toThrow(/no <!-- settings:begin/);
  });
});
