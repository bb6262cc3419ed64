import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { LambdaPackage } from '../build/lambda-package';
import type { WorkerConfig } from '../config';
import { IMAGE_KEY_PREFIX } from '../../api/contract/image-message';
import { METRICS_NAMESPACE, WORKER_METRICS, WORKER_METRICS_SERVICE } from '../../api/contract/telemetry';
import type { WorkerSettingName } from '../../api/worker/config';
import { policyDocument, serviceTrustPolicy } from '../lib/iam';
import { Naming } from '../lib/naming';
import type { GrantableRole } from '../lib/role';
import { Alerts } from './alerts';
import type { SecureBucket } from './secure-bucket';
import { DashboardWidget, metricWidget } from './observability';

export interface QueueWorkerProps {
  /** Resource names. */
  readonly naming: Naming;
  /** Region of the function and the model. */
  readonly region: string;
  /** Model, size, timeout, batching and redrive. */
  readonly config: WorkerConfig;
  /** The bucket the images go to, under `images/` (IMAGE_KEY_PREFIX of the message contract). */
  readonly imagesBucket: SecureBucket;
  /** What the function runs. */
  readonly build: LambdaPackage;
  /** Where the worker's alarms go. */
  readonly alerts: Alerts;
  /** Retention of the function's log group. */
  readonly logRetentionDays: number;
  /** The AWS partition (`aws`, `aws-cn`, ...) for the model's ARN. */
  readonly partition: string;
}

const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * The image worker (SPEC Q1-Q6): an encrypted SQS queue with a dead-letter queue in front of a
 * Lambda that turns prompts into PNGs with a Bedrock image model and stores them under
 * `images/`. Partial batch failures, X-Ray, its own log group, alarms on queue age, dead letters
 * and errors, and an IAM role that can touch only this queue, that prefix and that model.
 */
export class QueueWorker extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly function: LambdaFunction;
  /** The worker's dashboard widgets, for the environment's dashboard. */
  readonly dashboardWidgets: DashboardWidget[];

  constructor(scope: Construct, id: string, props: QueueWorkerProps) {
    super(scope, id);
    const { naming, config, region } = props;
    const functionName = naming.name('image-worker');

    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: naming.name('images-dlq'),
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: naming.name('images'),
      sqsManagedSseEnabled: true,
      // A message stays hidden while one invocation may still be working on it (SPEC Q1).
      visibilityTimeoutSeconds: 6 * config.timeoutSeconds,
      // Longer than a few redrives, shorter than the DLQ keeps it.
      messageRetentionSeconds: 4 * 24 * 3600,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: config.maxReceiveCount }),
    });
    for (const [name, queue] of [['queue', this.queue], ['dlq', this.deadLetterQueue]] as const) {
      new SqsQueuePolicy(this, `${name}-tls-only`, {
        queueUrl: queue.url,
        policy: policyDocument({
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: queue.arn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      });
    }

    const logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/aws/lambda/${functionName}`, retentionInDays: props.logRetentionDays });
    const modelArn = `arn:${props.partition}:bedrock:${region}::foundation-model/${config.modelId}`;
    const role = new IamRole(this, 'role', {
      name: functionName,
      description: 'Image worker Lambda',
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com'),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      role: role.id,
      name: 'image-worker',
      policy: policyDocument(
        {
          Sid: 'ConsumeImageQueue',
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: this.queue.arn,
        },
        // GetObject also covers HeadObject, the worker's "already made?" check.
        { Sid: 'ReadWriteImages', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${props.imagesBucket.bucketArn}/${IMAGE_KEY_PREFIX}*` },
        // Without ListBucket, S3 answers 403 instead of 404 for an image not made yet.
        { Sid: 'TellMissingImages', Effect: 'Allow', Action: 's3:ListBucket', Resource: props.imagesBucket.bucketArn },
        { Sid: 'InvokeImageModel', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: modelArn },
        { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `${logGroup.arn}:*` },
        // X-Ray has no resource-level permissions.
        { Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ),
    });

    const code = new TerraformAsset(this, 'code', { path: props.build.zipFile, type: AssetType.FILE });
    this.function = new LambdaFunction(this, 'function', {
      functionName,
      description: 'Turns queued prompts into PNG images with Amazon Bedrock',
      role: role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: props.build.handler,
      filename: code.path,
      sourceCodeHash: props.build.zipSha256Base64,
      memorySize: config.memoryMb,
      timeout: config.timeoutSeconds,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      environment: { variables: workerEnvironment({ IMAGES_BUCKET: props.imagesBucket.bucketName, MODEL_ID: config.modelId }) },
      dependsOn: [logGroup, policy],
    });
    new LambdaEventSourceMapping(this, 'trigger', {
      eventSourceArn: this.queue.arn,
      functionName: this.function.arn,
      batchSize: config.batchSize,
      maximumBatchingWindowInSeconds: 1,
      // One bad record never fails the batch: only the failed ones come back (SPEC Q2).
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency: config.maximumConcurrency },
    });

    props.alerts.addAlarm('queue-age', {
      name: 'image-queue-age',
      alarmDescription: 'The oldest image job has waited more than 120 s (SPEC Q6)',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: this.queue.name },
      statistic: 'Maximum',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 120,
      period: 60,
      evaluationPeriods: 1,
    });
    props.alerts.addAlarm('dead-letters', {
      name: 'image-dead-letters',
      alarmDescription: 'Image jobs failed every retry and are in the dead-letter queue',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.deadLetterQueue.name },
      statistic: 'Maximum',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      period: 60,
      evaluationPeriods: 1,
    });
    props.alerts.addAlarm('worker-errors', {
      name: 'image-worker-errors',
      alarmDescription: 'The image worker Lambda failed (crashed or timed out)',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: this.function.functionName },
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
      period: 300,
      evaluationPeriods: 1,
    });

    const queueDim = (queue: SqsQueue) => ['QueueName', queue.name];
    const fnDim = ['FunctionName', this.function.functionName];
    this.dashboardWidgets = [
      metricWidget(region, 'Image queue: age of oldest (s)', [['AWS/SQS', 'ApproximateAgeOfOldestMessage', ...queueDim(this.queue), { stat: 'Maximum' }]]),
      metricWidget(region, 'Image queue depth and dead letters', [
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', ...queueDim(this.queue), { stat: 'Maximum' }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesNotVisible', ...queueDim(this.queue), { stat: 'Maximum' }],
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', ...queueDim(this.deadLetterQueue), { stat: 'Maximum', label: 'dead letters' }],
      ]),
      metricWidget(region, 'Image worker: invocations, errors, throttles', [
        ['AWS/Lambda', 'Invocations', ...fnDim, { stat: 'Sum' }],
        ['AWS/Lambda', 'Errors', ...fnDim, { stat: 'Sum' }],
        ['AWS/Lambda', 'Throttles', ...fnDim, { stat: 'Sum' }],
      ]),
      metricWidget(region, 'Images generated / failed', [
        [METRICS_NAMESPACE, WORKER_METRICS.imagesGenerated, 'Service', WORKER_METRICS_SERVICE, { stat: 'Sum' }],
        [METRICS_NAMESPACE, WORKER_METRICS.imageFailures, 'Service', WORKER_METRICS_SERVICE, { stat: 'Sum' }],
        [METRICS_NAMESPACE, WORKER_METRICS.modelLatency, 'Service', WORKER_METRICS_SERVICE, { stat: 'p90', yAxis: 'right' }],
      ]),
    ];
  }

  /** Lets `role` send image jobs to the queue, and nothing else on it (the API's instance role). */
  grantSendMessages(role: GrantableRole): void {
    role.addToPolicy({ Sid: 'SendImageJobs', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.queue.arn });
  }
}

/** The function's environment, with names the worker's configuration reads (a typo fails the type-check). */
function workerEnvironment(variables: Partial<Record<WorkerSettingName, string>>): Record<string, string> {
  return variables as Record<string, string>;
}
