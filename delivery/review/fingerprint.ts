/**
 * What a reviewed plan was, compactly: per stack, a digest of its intent (delivery/review/intent.ts:
 * per resource and output what the plan means to do, not what AWS reported when it was made) and
 * of the synthesized code, plus one short hash per changed resource and output and, for updates,
 * the attribute paths they change, so that a later plan can say what differs. No timestamps, no
 * prior values, no sensitive value (not even hashed).
 *
 * It travels in the PR comment as hidden marker data, and in the plan run's review file:
 *   <!-- taskmanager-plan-fingerprint:v2 <base64 of gzipped JSON> -->
 * The version is the digest's format: a fingerprint of another version is recognised as such
 * (`OutdatedFingerprint`), never compared as if it were this one.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import type { Change, PlanJson } from '../plan/model';
import { canonical, outputIntent, resourceIntent } from './intent';

/** v1 hashed each change's whole before and after; v2 hashes its intent. */
export const FINGERPRINT_VERSION = 2;

export interface StackFingerprint {
  /** sha256 over the intents and the code: equal digests mean the same plan. */
  readonly digest: string;
  /** sha256 of the synthesized stack (`*.tf.json` and `assets/`), or "" when it was not given. */
  readonly code: string;
  /** `<actions>:<hash of the intent>` per resource instance that changes, e.g. `update:1f2e...`; absent when the plan was too big to list. */
  readonly resources?: Readonly<Record<string, string>>;
  readonly outputs?: Readonly<Record<string, string>>;
  /** The attribute paths each update or replacement changes (values are in the hash only). */
  readonly paths?: Readonly<Record<string, readonly string[]>>;
}

export interface Fingerprint {
  readonly version: typeof FINGERPRINT_VERSION;
  /** The pull request's head commit that was planned, and its base. */
  readonly head?: string;
  readonly base?: string;
  /** Per stack; a stack whose plan failed is absent. */
  readonly stacks: Readonly<Record<string, StackFingerprint>>;
}

/** A fingerprint in a format this version does not compare (an older comment's, or a newer one's). */
export interface OutdatedFingerprint {
  readonly version: number;
  readonly outdated: true;
  readonly head?: string;
  readonly base?: string;
}

const MARKER = /<!-- taskmanager-plan-fingerprint:v(\d+) ([A-Za-z0-9+/=]+) -->/;
/** Above this, the marker keeps the digests only. */
const MAX_MARKER_CHARS = 20_000;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function entry(intent: { actions: string }): string {
  return `${intent.actions}:${sha256(canonical(intent)).slice(0, 16)}`;
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
  const intents: Record<string, unknown> = {};
  const resources: Record<string, string> = {};
  const paths: Record<string, string[]> = {};
  for (const rc of plan.resource_changes ?? []) {
    const intent = resourceIntent(rc);
    if (!intent) continue;
    intents[rc.address] = intent;
    resources[rc.address] = entry(intent);
    if (intent.actions !== 'create' && Object.keys(intent.values).length) paths[rc.address] = Object.keys(intent.values);
  }
  const outputs: Record<string, string> = {};
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    const intent = outputIntent(change as Change);
    if (!intent) continue;
    intents[`output.${name}`] = intent;
    outputs[name] = entry(intent);
  }
  const code = stackDir ? codeHash(stackDir) : '';
  return { digest: sha256(canonical({ version: FINGERPRINT_VERSION, intents, code })), code, resources, outputs, paths };
}

/** The hidden marker line that carries a fingerprint. */
export function fingerprintMarker(fingerprint: Fingerprint): string {
  const pack = (fp: Fingerprint) => `<!-- taskmanager-plan-fingerprint:v${fp.version} ${gzipSync(JSON.stringify(fp)).toString('base64')} -->`;
  const full = pack(fingerprint);
  if (full.length <= MAX_MARKER_CHARS) return full;
  const digestsOnly = Object.fromEntries(Object.entries(fingerprint.stacks).map(([name, s]) => [name, { digest: s.digest, code: s.code }]));
  return pack({ ...fingerprint, stacks: digestsOnly });
}

const sha = (value: unknown) => (typeof value === 'string' && /^[0-9a-f]{40}$/.test(value) ? value : undefined);

/**
 * A fingerprint from its JSON (the marker's, or a review file's): this version's, an outdated one
 * for another version, or undefined when it is not a fingerprint at all.
 */
export function parseFingerprint(value: unknown): Fingerprint | OutdatedFingerprint | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { version, head, base, stacks } = value as Record<string, unknown>;
  if (typeof version !== 'number' || !Number.isInteger(version)) return undefined;
  if (version !== FINGERPRINT_VERSION) return { version, outdated: true, head: sha(head), base: sha(base) };
  return stacks && typeof stacks === 'object' ? (value as Fingerprint) : undefined;
}

/** The fingerprint in a comment body, or undefined when it has none that can be read. */
export function readFingerprint(body: string): Fingerprint | OutdatedFingerprint | undefined {
  const match = MARKER.exec(body);
  if (!match) return undefined;
  try {
    const fingerprint = parseFingerprint(JSON.parse(gunzipSync(Buffer.from(match[2], 'base64')).toString('utf8')));
    return fingerprint && fingerprint.version === Number(match[1]) ? fingerprint : undefined;
  } catch {
    return undefined;
  }
}

export function isOutdated(fingerprint: Fingerprint | OutdatedFingerprint): fingerprint is OutdatedFingerprint {
  return 'outdated' in fingerprint;
}
