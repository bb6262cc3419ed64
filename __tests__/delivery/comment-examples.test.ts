/**
 * The example plan comments of the README and docs/delivery.md are what the renderer makes of the
 * real-plan fixtures today (`npm run docs:comment` regenerates them), and so are the comment lengths
 * its table of fixtures gives.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fixtureComment, renderedFiles, withExample } from '../../scripts/support/comment-examples';

describe('the example plan comments in the documentation', () => {
  const files = renderedFiles();

  it.each(files.map(([file, current, updated]) => [file, current, updated]))('%s shows the comment as rendered from the fixtures today (npm run docs:comment)', (_file, current, updated) => {
    expect(current).toBe(updated);
  });

  it('a file without an example\'s markers is an error that names them', () => {
    expect(() => withExample('no example here', 'replacement', 'x')).toThrow(/no <!-- plan-comment-example:replacement:begin/);
  });
});

describe('the table of fixture comment lengths in docs/delivery.md', () => {
  const docs = fs.readFileSync(path.join(__dirname, '../../docs/delivery.md'), 'utf8');
  const rows = [...docs.matchAll(/^\| `(dev-[\w-]+)` \| [\d,]+ \| ([\d,]+) \|/gm)].map((m) => [m[1], Number(m[2].replace(/,/g, ''))] as const);

  it('lists the five fixtures', () => {
    expect(rows.map(([name]) => name)).toEqual(['dev-iam-action-added', 'dev-bucket-policy-statement-removed', 'dev-user-data-changed', 'dev-created', 'dev-database-replaced']);
  });

  it.each(rows)('gives the length of the comment the renderer makes of %s today', (name, length) => {
    expect(fixtureComment(name).length).toBe(length);
  });
});
