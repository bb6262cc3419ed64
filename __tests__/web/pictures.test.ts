/**
 * A task's picture in the browser: the page asks the API for it, the API queues the job (the SQS
 * double), the real worker makes it (fake Bedrock, s3rver), and the page shows it from the
 * short-lived link once it is stored. All on 127.0.0.1.
 */
import type { BrowserContext } from 'playwright-core';
import { processBatch } from '../../api/worker/processor';
import { captureLines, depsFor, FAKE_CREDENTIALS, LocalServers, record, sqsEvent, startLocalServers } from '../../scripts/support/env';
import { FakeSqs, startFakeSqs } from '../worker/support/fake-sqs';
import { eventually } from '../support/eventually';
import { browserAvailable, startWebStack, WebStack, withScreenshot } from './support/web-harness';
import { TIME_LIMITS } from '../support/time-limits';

const describeInBrowser = browserAvailable() ? describe : describe.skip;

describeInBrowser('pictures on the web page', () => {
  let sqs: FakeSqs;
  let servers: LocalServers;
  let stack: WebStack;
  let context: BrowserContext;

  beforeAll(async () => {
    [sqs, servers] = await Promise.all([startFakeSqs(), startLocalServers()]);
    stack = await startWebStack('pictures', {
      QUEUE_URL: `${sqs.endpoint}/000000000000/images`,
      IMAGES_BUCKET: servers.s3.bucket,
      AWS_REGION: 'us-east-1',
      S3_ENDPOINT: servers.s3.endpoint,
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    });
    context = await stack.browser.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await stack?.close();
    await Promise.all([sqs?.close(), servers?.close()]);
  });

  it(
    'requests the picture, waits while the worker makes it, then shows it',
    withScreenshot('pictures', () => context?.pages()[0], async () => {
      const page = await context.newPage();
      await page.goto(stack.url);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('User name').fill('alice');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Title').fill('A lighthouse at dusk');
      await page.getByRole('button', { name: 'Add task' }).click();
      await page.getByRole('button', { name: 'Picture' }).click();
      await page.getByRole('button', { name: 'Making the picture…' }).waitFor();

      await eventually(() => sqs.sent.length > 0, 'the image job reaching the queue');
      expect(sqs.sent).toHaveLength(1);
      expect(JSON.parse(sqs.sent[0].body)).toMatchObject({ prompt: 'A lighthouse at dusk', owner: 'alice' });
      const result = await processBatch(sqsEvent(record(sqs.sent[0].body, sqs.sent[0].messageId)), depsFor(servers, captureLines()));
      expect(result.batchItemFailures).toEqual([]);

      const picture = page.getByRole('img', { name: 'Generated picture for “A lighthouse at dusk”' });
      await picture.waitFor({ timeout: TIME_LIMITS.event });
      await page.waitForFunction(() => (document.querySelector('img.task-image') as HTMLImageElement | null)?.naturalWidth === 8);
      expect(await picture.getAttribute('src')).toContain(`${servers.s3.endpoint}/${servers.s3.bucket}/images/owners/`);
    }),
  );
});
