/**
 * Line diffs of text values (a decoded `user_data` script) and the longest-common-subsequence
 * matching they and the JSON array diff share.
 */
import { gunzipSync } from 'zlib';

/** Pairs of indexes `[i, j]` with `a[i]` equal to `b[j]`, in order, as many as possible. */
export function commonSubsequence<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean = (x, y) => x === y): [number, number][] {
  // Equal heads and tails need no table: a script edit usually touches a few lines in the middle.
  let start = 0;
  while (start < a.length && start < b.length && same(a[start], b[start])) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && same(a[endA - 1], b[endB - 1])) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = same(a[start + i], b[start + j]) ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < start; i++) pairs.push([i, i]);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (same(a[start + i], b[start + j])) pairs.push([start + i++, start + j++]);
    else if (table[i + 1][j] >= table[i][j + 1]) i++;
    else j++;
  }
  for (let k = 0; k < a.length - endA; k++) pairs.push([endA + k, endB + k]);
  return pairs;
}

export interface LineChange {
  readonly op: '+' | '-' | ' ';
  readonly line: number;
  readonly text: string;
}

/**
 * The changed lines of `before` → `after` with `context` unchanged lines around each change; a
 * skipped stretch of unchanged lines is one `…` entry (op ' ', text '…').
 */
export function lineDiff(before: string, after: string, context = 1): LineChange[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const pairs = commonSubsequence(a, b);
  const all: LineChange[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    while (i < pi) all.push({ op: '-', line: i + 1, text: a[i++] });
    while (j < pj) all.push({ op: '+', line: j + 1, text: b[j++] });
    if (pi < a.length) all.push({ op: ' ', line: pj + 1, text: a[pi] });
    i = pi + 1;
    j = pj + 1;
  }
  const near = all.map((c, k) => c.op !== ' ' || all.slice(Math.max(0, k - context), k + context + 1).some((x) => x.op !== ' '));
  const out: LineChange[] = [];
  all.forEach((c, k) => {
    if (near[k]) out.push(c);
    else if (out.length === 0 || out[out.length - 1].text !== '…' || out[out.length - 1].op !== ' ') out.push({ op: ' ', line: c.line, text: '…' });
  });
  return out;
}

/**
 * The text a `user_data` value stands for: base64 decoded (and gunzipped when it is gzip), or the
 * value itself when it is not base64 of UTF-8 text.
 */
export function decodeUserData(value: string): string {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return value;
  let bytes = Buffer.from(compact, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      return value;
    }
  }
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') ? value : text;
}
