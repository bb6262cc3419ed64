/** How a new plan relates to the plan that was reviewed, in lines a reviewer can read. */
import { code } from '../plan/markdown';
import type { StackFingerprint } from './fingerprint';

/**
 * `same`: the intents and the code are the reviewed ones. `subset`: every change left is one the
 * reviewed plan had, exactly as reviewed, and some of the reviewed ones are gone (an earlier run
 * applied them). `differs`: anything else.
 */
export type Comparison =
  | { readonly kind: 'same' }
  | { readonly kind: 'subset'; readonly done: readonly string[] }
  | { readonly kind: 'differs'; readonly lines: readonly string[] };

function action(entry: string): string {
  return entry.split(':')[0].replace('delete+create', 'replace (destroy first)').replace('create+delete', 'replace (create first)');
}

const list = (paths: readonly string[], max = 6) => [...paths.slice(0, max).map(code), ...(paths.length > max ? [`${paths.length - max} more`] : [])].join(', ');

function otherValues(key: string, reviewed: StackFingerprint, now: StackFingerprint): string {
  const was = reviewed.paths?.[key] ?? [];
  const is = now.paths?.[key] ?? [];
  if (!was.length && !is.length) return 'but with other values';
  if (was.join('\0') === is.join('\0')) return `the same attributes (${list(is)}), but other planned values`;
  return `but it changes ${list(is) || 'no attribute'}; the reviewed plan changed ${list(was) || 'none'}`;
}

function compareMaps(kind: 'resource' | 'output', reviewed: StackFingerprint, now: StackFingerprint): string[] {
  const was = (kind === 'resource' ? reviewed.resources : reviewed.outputs) ?? {};
  const is = (kind === 'resource' ? now.resources : now.outputs) ?? {};
  const lines: string[] = [];
  for (const key of [...new Set([...Object.keys(was), ...Object.keys(is)])].sort()) {
    const name = kind === 'output' ? `output ${code(key)}` : code(key);
    if (was[key] === is[key]) continue;
    if (was[key] === undefined) lines.push(`${name}: **${action(is[key])}** now, not in the reviewed plan`);
    else if (is[key] === undefined) lines.push(`${name}: **${action(was[key])}** in the reviewed plan, no change now`);
    else if (action(was[key]) !== action(is[key])) lines.push(`${name}: reviewed **${action(was[key])}**, now **${action(is[key])}**`);
    else lines.push(`${name}: **${action(is[key])}** as reviewed, ${kind === 'resource' ? otherValues(key, reviewed, now) : 'but with another value'}`);
  }
  return lines;
}

/** The differences, one line each; empty when the digests are equal. */
export function differences(reviewed: StackFingerprint, now: StackFingerprint, maxLines = 30): string[] {
  if (reviewed.digest === now.digest) return [];
  const lines: string[] = [];
  if (reviewed.code !== now.code) lines.push('the synthesized configuration is not the one that was planned (the code changed, e.g. the base branch moved)');
  if (reviewed.resources && now.resources) {
    lines.push(...compareMaps('resource', reviewed, now), ...compareMaps('output', reviewed, now));
  } else {
    lines.push('the reviewed plan was too large to record per resource: compare the whole plan below');
  }
  if (lines.length === 0) lines.push('the plans differ, though no resource or output does (a change of the digest\'s format?)');
  return lines.length > maxLines ? [...lines.slice(0, maxLines), `… and ${lines.length - maxLines} more`] : lines;
}

/** The changes of `reviewed` that `now` no longer has, when each change `now` has is exactly a reviewed one; else undefined. */
function remainderOf(reviewed: StackFingerprint, now: StackFingerprint): string[] | undefined {
  if (reviewed.code !== now.code || !reviewed.resources || !now.resources) return undefined;
  const done: string[] = [];
  for (const [was, is, prefix] of [[reviewed.resources, now.resources, ''], [reviewed.outputs ?? {}, now.outputs ?? {}, 'output ']] as const) {
    if (Object.entries(is).some(([key, entry]) => was[key] !== entry)) return undefined;
    done.push(...Object.keys(was).filter((key) => is[key] === undefined).sort().map((key) => `${prefix}${key}`));
  }
  return done;
}

export function compareFingerprints(reviewed: StackFingerprint, now: StackFingerprint): Comparison {
  if (reviewed.digest === now.digest) return { kind: 'same' };
  const done = remainderOf(reviewed, now);
  if (done?.length) return { kind: 'subset', done };
  return { kind: 'differs', lines: differences(reviewed, now) };
}
