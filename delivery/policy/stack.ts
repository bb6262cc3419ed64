/**
 * A synthesized stack as the policy rules read it: every resource (and data source) with its
 * Terraform address, its construct path (cdktf writes it into each resource's `//` metadata) and
 * its configuration, the providers, the environment's policy settings, and the plan when given.
 */
import * as fs from 'fs';
import type { EnvironmentPolicyConfig, NetworkConfig } from '../../stacks/config';
import { synthesizedStacks } from '../offline-checks';
import type { PlanJson } from '../plan/model';

export type Json = Record<string, unknown>;

export interface Resource {
  /** `aws_s3_bucket.assets_static_bucket_1A2B3C4D`, or `data.<type>.<name>` for a data source. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The construct path, `dev/assets/static/bucket`; the address when the stack has no metadata. */
  readonly path: string;
  /** The resource's configuration as synthesized (references are `${...}` strings). */
  readonly body: Json;
}

/** The settings of the environment a stack deploys, as far as the policy needs them. */
export interface StackEnvironment {
  readonly policy: EnvironmentPolicyConfig;
  readonly network: Pick<NetworkConfig, 'natGateways'>;
}

export interface StackInput {
  readonly name: string;
  /** The synthesized `cdk.tf.json`. */
  readonly json: Json;
  /** The environment it deploys; none for a stack that is not an environment (bootstrap). */
  readonly environment?: StackEnvironment;
  readonly plan?: PlanJson;
  /** Tag keys every resource must carry (the project's policy.requiredTags). */
  readonly requiredTags: readonly string[];
}

/** `${...}` references to other resources inside a value, as addresses (`type.name`, `data.type.name`). */
export function referencedAddresses(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/\$\{[^}]*\}/g)) {
      for (const ref of m[0].matchAll(/\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)/g)) out.add(ref[1]);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) referencedAddresses(item, out);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) referencedAddresses(item, out);
  }
  return out;
}

export class StackView {
  readonly name: string;
  /** The synthesized `cdk.tf.json` as a whole (providers, modules, terraform settings). */
  readonly json: Json;
  readonly resources: readonly Resource[];
  readonly environment?: StackEnvironment;
  readonly plan?: PlanJson;
  readonly requiredTags: readonly string[];
  /** The AWS provider blocks (one per alias). */
  readonly awsProviders: readonly Json[];
  private readonly byAddress = new Map<string, Resource>();

  constructor(input: StackInput) {
    this.name = input.name;
    this.json = input.json;
    this.environment = input.environment;
    this.plan = input.plan;
    this.requiredTags = input.requiredTags;
    const resources: Resource[] = [];
    const collect = (section: unknown, prefix: string) => {
      for (const [type, byName] of Object.entries((section ?? {}) as Record<string, Record<string, Json>>)) {
        for (const [name, body] of Object.entries(byName)) {
          const address = `${prefix}${type}.${name}`;
          const metadataPath = ((body['//'] as Json | undefined)?.metadata as Json | undefined)?.path;
          resources.push({ address, type, name, path: typeof metadataPath === 'string' ? metadataPath : address, body });
        }
      }
    };
    collect(input.json.resource, '');
    collect(input.json.data, 'data.');
    this.resources = resources;
    for (const r of resources) this.byAddress.set(r.address, r);
    const aws = (input.json.provider as Json | undefined)?.aws;
    this.awsProviders = (Array.isArray(aws) ? aws : aws ? [aws] : []) as Json[];
  }

  ofType(...types: string[]): Resource[] {
    return this.resources.filter((r) => types.includes(r.type));
  }

  resource(address: string): Resource | undefined {
    return this.byAddress.get(address);
  }

  /** The construct path of an address, or the address itself when the stack has no such resource. */
  pathOf(address: string): string {
    return this.byAddress.get(address)?.path ?? address;
  }

  /** The resources `from` refers to. */
  referencedBy(from: Resource | Json): Resource[] {
    const body = 'body' in from && 'address' in from ? (from as Resource).body : from;
    return [...referencedAddresses(body)].map((a) => this.byAddress.get(a)).filter((r): r is Resource => r !== undefined);
  }

  /**
   * The resources of `type` that point at `target` in `attribute`: by reference (`${target...}`)
   * or by the literal value of one of the target's own attributes (a bucket's name, say).
   */
  pointingAt(target: Resource, type: string, attribute: string, literalOf: string[] = []): Resource[] {
    const literals = literalOf.map((a) => target.body[a]).filter((v): v is string => typeof v === 'string' && v !== '');
    return this.ofType(type).filter((r) => {
      const value = r.body[attribute];
      return referencedAddresses(value).has(target.address) || (typeof value === 'string' && literals.includes(value));
    });
  }
}

/** The stacks of a synthesized app, each with its `cdk.tf.json`. */
export function readSynthesized(outDir: string): { name: string; dir: string; json: Json }[] {
  return synthesizedStacks(outDir).map((stack) => ({ name: stack.name, dir: stack.dir, json: JSON.parse(fs.readFileSync(stack.file, 'utf8')) as Json }));
}
