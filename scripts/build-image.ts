/**
 * `npm run build:image [-- --out dir]`: the files of the API's container image, with their sizes.
 * The Dockerfile's build stage runs the same function (stacks/build/bundle-image.ts).
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { bundleImageFiles, IMAGE_OUT_DIR } from '../stacks/build/bundle-image';

const ROOT = path.resolve(__dirname, '..', '..');
// Its own help text, not scripts/support/cli.ts: the Dockerfile's build stage compiles this file alone.
const HELP = `usage: npm run build:image [-- --out <dir>]

The files of the API's container image: the API bundle, its health check and the web page.

  --out <dir>   folder to write them to (default ${IMAGE_OUT_DIR})
  --help        this text`;

const { values } = parseArgs({ options: { out: { type: 'string', default: IMAGE_OUT_DIR }, help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log(HELP);
} else {
  const image = bundleImageFiles(ROOT, values.out);
  for (const file of image.files) console.log(`${file.path.padEnd(40)} ${(file.bytes / 1024).toFixed(1).padStart(8)} KiB`);
  console.log(`image files: ${image.outDir}, ${(image.files.reduce((sum, f) => sum + f.bytes, 0) / 1024).toFixed(1)} KiB in ${image.files.length} files`);
}
