/**
 * The enqueue CLI against a local SQS endpoint speaking the SDK's AWS JSON 1.0 protocol, and the
 * contract with the worker: what the CLI sends is what the worker turns into an image at the key
 * the CLI printed.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { processBatch } from '../../api/worker/processor';
import { main, parseArgs, UsageError } from '../../scripts/enqueue';
import { captureLines, depsFor, LocalServers, objectExists, record, sqsEvent, startLocalServers, useFakeCredentials } from '../../scripts/support/env';
import { FakeSqs, startFakeSqs } from './support/fake-sqs';

const ROOT = path.resolve(__dirname, '..', '..');
let sqs: FakeSqs;
let servers: LocalServers;

beforeAll(async () => {
  useFakeCredentials();
  [sqs, servers] = await Promise.all([startFakeSqs(), startLocalServers()]);
});
afterAll(async () => {
  await Promise.all([sqs.close(), servers.close()]);
});
beforeEach(() => {
  sqs.sent.length = 0;
});

async function run(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, env, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('argument parsing', () => {
  it('reads the prompt, --task-id and --request-id in both spellings', () => {
    expect(parseArgs(['A croissant', '--task-id', '42'])).toEqual({ prompt: 'A croissant', taskId: 42, requestId: undefined });
    expect(parseArgs(['--task-id=7', '--request-id=abc', 'A', 'croissant'])).toEqual({ prompt: 'A croissant', taskId: 7, requestId: 'abc' });
    expect(parseArgs(['--', '--not-a-flag'])).toEqual({ prompt: '--not-a-flag', taskId: undefined, requestId: undefined });
    expect(parseArgs(['--help'])).toBe('help');
  });

  it.each([
    [[], 'a prompt is required'],
    [['x', '--task-id', '0'], '--task-id must be a positive integer'],
    [['x', '--task-id', '1.5'], '--task-id must be a positive integer'],
    [['x', '--task-id'], /--task-id.*missing/],
    [['x', '--colour', 'red'], /unknown option '--colour'/i],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('sending', () => {
  it('sends { taskId, prompt, requestId } to the queue URL and prints the image key', async () => {
    const queueUrl = `${sqs.endpoint}/000000000000/taskmanager-dev-images`;
    const result = await run(['A croissant', '--task-id', '42'], { QUEUE_URL: queueUrl, AWS_REGION: 'us-east-1' });

    expect(result).toMatchObject({ code: 0, stdout: 'images/tasks/42.png' });
    expect(sqs.sent).toHaveLength(1);
    const sent = sqs.sent[0];
    expect(sent.target).toBe('AmazonSQS.SendMessage');
    expect(sent.contentType).toBe('application/x-amz-json-1.0');
    expect(sent.authorization).toMatch(/Credential=S3RVER\/\d{8}\/us-east-1\/sqs\/aws4_request/);
    expect(sent.queueUrl).toBe(queueUrl);
    const body = JSON.parse(sent.body);
    expect(body).toEqual({ taskId: 42, prompt: 'A croissant', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(result.stderr).toContain(sent.messageId);
  });

  it('uses SQS_ENDPOINT when set and takes the region from an AWS queue URL', async () => {
    const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/taskmanager-prod-images';
    const result = await run(['A lighthouse at dusk', '--request-id', 'cli-1'], { QUEUE_URL: queueUrl, SQS_ENDPOINT: sqs.endpoint });
    expect(result).toMatchObject({ code: 0, stdout: 'images/requests/cli-1.png' });
    expect(sqs.sent[0].queueUrl).toBe(queueUrl);
    expect(sqs.sent[0].authorization).toContain('/eu-west-1/sqs/aws4_request');
    expect(JSON.parse(sqs.sent[0].body)).toEqual({ prompt: 'A lighthouse at dusk', requestId: 'cli-1' });
  });

  it('fails with a clear message and exit code 2 when QUEUE_URL is missing', async () => {
    const result = await run(['A croissant'], { AWS_REGION: 'us-east-1' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('QUEUE_URL is required');
    expect(sqs.sent).toHaveLength(0);
  });

  it('refuses a prompt over the model limit before sending anything', async () => {
    const env = { QUEUE_URL: `${sqs.endpoint}/0/q`, AWS_REGION: 'us-east-1' };
    const titan = await run(['x'.repeat(513)], env);
    expect(titan.code).toBe(2);
    expect(titan.stderr).toContain('over the model\'s limit of 512');
    const nova = await run(['x'.repeat(513)], { ...env, MODEL_ID: 'amazon.nova-canvas-v1:0' });
    expect(nova.code).toBe(0);
    expect(sqs.sent).toHaveLength(1);
  });

  it('exits 1 when the queue answers with a body checksum that does not match', async () => {
    sqs.corruptNextMd5 = true;
    const result = await run(['A croissant'], { QUEUE_URL: `${sqs.endpoint}/0/q`, AWS_REGION: 'us-east-1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed: .*(MD5|checksum)/i);
  });
});

describe('contract with the worker', () => {
  it('the message the CLI sends becomes an image at the key the CLI printed', async () => {
    const taskId = Math.floor(Math.random() * 1e9) + 1;
    const result = await run(['A teapot in the rain', '--task-id', String(taskId)], {
      QUEUE_URL: `${sqs.endpoint}/0/q`,
      AWS_REGION: 'us-east-1',
    });
    expect(result.code).toBe(0);

    const out = captureLines();
    const batch = await processBatch(sqsEvent(record(sqs.sent[0].body)), depsFor(servers, out));
    expect(batch.batchItemFailures).toEqual([]);
    expect(await objectExists(servers.s3Client, servers.s3.bucket, result.stdout)).toBe(true);
    expect(servers.bedrock.calls.at(-1)?.body.textToImageParams.text).toBe('A teapot in the rain');
  });
});

describe('npm run enqueue', () => {
  it('builds the CLI and prints only the key on stdout', async () => {
    const child = spawn('npm', ['run', '--silent', 'enqueue', '--', 'A croissant', '--task-id', '9'], {
      cwd: ROOT,
      env: { ...process.env, QUEUE_URL: `${sqs.endpoint}/0/q`, AWS_REGION: 'us-east-1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'images/tasks/9.png\n' });
    expect(stderr).toContain('queued message');
    expect(JSON.parse(sqs.sent[0].body)).toMatchObject({ taskId: 9, prompt: 'A croissant' });
  });
});
