/**
 * The settings file is committed and reviewed like code, so it must never hold a secret. Values
 * shaped like one are refused, naming the field and the kind of secret, never quoting the value
 * (the error lands in CI logs). Account ids, ARNs, the repository, e-mail addresses and bucket
 * names are settings, not secrets, and pass.
 */
import type { Checker } from './checker';

interface SecretShape {
  readonly what: string;
  readonly test: (value: string) => boolean;
}

/** An AWS access key id: long-lived (AKIA) or temporary (ASIA). */
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/;
/** An AWS secret access key: 40 characters of base64, standing alone. */
const SECRET_ACCESS_KEY = /^[A-Za-z0-9/+]{40}$/;

const SHAPES: readonly SecretShape[] = [
  { what: 'an AWS access key id (AKIA…/ASIA…)', test: (v) => ACCESS_KEY_ID.test(v) },
  { what: 'a private key block (-----BEGIN … PRIVATE KEY-----)', test: (v) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(v) },
  { what: 'a GitHub token (ghp_/gho_/ghu_/ghs_/ghr_/github_pat_)', test: (v) => /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})\b/.test(v) },
  { what: 'a URL with a password in it (scheme://user:password@host)', test: (v) => /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(v) },
  { what: 'a Slack token (xox…)', test: (v) => /\bxox[abposr]-[A-Za-z0-9-]{10,}/.test(v) },
];

function walk(value: unknown, field: string, visit: (field: string, value: string) => void): void {
  if (typeof value === 'string') visit(field, value);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`, visit));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, field ? `${field}.${k}` : k, visit);
}

/**
 * Records a problem for every value of `settings` shaped like a secret. A 40-character base64
 * value counts as an AWS secret key when the same settings hold an access key id, or when its
 * field is named like a secret: on its own it may be a commit SHA or a digest.
 */
export function refuseSecrets(settings: unknown, check: Checker): void {
  const strings: [string, string][] = [];
  walk(settings, '', (field, value) => strings.push([field, value]));
  const hasAccessKey = strings.some(([, v]) => ACCESS_KEY_ID.test(v));
  for (const [field, value] of strings) {
    const shape = SHAPES.find((s) => s.test(value));
    const secretKey = SECRET_ACCESS_KEY.test(value) && (hasAccessKey || /secret|password|token|credential/i.test(field));
    if (!shape && !secretKey) continue;
    check.fail(field, `looks like ${shape?.what ?? 'an AWS secret access key (40 characters next to an access key id)'}: the settings are committed and reviewed like code, so secrets do not belong here (keep them in AWS Secrets Manager or GitHub secrets, and rotate this one if it is real)`);
  }
}
