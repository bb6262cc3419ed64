/**
 * ImageJobs on AWS: SQS SendMessage for the queue, S3 HeadObject + a presigned GetObject URL for
 * the images. The clients are created once per process (server.ts loads this module only when
 * image generation is configured, so local SQLite mode never loads the AWS SDK).
 *
 * IAM on EC2: `sqs:SendMessage` on the queue and `s3:GetObject` on `images/*` (HeadObject is
 * authorised by s3:GetObject). Without `s3:ListBucket`, S3 answers 403 instead of 404 for a
 * missing key, so both mean "not there yet".
 */
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { promptLimitFor } from '../../contract/image-message';
import type { ImageSettings } from '../config/config';
import { ImageBackendError, ImageJobs, ImageLink } from './image-jobs';

/** A request waits at most this long for AWS (per attempt), so a slow SQS or S3 becomes a 503, not a hung request. */
const CONNECTION_TIMEOUT_MS = 2_000;
const REQUEST_TIMEOUT_MS = 5_000;
const MAX_ATTEMPTS = 3;

export interface AwsImageJobs extends ImageJobs {
  /** Closes the clients' sockets. */
  destroy(): void;
}

export function createAwsImageJobs(settings: ImageSettings): AwsImageJobs {
  const common = {
    region: settings.region,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  };
  const sqs = new SQSClient({ ...common, ...(settings.sqsEndpoint ? { endpoint: settings.sqsEndpoint } : {}) });
  const s3 = new S3Client({ ...common, ...(settings.s3Endpoint ? { endpoint: settings.s3Endpoint, forcePathStyle: true } : {}) });

  return {
    maxPromptChars: promptLimitFor(),
    queue: {
      async send(messageBody: string): Promise<string> {
        let messageId: string | undefined;
        try {
          ({ MessageId: messageId } = await sqs.send(new SendMessageCommand({ QueueUrl: settings.queueUrl, MessageBody: messageBody })));
        } catch (error) {
          throw new ImageBackendError('sqs', error);
        }
        if (!messageId) throw new ImageBackendError('sqs', new Error('SQS answered without a MessageId'));
        return messageId;
      },
    },
    locator: {
      async link(key: string): Promise<ImageLink | undefined> {
        try {
          await s3.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: key }));
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (status === 404 || status === 403) return undefined;
          throw new ImageBackendError('s3', error);
        }
        try {
          // Presigning is local (no request): it signs with the current credentials.
          const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: settings.bucket, Key: key }), {
            expiresIn: settings.urlTtlSeconds,
          });
          return { url, expiresInSeconds: settings.urlTtlSeconds };
        } catch (error) {
          throw new ImageBackendError('s3', error);
        }
      },
    },
    destroy() {
      sqs.destroy();
      s3.destroy();
    },
  };
}
