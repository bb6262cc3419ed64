/** IPv4 CIDR arithmetic for the network checks: containment and overlap of blocks. */
import { parseCidr } from '../../api/contract/validators';

function range(cidr: string): [number, number] {
  const [address, prefix] = parseCidr(cidr)!;
  return [address, address + 2 ** (32 - prefix) - 1];
}

export function cidrContains(outer: string, inner: string): boolean {
  const [a, b] = range(outer);
  const [c, d] = range(inner);
  return a <= c && d <= b;
}

export function cidrsOverlap(x: string, y: string): boolean {
  const [a, b] = range(x);
  const [c, d] = range(y);
  return a <= d && c <= b;
}
