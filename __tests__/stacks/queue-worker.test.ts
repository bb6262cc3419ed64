import * as crypto from 'crypto';
import * as fs from 'fs';
import { environmentStack, Json, onlyResource, refTo, resourceNamed, resourcesOf, statements, testBuilds } from './synth';

const dev = environmentStack('dev');
const ref = (type: string, part: string, attribute: string) => refTo(dev, type, resourceNamed(dev, type, part), attribute);
const queue = resourceNamed(dev, 'aws_sqs_queue', 'worker_queue');
const dlq = resourceNamed(dev, 'aws_sqs_queue', 'dlq');
const fn = resourceNamed(dev, 'aws_lambda_function', 'worker_function');
const workerPolicy = statements(resourceNamed(dev, 'aws_iam_role_policy', 'worker_policy').policy);

describe('Image queue', () => {
  test('is encrypted and redrives to the dead-letter queue after 3-5 receives', () => {
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    expect(JSON.parse(queue.redrive_policy)).toEqual({ deadLetterTargetArn: ref('aws_sqs_queue', 'dlq', 'arn'), maxReceiveCount: 4 });
  });

  test('hides a message for at least six times the function timeout', () => {
    expect(queue.visibility_timeout_seconds).toBeGreaterThanOrEqual(6 * fn.timeout);
  });

  test('keeps dead letters for 14 days, encrypted', () => {
    expect(dlq).toMatchObject({ message_retention_seconds: 1209600, sqs_managed_sse_enabled: true });
  });

  test('refuses requests without TLS', () => {
    for (const policy of resourcesOf(dev, 'aws_sqs_queue_policy')) {
      expect(statements(policy.policy)).toEqual([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]);
    }
    expect(resourcesOf(dev, 'aws_sqs_queue_policy')).toHaveLength(2);
  });
});

describe('Image worker Lambda', () => {
  test('runs the bundled handler on Node.js 22 with a timeout of at least 10 s, X-Ray on', () => {
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', handler: 'index.handler', timeout: 90, memory_size: 512, tracing_config: { mode: 'Active' } });
  });

  test('ships a zip of the bundle whose hash it declares', () => {
    const { zipFile, zipSha256Base64 } = testBuilds().worker;
    expect(fn.filename).toMatch(/^assets\/worker_code_[A-Z0-9_]+\/[A-F0-9]+\/worker\.zip$/);
    expect(crypto.createHash('sha256').update(fs.readFileSync(zipFile)).digest('base64')).toBe(zipSha256Base64);
    expect(fn.source_code_hash).toBe(zipSha256Base64);
  });

  test('is told the bucket and the model through its environment', () => {
    expect(fn.environment.variables).toEqual({ IMAGES_BUCKET: ref('aws_s3_bucket', 'static', 'bucket'), MODEL_ID: 'amazon.titan-image-generator-v2:0' });
  });

  test('logs to its own log group with retention', () => {
    const group = resourceNamed(dev, 'aws_cloudwatch_log_group', 'worker_logs');
    expect(group).toMatchObject({ name: '/aws/lambda/taskmanager-dev-image-worker', retention_in_days: 14 });
    expect(fn.logging_config.log_group).toBe(ref('aws_cloudwatch_log_group', 'worker_logs', 'name'));
  });

  test('is fed by the queue with partial batch failure reporting, batch size and concurrency from config', () => {
    expect(onlyResource(dev, 'aws_lambda_event_source_mapping')).toMatchObject({
      event_source_arn: ref('aws_sqs_queue', 'worker_queue', 'arn'),
      function_name: ref('aws_lambda_function', 'worker_function', 'arn'),
      function_response_types: ['ReportBatchItemFailures'],
      batch_size: 5,
      scaling_config: { maximum_concurrency: 2 },
    });
    const tuned = environmentStack('prod', { environments: { prod: { worker: { batchSize: 10, maximumConcurrency: 20, timeoutSeconds: 30, memoryMb: 1024 } } } });
    expect(onlyResource(tuned, 'aws_lambda_event_source_mapping')).toMatchObject({ batch_size: 10, scaling_config: { maximum_concurrency: 20 } });
    expect(resourceNamed(tuned, 'aws_lambda_function', 'worker_function')).toMatchObject({ timeout: 30, memory_size: 1024 });
    expect(resourceNamed(tuned, 'aws_sqs_queue', 'worker_queue').visibility_timeout_seconds).toBe(180);
  });
});

describe('Image worker role', () => {
  const sid = (name: string) => workerPolicy.find((s) => s.Sid === name)!;

  test('may receive, delete and read attributes on this queue only', () => {
    expect(sid('ConsumeImageQueue')).toMatchObject({
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: ref('aws_sqs_queue', 'worker_queue', 'arn'),
    });
  });

  test('may read and write objects under images/ of this bucket only', () => {
    expect(sid('ReadWriteImages')).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ref('aws_s3_bucket', 'static', 'arn')}/images/*` });
    expect(sid('TellMissingImages')).toMatchObject({ Action: 's3:ListBucket', Resource: ref('aws_s3_bucket', 'static', 'arn') });
  });

  test('may invoke the configured model only', () => {
    expect(sid('InvokeImageModel').Action).toBe('bedrock:InvokeModel');
    expect(sid('InvokeImageModel').Resource).toMatch(/^arn:\$\{element\(split\(":", aws_vpc\.[^)]+\), 1\)\}:bedrock:us-east-1::foundation-model\/amazon\.titan-image-generator-v2:0$/);
  });

  test('writes only its own logs and has no other permission', () => {
    expect(sid('WriteOwnLogs').Resource).toBe(`${ref('aws_cloudwatch_log_group', 'worker_logs', 'arn')}:*`);
    expect(workerPolicy.map((s) => s.Sid)).toEqual(['ConsumeImageQueue', 'ReadWriteImages', 'TellMissingImages', 'InvokeImageModel', 'WriteOwnLogs', 'Tracing']);
  });

  test('the API instance role may send to this queue only and read finished images', () => {
    const api = statements(resourceNamed(dev, 'aws_iam_role_policy', 'instance-policy').policy);
    expect(api.find((s) => s.Sid === 'SendImageJobs')).toEqual({ Sid: 'SendImageJobs', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: ref('aws_sqs_queue', 'worker_queue', 'arn') });
    expect(api.find((s) => s.Sid === 'ReadImages')!.Resource).toBe(`${ref('aws_s3_bucket', 'static', 'arn')}/images/*`);
  });
});

describe('Image worker alarms and dashboard', () => {
  const alarm = (name: string) => resourcesOf(dev, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === `taskmanager-dev-${name}`)!;

  test('alarm when the oldest message is older than 120 s', () => {
    expect(alarm('image-queue-age')).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: ref('aws_sqs_queue', 'worker_queue', 'name') },
      comparison_operator: 'GreaterThanThreshold',
      threshold: 120,
      alarm_actions: [ref('aws_sns_topic', 'topic', 'arn')],
    });
  });

  test('alarm on any dead letter and on any Lambda error', () => {
    expect(alarm('image-dead-letters')).toMatchObject({ metric_name: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: ref('aws_sqs_queue', 'dlq', 'name') }, threshold: 0 });
    expect(alarm('image-worker-errors')).toMatchObject({ namespace: 'AWS/Lambda', metric_name: 'Errors', threshold: 0 });
  });

  test('put queue age and depth and the Lambda on the dashboard', () => {
    const widgets: Json[] = JSON.parse(onlyResource(dev, 'aws_cloudwatch_dashboard').dashboard_body).widgets;
    const metricNames = widgets.flatMap((w) => (w.properties.metrics ?? []).map((m: Json[]) => m[1]));
    expect(metricNames).toEqual(expect.arrayContaining(['ApproximateAgeOfOldestMessage', 'ApproximateNumberOfMessagesVisible', 'Invocations', 'Errors', 'ImagesGenerated']));
  });

  test('output the queue URL for the enqueue CLI', () => {
    expect(dev.output.image_queue_url.value).toBe(ref('aws_sqs_queue', 'worker_queue', 'url'));
  });
});
