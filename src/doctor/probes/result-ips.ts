// The bare IP addresses a cached result assigns, whatever its version family.
import type { Result } from '../../spec/index.ts';

function bare(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

/** Addresses of a result without their prefix length (0.1/0.2: ip4/ip6; later: ips[].address). */
export function resultIps(result: Result): string[] {
  if ('ips' in result && result.ips !== undefined) return result.ips.map((ip) => bare(ip.address));
  const out: string[] = [];
  if ('ip4' in result && result.ip4 !== undefined) out.push(bare(result.ip4.ip));
  if ('ip6' in result && result.ip6 !== undefined) out.push(bare(result.ip6.ip));
  return out;
}
