/** How a new plan differs from the plan that was reviewed, in lines a reviewer can read. */
import { code } from '../plan/markdown';
import type { StackFingerprint } from './fingerprint';

function action(entry: string): string {
  return entry.split(':')[0].replace('delete+create', 'replace (destroy first)').replace('create+delete', 'replace (create first)');
}

function compareMaps(kind: 'resource' | 'output', reviewed: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  const lines: string[] = [];
  for (const key of [...new Set([...Object.keys(reviewed), ...Object.keys(now)])].sort()) {
    const was = reviewed[key];
    const is = now[key];
    const name = kind === 'output' ? `output ${code(key)}` : code(key);
    if (was === is) continue;
    if (was === undefined) lines.push(`${name}: **${action(is)}** now, not in the reviewed plan`);
    else if (is === undefined) lines.push(`${name}: **${action(was)}** in the reviewed plan, no change now`);
    else if (action(was) !== action(is)) lines.push(`${name}: reviewed **${action(was)}**, now **${action(is)}**`);
    else lines.push(`${name}: **${action(is)}** as reviewed, but with other values`);
  }
  return lines;
}

/** The differences, one line each; empty when the digests are equal. */
export function differences(reviewed: StackFingerprint, now: StackFingerprint, maxLines = 30): string[] {
  if (reviewed.digest === now.digest) return [];
  const lines: string[] = [];
  if (reviewed.code !== now.code) lines.push('the synthesized configuration is not the one that was planned (the code changed, e.g. the base branch moved)');
  if (reviewed.resources && now.resources) {
    lines.push(...compareMaps('resource', reviewed.resources, now.resources));
    lines.push(...compareMaps('output', reviewed.outputs ?? {}, now.outputs ?? {}));
  } else {
    lines.push('the reviewed plan was too large to record per resource: compare the whole plan below');
  }
  if (lines.length === 0) lines.push('the plans differ, though no resource or output does (a change of the digest\'s format?)');
  return lines.length > maxLines ? [...lines.slice(0, maxLines), `… and ${lines.length - maxLines} more`] : lines;
}
