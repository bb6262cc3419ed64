/**
 * Which Bedrock image models each region offers on demand, so that synth refuses a worker whose
 * model its region does not serve (the worker would fail on every message with a validation error).
 *
 * Source: the Amazon Bedrock User Guide, "Supported foundation models in Amazon Bedrock"
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html), rows "Titan Image
 * Generator G1 v2" (us-east-1, us-west-2) and "Nova Canvas" (us-east-1, ap-northeast-1, eu-west-1),
 * read 2026-12. Regions gain models over time: add a region here when that page lists it.
 */
import { NOVA_CANVAS_MODEL_ID, TITAN_IMAGE_V2_MODEL_ID } from '../../api/contract/image-message';

export const IMAGE_MODEL_REGIONS: Readonly<Record<string, readonly string[]>> = {
  [TITAN_IMAGE_V2_MODEL_ID]: ['us-east-1', 'us-west-2'],
  [NOVA_CANVAS_MODEL_ID]: ['us-east-1', 'ap-northeast-1', 'eu-west-1'],
};

/** The image models a region offers, in order of preference (Titan first: the worker's default). */
export function imageModelsIn(region: string): string[] {
  return Object.keys(IMAGE_MODEL_REGIONS).filter((model) => IMAGE_MODEL_REGIONS[model].includes(region));
}

/**
 * Why `modelId` cannot run in `region` (a sentence to follow the setting's name), or undefined
 * when it can.
 */
export function imageModelProblem(modelId: string, region: string): string | undefined {
  const regions = IMAGE_MODEL_REGIONS[modelId];
  if (!regions) return `"${modelId}" is not an image model this project knows the regions of (known: ${Object.keys(IMAGE_MODEL_REGIONS).join(', ')})`;
  if (regions.includes(region)) return undefined;
  const here = imageModelsIn(region);
  return `"${modelId}" is not offered by Bedrock in ${region} (only in ${regions.join(', ')}): ` +
    (here.length > 0 ? `take ${here.map((m) => `"${m}"`).join(' or ')}, or another region` : `no image model is offered in ${region}; choose a region from ${[...new Set(Object.values(IMAGE_MODEL_REGIONS).flat())].sort().join(', ')}`);
}
