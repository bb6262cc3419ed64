import type { ConfigProblem } from '../../api/contract/config-error';
import { isBucketName, isEmail, isRegion, parseCidr } from '../../api/contract/validators';
import { didYouMean } from './suggest';

/** Field checks that record a problem naming the field and return the value typed (or a harmless stand-in). */
export class Checker {
  constructor(private readonly problems: ConfigProblem[]) {}

  fail(field: string, message: string): void {
    this.problems.push({ field, problem: message });
  }

  string(field: string, value: unknown): string {
    if (typeof value === 'string' && value.length > 0) return value;
    this.fail(field, value === undefined || value === '' ? 'is required' : `must be a string, got ${JSON.stringify(value)}`);
    return '';
  }

  pattern(field: string, value: unknown, re: RegExp, what: string): string {
    return this.satisfies(field, value, (s) => re.test(s), what);
  }

  satisfies(field: string, value: unknown, test: (value: string) => boolean, what: string): string {
    const s = this.string(field, value);
    if (s && !test(s)) this.fail(field, `"${s}" is not ${what}`);
    return s;
  }

  name(field: string, value: unknown): string {
    return this.pattern(field, value, /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'a lower-case name of 3-32 letters, digits and hyphens');
  }

  region(field: string, value: unknown): string {
    return this.satisfies(field, value, isRegion, 'an AWS region like us-east-1');
  }

  bucketName(field: string, value: unknown): string {
    return this.satisfies(field, value, isBucketName, 'a valid S3 bucket name');
  }

  keyPrefix(field: string, value: unknown): string {
    return this.pattern(field, value, /^[A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9]$/, 'an S3 key prefix without leading or trailing slash');
  }

  githubRepository(field: string, value: unknown): string {
    return this.pattern(field, value, /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'a GitHub repository as owner/name');
  }

  /** IAM roles or users (`arn:aws:iam::123456789012:role/name`), e.g. principals of a key policy. */
  iamPrincipalArns(field: string, value: unknown): string[] {
    if (!Array.isArray(value)) {
      this.fail(field, `must be a list of IAM role or user ARNs, got ${JSON.stringify(value)}`);
      return [];
    }
    return value.map((arn, i) => this.pattern(`${field}[${i}]`, arn, /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'an IAM role or user ARN'));
  }

  email(field: string, value: unknown): string {
    return this.satisfies(field, value, isEmail, 'an e-mail address');
  }

  cidr(field: string, value: unknown): string {
    const s = this.string(field, value);
    if (s && !parseCidr(s)) this.fail(field, `"${s}" is not an IPv4 CIDR block like 10.0.0.0/16 (network address, prefix 16-28)`);
    return s;
  }

  boolean(field: string, value: unknown): boolean {
    if (typeof value === 'boolean') return value;
    this.fail(field, `must be true or false, got ${JSON.stringify(value)}`);
    return false;
  }

  integer(field: string, value: unknown, min: number, max: number): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    this.fail(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return min;
  }

  oneOf(field: string, value: unknown, allowed: readonly number[]): number {
    if (typeof value === 'number' && allowed.includes(value)) return value;
    this.fail(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return allowed[0];
  }

  list(field: string, value: unknown, length: number): string[] {
    if (Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string')) return value;
    this.fail(field, `must be a list of ${length} strings, got ${JSON.stringify(value)}`);
    return Array.isArray(value) ? value.map(String) : [];
  }

  /** A list of strings, each matching `re` (`what` describes one: `an EC2 instance type like t3.micro`). */
  stringList(field: string, value: unknown, re: RegExp, what: string): string[] {
    if (!Array.isArray(value)) {
      this.fail(field, `must be a list, each ${what}, got ${JSON.stringify(value)}`);
      return [];
    }
    return value.map((item, i) => this.pattern(`${field}[${i}]`, item, re, what));
  }

  /** A calendar date `YYYY-MM-DD` that exists. */
  date(field: string, value: unknown): string {
    const exists = (s: string) => {
      const day = new Date(`${s}T00:00:00Z`);
      return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(day.getTime()) && day.toISOString().startsWith(s);
    };
    return this.satisfies(field, value, exists, 'a date like 2027-01-31');
  }

  tags(field: string, value: Record<string, unknown>): Record<string, string> {
    for (const [key, tag] of Object.entries(value)) {
      if (typeof tag !== 'string') this.fail(`${field}.${key}`, 'must be a string');
    }
    return value as Record<string, string>;
  }

  onlyKeys(field: string, value: object, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(`${field}.${key}`, `unknown setting (known: ${known.join(', ')})${didYouMean(key, known)}`);
    }
  }
}

export function objectAt(check: Checker, at: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) {
    check.fail(at, 'must be an object');
    return {};
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
