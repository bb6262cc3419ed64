/**
 * The deployable: the esbuild bundle builds, stays under 1 MB, imports without side effects, and
 * the bundled `index.handler` processes a batch end to end in a fresh Node process against the
 * local servers (so nothing the bundle needs is missing at run time).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundleWorker, WORKER_BUNDLE_MAX_BYTES, WORKER_HANDLER } from '../../stacks/build/bundle-worker';
import { FAKE_CREDENTIALS, getObject, LocalServers, startLocalServers, uniqueId } from '../../scripts/support/env';
import { PNG_SIGNATURE } from '../../api/worker/png';

const ROOT = path.resolve(__dirname, '..', '..');

let servers: LocalServers;
let outDir: string;
let bundleFile: string;

beforeAll(async () => {
  servers = await startLocalServers();
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-bundle-'));
  bundleFile = bundleWorker(ROOT, outDir).outFile;
});
afterAll(async () => {
  await servers.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

/** Runs a script in a fresh node process (no jest, no ts) and collects its output. */
function node(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: outDir, // nothing to resolve from: node_modules is not reachable from the temp dir
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('builds one file under 1 MB with the handler named for Lambda', () => {
  const result = bundleWorker(ROOT, outDir);
  expect(WORKER_HANDLER).toBe('index.handler');
  expect(path.basename(result.outFile)).toBe('index.js');
  expect(result.bytes).toBe(fs.statSync(result.outFile).size);
  expect(result.bytes).toBeLessThan(WORKER_BUNDLE_MAX_BYTES);
  expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
  // No package is required at run time: the SDK clients are inside. The one exception is the
  // SDK's own optional, try/catch-guarded load of the CRT signer (SigV4a, multi-region access points).
  const source = fs.readFileSync(result.outFile, 'utf8');
  const packages = [...new Set([...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].filter(
    (name) => !name.startsWith('node:') && !['crypto', 'fs', 'os', 'path', 'http', 'https', 'http2', 'stream', 'util', 'zlib', 'child_process', 'process'].includes(name),
  );
  expect(packages).toEqual(['@aws-sdk/signature-v4-crt']);
});

it('imports without configuration and without doing any work', async () => {
  const { code, stdout, stderr } = await node(
    `const m = require(${JSON.stringify(bundleFile)}); process.stdout.write(typeof m.handler);`,
    {},
  );
  expect(stderr).toBe('');
  expect({ code, stdout }).toEqual({ code: 0, stdout: 'function' });
});

it('fails the invocation with an error naming the missing variable', async () => {
  const { code, stdout } = await node(
    `require(${JSON.stringify(bundleFile)}).handler({ Records: [] }, {}).then(
       () => process.exit(3),
       (e) => { process.stderr.write(e.name + ': ' + e.message); process.exit(4); });`,
    { AWS_REGION: 'us-east-1' },
  );
  expect(code).toBe(4);
  const log = JSON.parse(stdout.trim().split('\n')[0]);
  expect(log).toMatchObject({ level: 'error', msg: 'worker configuration is invalid' });
  expect(JSON.stringify(log)).toContain('IMAGES_BUCKET: is required');
});

it('processes a batch end to end from the bundle in a fresh process', async () => {
  const [good, alsoGood] = [uniqueId('bundle'), uniqueId('bundle')];
  const event = {
    Records: [
      { messageId: 'm1', body: JSON.stringify({ prompt: 'A bundled croissant', requestId: good }) },
      { messageId: 'm2', body: '{broken' },
      { messageId: 'm3', body: JSON.stringify({ prompt: 'Another one', requestId: alsoGood }) },
    ],
  };
  const { code, stdout, stderr } = await node(
    `const { handler } = require(${JSON.stringify(bundleFile)});
     const context = { awsRequestId: 'lambda-req-1', getRemainingTimeInMillis: () => 30000 };
     handler(${JSON.stringify(event)}, context).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'));`,
    {
      ...servers.env(),
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  );
  expect(code).toBe(0);
  expect(stderr).not.toMatch(/Error/);
  const lines = stdout.trim().split('\n');
  const resultLine = lines.find((l) => l.startsWith('RESULT '));
  expect(JSON.parse(resultLine!.slice(7))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });

  // Every other stdout line is JSON: structured logs and one EMF document.
  const json = lines.filter((l) => !l.startsWith('RESULT ')).map((l) => JSON.parse(l));
  expect(json.find((l) => l._aws)).toMatchObject({ ImagesGenerated: 2, ImageFailures: 1, InvalidImageMessages: 1 });
  expect(json.filter((l) => l.msg === 'image stored').every((l) => l.awsRequestId === 'lambda-req-1')).toBe(true);

  for (const id of [good, alsoGood]) {
    const { head, body } = await getObject(servers.s3Client, servers.s3.bucket, `images/requests/${id}.png`);
    expect(head.ContentType).toBe('image/png');
    expect(body.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  }
  expect(servers.bedrock.calls.filter((c) => c.body.textToImageParams.text === 'A bundled croissant')).toHaveLength(1);
});
