/**
 * What the synthesized stack (cdktf's `cdk.tf.json`) adds to a plan: each resource's construct
 * path (`//.metadata.path`, e.g. `dev/api/instance-role`), and the configured text of values that
 * the plan knows only after apply (a policy that embeds the ARN of a bucket created in the same
 * plan is `(known after apply)` in the plan, but its statements are in the configuration).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ResourceChange } from './model';

export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** The synthesized JSON of `stack` in a cdktf output folder (its manifest names the file), or undefined. */
export function loadSynthesized(outDir: string, stack: string): SynthesizedStack | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { name: string; synthesizedStackPath: string }> };
    const entry = Object.values(manifest.stacks).find((s) => s.name === stack);
    return entry ? (JSON.parse(fs.readFileSync(path.join(outDir, entry.synthesizedStackPath), 'utf8')) as SynthesizedStack) : undefined;
  } catch {
    return undefined;
  }
}

/** A resource's synthesized configuration (root module, managed resources only), or undefined. */
export function configOf(synthesized: SynthesizedStack | undefined, resource: Pick<ResourceChange, 'type' | 'name' | 'module_address' | 'mode'>): Readonly<Record<string, unknown>> | undefined {
  if (!synthesized || resource.module_address || resource.mode === 'data' || !resource.name) return undefined;
  return synthesized.resource?.[resource.type]?.[resource.name];
}

/** cdktf names a resource `<construct path joined by _>_<8 hex digits>`. */
const CDKTF_NAME = /^(.+)_[0-9A-F]{8}$/;

/**
 * The construct path of a resource: from the synthesized metadata when there is one, else from
 * cdktf's naming (its first part), else the module address; always under the stack's name.
 */
export function constructPath(stack: string, resource: ResourceChange, synthesized?: SynthesizedStack): string {
  const metadata = (configOf(synthesized, resource)?.['//'] as { metadata?: { path?: string } } | undefined)?.metadata?.path;
  if (metadata) return metadata;
  if (resource.module_address) return `${stack}/${resource.module_address}`;
  const cdktf = CDKTF_NAME.exec(resource.name ?? '');
  return cdktf ? `${stack}/${cdktf[1].split('_')[0]}` : stack;
}

/** The first two levels of a construct path (`dev/api/instance-role` → `dev/api`): what a create is summarized by. */
export function constructGroup(constructPathText: string): string {
  return constructPathText.split('/').slice(0, 2).join('/');
}

const REFERENCE = /\b(?:aws|data\.aws|var|local)[a-z0-9_]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_]+)?/g;

/** `${aws_s3_bucket.x.arn}` as it is; any other expression as the references it reads, `${…aws_db_instance.x.arn…}`. */
function shortExpression(expression: string): string {
  const plain = /^[A-Za-z0-9_.\-[\]]+$/.test(expression.trim());
  if (plain) return `\${${expression.trim()}}`;
  const refs = [...new Set(expression.match(REFERENCE) ?? [])];
  return `\${…${refs.join(', ') || 'expression'}…}`;
}

/** The text with each `${…}` interpolation (braces balanced, quotes inside allowed) shortened and JSON-safe. */
export function withShortExpressions(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    if (text.startsWith('${', i)) {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out += shortExpression(text.slice(i + 2, j));
      i = j + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

/**
 * A value that the plan knows only after apply, as configured, its interpolations shortened; for
 * a JSON document, the parsed document. Undefined when there is no configuration to read.
 */
export function templateValue(synthesized: SynthesizedStack | undefined, resource: ResourceChange, key: string): unknown {
  const configured = configOf(synthesized, resource)?.[key];
  if (typeof configured !== 'string') return undefined;
  const short = withShortExpressions(configured);
  if (/^\s*[[{]/.test(configured)) {
    try {
      // Interpolations sit inside JSON strings, so the document parses once they are shortened.
      return JSON.parse(short) as unknown;
    } catch {
      return short;
    }
  }
  return short;
}
