/**
 * What the README's cost table prices: the committed settings (the API on EC2, the default), and
 * the same settings with every environment's API on Fargate, so a reader compares both kinds.
 */

/** A digest in the right form for pricing: the price of a task does not depend on its image. */
export const EXAMPLE_IMAGE_DIGEST = `sha256:${'0f'.repeat(32)}`;

type Settings = { environments?: Record<string, { compute?: Record<string, unknown> } & Record<string, unknown>> } & Record<string, unknown>;

export interface ReadmeVariant {
  /** Appended to the stack's name in the table (`dev on fargate`). */
  readonly suffix: string;
  /** The settings file to synthesize, from the committed one; undefined: the committed file itself. */
  readonly settings?: (committed: Settings, environments: readonly string[]) => Settings;
}

export const README_VARIANTS: readonly ReadmeVariant[] = [
  { suffix: '' },
  {
    suffix: ' on fargate',
    settings: (committed, environments) => ({
      ...committed,
      environments: Object.fromEntries(environments.map((env) => {
        const own = committed.environments?.[env] ?? {};
        return [env, { ...own, compute: { ...own.compute, kind: 'fargate', image: EXAMPLE_IMAGE_DIGEST } }];
      })),
    }),
  },
];

/** The environments the README prices. */
export const README_ENVIRONMENTS = ['dev', 'prod'] as const;
