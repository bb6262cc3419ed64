/**
 * The Bedrock image model behind one small interface. Titan Image Generator v2 and Nova Canvas
 * share the TEXT_IMAGE request shape and answer `{ images: [base64 PNG], error? }`; they differ
 * in the prompt limit (512 / 1024 characters) and the seed range.
 */
import { InvokeModelCommand, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { ImageModelFamily } from '../contract/image-message';
import { RecordFailure, classifyModelError } from './errors';
import { readPngHeader } from './png';

export interface GenerateOptions {
  /** Same seed for the same message, so a regenerated image is the same image. */
  readonly seed: number;
  /** Aborts the call (the worker sets it from the Lambda's remaining time). */
  readonly abortSignal?: AbortSignal;
}

export interface ImageGenerator {
  readonly modelId: string;
  /** Resolves with the PNG bytes; rejects with a RecordFailure. */
  generate(prompt: string, options: GenerateOptions): Promise<Buffer>;
}

/** Largest seed each model accepts. */
export const MAX_SEED: Readonly<Record<ImageModelFamily, number>> = {
  'titan-image': 2_147_483_646,
  'nova-canvas': 858_993_459,
};

export interface TextImageRequest {
  readonly taskType: 'TEXT_IMAGE';
  readonly textToImageParams: { readonly text: string };
  readonly imageGenerationConfig: {
    readonly numberOfImages: 1;
    readonly width: number;
    readonly height: number;
    readonly cfgScale: number;
    readonly seed: number;
    readonly quality: 'standard' | 'premium';
  };
}

export function textImageRequest(
  family: ImageModelFamily,
  prompt: string,
  seed: number,
  size: { width: number; height: number },
): TextImageRequest {
  return {
    taskType: 'TEXT_IMAGE',
    textToImageParams: { text: prompt },
    imageGenerationConfig: {
      numberOfImages: 1,
      width: size.width,
      height: size.height,
      // Both models default to 6.5 and accept 1.1-10; Titan's examples use 8.
      cfgScale: family === 'titan-image' ? 8 : 6.5,
      seed: seed % (MAX_SEED[family] + 1),
      quality: 'standard',
    },
  };
}

/** Extracts the single PNG from an InvokeModel response body. */
export function decodeImageResponse(body: Uint8Array): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new RecordFailure('bad_model_output', false, 'model response is not JSON');
  }
  const { images, error } = (parsed ?? {}) as { images?: unknown; error?: unknown };
  if (typeof error === 'string' && error.length > 0) {
    // e.g. a content-filter refusal: the same prompt will be refused again.
    throw new RecordFailure('model_rejected', false, `model returned an error: ${error}`);
  }
  if (!Array.isArray(images) || images.length === 0 || typeof images[0] !== 'string') {
    throw new RecordFailure('bad_model_output', false, 'model response has no "images[0]" string');
  }
  const base64 = images[0];
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new RecordFailure('bad_model_output', false, 'model image is not valid base64');
  }
  const png = Buffer.from(base64, 'base64');
  if (!readPngHeader(png)) {
    throw new RecordFailure('bad_model_output', false, 'model image is not a PNG (bad signature or header)');
  }
  return png;
}

export class BedrockImageGenerator implements ImageGenerator {
  constructor(
    private readonly client: BedrockRuntimeClient,
    readonly modelId: string,
    private readonly family: ImageModelFamily,
    private readonly size: { width: number; height: number },
  ) {}

  async generate(prompt: string, options: GenerateOptions): Promise<Buffer> {
    const request = textImageRequest(this.family, prompt, options.seed, this.size);
    let body: Uint8Array;
    try {
      const response = await this.client.send(
        new InvokeModelCommand({
          modelId: this.modelId,
          contentType: 'application/json',
          accept: 'application/json',
          body: new TextEncoder().encode(JSON.stringify(request)),
        }),
        { abortSignal: options.abortSignal },
      );
      body = response.body;
    } catch (error) {
      throw classifyModelError(error);
    }
    return decodeImageResponse(body);
  }
}
