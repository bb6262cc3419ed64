/**
 * Images the model made whose upload failed (an S3 outage longer than the SDK's retries), kept in
 * the warm Lambda's memory per job (image key and prompt): a redelivery that lands on this
 * instance stores the image it already has instead of paying for the model again. Bounded in
 * bytes, oldest out first; another instance, or a cold start, simply generates again.
 */
export const UNSTORED_IMAGES_MAX_BYTES = 32 * 1024 * 1024;

export class UnstoredImages {
  private readonly images = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes = UNSTORED_IMAGES_MAX_BYTES) {}

  /** The image kept for `job`, removed from the store (a failed upload keeps it again). */
  take(job: string): Buffer | undefined {
    const png = this.images.get(job);
    if (png) {
      this.images.delete(job);
      this.bytes -= png.length;
    }
    return png;
  }

  keep(job: string, png: Buffer): void {
    if (png.length > this.maxBytes) return;
    this.take(job);
    this.images.set(job, png);
    this.bytes += png.length;
    for (const [oldest, image] of this.images) {
      if (this.bytes <= this.maxBytes) break;
      this.images.delete(oldest);
      this.bytes -= image.length;
    }
  }
}
