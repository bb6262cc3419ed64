/** Where the images go: the bucket, under `images/`. */
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { classifyStorageError } from './errors';

/**
 * `forbidden`: S3 answers 403 to a HEAD of a missing key when the caller lacks `s3:ListBucket`;
 * the worker then cannot tell "missing" from "present" and generates (the conditional put still
 * refuses to overwrite).
 */
export type Presence = 'present' | 'missing' | 'forbidden';

export interface ImageStore {
  presence(key: string): Promise<Presence>;
  /** Writes the PNG unless the key exists; `exists` when another delivery won the race. */
  put(key: string, png: Buffer, metadata: Record<string, string>): Promise<'created' | 'exists'>;
}

export class S3ImageStore implements ImageStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async presence(key: string): Promise<Presence> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return 'present';
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const name = (error as { name?: string }).name;
      if (status === 404 || name === 'NotFound' || name === 'NoSuchKey') return 'missing';
      if (status === 403) return 'forbidden';
      throw classifyStorageError(error, `HeadObject s3://${this.bucket}/${key}`);
    }
  }

  async put(key: string, png: Buffer, metadata: Record<string, string>): Promise<'created' | 'exists'> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: png,
          ContentType: 'image/png',
          ContentLength: png.length,
          Metadata: metadata,
          // S3 conditional write: never overwrite an image another delivery already stored.
          IfNoneMatch: '*',
        }),
      );
      return 'created';
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412) return 'exists';
      throw classifyStorageError(error, `PutObject s3://${this.bucket}/${key}`);
    }
  }
}
