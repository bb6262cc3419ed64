/**
 * What a reviewed plan was, compactly: per stack, a digest of its resource changes, its output
 * changes and the synthesized code, plus one short hash per changed resource and output so that a
 * later plan can say what differs. No timestamps, no prior state beyond each change's own
 * before value. Values the plan marks sensitive are masked before hashing: the fingerprint sits
 * in a public comment, and a short hash of a weak secret could be guessed.
 *
 * It travels in the PR comment as hidden marker data:
 *   <!-- taskmanager-plan-fingerprint:v1 <base64 of gzipped JSON> -->
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import type { PlanJson } from '../plan/model';

export interface StackFingerprint {
  /** sha256 over everything below: equal digests mean the same plan. */
  readonly digest: string;
  /** sha256 of the synthesized stack (`*.tf.json` and `assets/`), or "" when it was not given. */
  readonly code: string;
  /** `<actions>:<hash>` per resource instance that changes, e.g. `update:1f2e...`; absent when the plan was too big to list. */
  readonly resources?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
}

export interface Fingerprint {
  readonly version: 1;
  /** The pull request's head commit that was planned, and its base. */
  readonly head?: string;
  readonly base?: string;
  /** Per stack; a stack whose plan failed is absent. */
  readonly stacks: Readonly<Record<string, StackFingerprint>>;
}

const MARKER = 'taskmanager-plan-fingerprint:v1';
/** Above this, the marker keeps the digests only. */
const MAX_MARKER_CHARS = 20_000;

/** JSON with sorted keys: the same value always gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A value with every part its sensitivity mask marks replaced by a placeholder. */
function masked(value: unknown, mask: unknown): unknown {
  if (mask === true) return '(sensitive)';
  if (Array.isArray(value)) return value.map((v, i) => masked(v, Array.isArray(mask) ? mask[i] : undefined));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v, mask && typeof mask === 'object' ? (mask as Record<string, unknown>)[k] : undefined)]));
  }
  return value;
}

interface ChangeLike {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: unknown;
  readonly importing?: unknown;
}

function entry(change: ChangeLike, extra: Record<string, unknown> = {}): string {
  const what = { ...extra, before: masked(change.before, change.before_sensitive), after: masked(change.after, change.after_sensitive), after_unknown: change.after_unknown, replace_paths: change.replace_paths, importing: change.importing };
  return `${change.actions.join('+')}:${sha256(canonical(what)).slice(0, 16)}`;
}

/** sha256 of the files Terraform runs in a synthesized stack folder (configuration and assets), by relative path. */
export function codeHash(stackDir: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(stackDir, full).split(path.sep).join('/');
      if (fs.statSync(full).isDirectory()) {
        if (rel === 'assets' || rel.startsWith('assets/')) walk(full);
      } else if (rel.startsWith('assets/') || /^[^/]+\.tf(\.json)?$/.test(rel)) {
        files.push(`${rel}\0${sha256(fs.readFileSync(full).toString('binary'))}`);
      }
    }
  };
  walk(stackDir);
  return sha256(files.join('\n'));
}

export function stackFingerprint(plan: PlanJson, stackDir?: string): StackFingerprint {
  const resources: Record<string, string> = {};
  for (const rc of plan.resource_changes ?? []) {
    const moved = rc.previous_address && rc.previous_address !== rc.address;
    if (rc.change.actions.every((a) => a === 'no-op') && !moved && !rc.change.importing) continue;
    resources[rc.address] = entry(rc.change, { previous_address: rc.previous_address, deposed: rc.deposed });
  }
  const outputs: Record<string, string> = {};
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    if (change.actions.every((a) => a === 'no-op')) continue;
    outputs[name] = entry(change as ChangeLike);
  }
  const code = stackDir ? codeHash(stackDir) : '';
  return { digest: sha256(canonical({ resources, outputs, code })), code, resources, outputs };
}

/** The hidden marker line that carries a fingerprint. */
export function fingerprintMarker(fingerprint: Fingerprint): string {
  const pack = (fp: Fingerprint) => `<!-- ${MARKER} ${gzipSync(JSON.stringify(fp)).toString('base64')} -->`;
  const full = pack(fingerprint);
  if (full.length <= MAX_MARKER_CHARS) return full;
  const digestsOnly = Object.fromEntries(Object.entries(fingerprint.stacks).map(([name, s]) => [name, { digest: s.digest, code: s.code }]));
  return pack({ ...fingerprint, stacks: digestsOnly });
}

/** The fingerprint in a comment body, or undefined when it has none (or one this version cannot read). */
export function readFingerprint(body: string): Fingerprint | undefined {
  const match = new RegExp(`<!-- ${MARKER} ([A-Za-z0-9+/=]+) -->`).exec(body);
  if (!match) return undefined;
  try {
    const value = JSON.parse(gunzipSync(Buffer.from(match[1], 'base64')).toString('utf8')) as Fingerprint;
    return value.version === 1 && value.stacks && typeof value.stacks === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}
