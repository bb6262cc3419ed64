/** A real S3-compatible server (s3rver) on 127.0.0.1, port chosen by the OS, data in a temp dir. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

export interface FakeS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly directory: string;
  close(): Promise<void>;
}

export async function startFakeS3(bucket = 'taskmanager-test-images'): Promise<FakeS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = (await server.run()) as { address: string; port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    directory,
    close: async () => {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
