/**
 * Shape checks shared by every configuration reader (the stacks' typed config, the API, the
 * worker), so a value one accepts the others accept too. Each returns whether the value fits;
 * the caller names the field in its ConfigError.
 */

/** An AWS region id: `us-east-1`, `eu-north-1`, `us-gov-west-1`. */
export function isRegion(value: string): boolean {
  return /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(value);
}

/** An S3 bucket name by the general-purpose naming rules (3-63 characters, no `..`, no `xn--`). */
export function isBucketName(value: string): boolean {
  return /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value);
}

/** An e-mail address as far as SNS and Cognito care: something@domain.tld, no spaces. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/** An `http:` or `https:` URL (`protocols` narrows it). */
export function isHttpUrl(value: string, protocols: readonly string[] = ['http:', 'https:']): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** [network address as a 32-bit number, prefix length], or undefined when not a network CIDR with prefix 16-28. */
export function parseCidr(cidr: string): [number, number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 28) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) return undefined;
  return [address, prefix];
}
