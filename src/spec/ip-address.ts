// IP and CIDR syntax as Go's net package accepts it (no zones, no leading zeros in IPv4 octets), so a result
// upstream would reject is rejected here too, and the address family is known for version conversion.

/** What an address or CIDR parses to: its 16-byte form and whether Go's To4() sees it as IPv4. */
export interface ParsedIp {
  readonly bytes: Uint8Array;
  readonly family: 4 | 6;
}

const isHexDigit = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** Four decimal octets, no leading zeros, each <= 255; one pass over the characters (results hold many). */
function parseIPv4(s: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  let part = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i === s.length ? 0x2e : s.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || part > 3) return undefined;
      out[part++] = value;
      digits = 0;
      value = 0;
      continue;
    }
    if (c < 0x30 || c > 0x39) return undefined;
    // A leading zero is allowed only as the whole octet.
    if (digits === 1 && value === 0) return undefined;
    value = value * 10 + (c - 0x30);
    if (++digits > 3 || value > 255) return undefined;
  }
  return part === 4 ? out : undefined;
}

function parseIPv6(s: string): Uint8Array | undefined {
  const bytes = new Uint8Array(16);
  let ellipsis = -1;
  let i = 0;
  let pos = 0;
  if (s.startsWith('::')) {
    ellipsis = 0;
    pos = 2;
    if (pos === s.length) return bytes;
  }
  while (i < 16) {
    let j = pos;
    while (j < s.length && isHexDigit(s.charCodeAt(j))) j++;
    const digits = j - pos;
    if (digits === 0) return undefined;
    if (s[j] === '.') {
      // An embedded IPv4 address must fill the last four bytes.
      if ((ellipsis < 0 && i !== 12) || i + 4 > 16) return undefined;
      const v4 = parseIPv4(s.slice(pos));
      if (v4 === undefined) return undefined;
      bytes.set(v4, i);
      i += 4;
      pos = s.length;
      break;
    }
    if (digits > 4) return undefined;
    const v = Number.parseInt(s.slice(pos, j), 16);
    bytes[i] = v >> 8;
    bytes[i + 1] = v & 0xff;
    i += 2;
    pos = j;
    if (pos === s.length) break;
    if (s[pos] !== ':') return undefined;
    pos++;
    if (s[pos] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      pos++;
      if (pos === s.length) break;
    } else if (pos === s.length) {
      return undefined;
    }
  }
  if (pos !== s.length) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const tail = bytes.slice(ellipsis, i);
    bytes.fill(0, ellipsis);
    bytes.set(tail, 16 - tail.length);
  } else if (ellipsis >= 0) {
    return undefined;
  }
  return bytes;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let k = 0; k < 10; k++) if (b[k] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Parses an IPv4 or IPv6 address (Go's net.ParseIP rules); undefined when it is not one. */
export function parseIp(s: string): ParsedIp | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) {
    const bytes = new Uint8Array(16);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    bytes.set(v4, 12);
    return { bytes, family: 4 };
  }
  if (!s.includes(':')) return undefined;
  const v6 = parseIPv6(s);
  if (v6 === undefined) return undefined;
  return { bytes: v6, family: isV4Mapped(v6) ? 4 : 6 };
}

/** Parses "address/prefix" (Go's net.ParseCIDR rules, host bits kept); undefined when malformed. */
export function parseCidr(s: string): (ParsedIp & { readonly prefix: number }) | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  // Go reads the prefix with dtoi: decimal digits only, leading zeros allowed.
  if (len.length === 0) return undefined;
  for (let i = 0; i < len.length; i++) {
    const c = len.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  const ip = parseIp(addr);
  if (ip === undefined) return undefined;
  const bits = addr.includes(':') ? 128 : 32;
  const prefix = Number(len);
  if (prefix > bits) return undefined;
  return { ...ip, prefix };
}

/** The family Go's To4() assigns to an address or CIDR string: '4' for IPv4 and IPv4-mapped IPv6, else '6'. */
export function ipFamilyOf(addressOrCidr: string): '4' | '6' {
  const slash = addressOrCidr.indexOf('/');
  const ip = parseIp(slash < 0 ? addressOrCidr : addressOrCidr.slice(0, slash));
  if (ip !== undefined) return ip.family === 4 ? '4' : '6';
  return addressOrCidr.includes(':') ? '6' : '4';
}

/** True when `ip` lies inside `cidr` (same family, first `prefix` bits equal). */
export function cidrContains(cidr: ParsedIp & { readonly prefix: number }, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  // Both are held in 16-byte form; an IPv4 prefix counts from the mapped part at byte 12.
  let bits = cidr.family === 4 ? cidr.prefix + 96 : cidr.prefix;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((cidr.bytes[i] ?? 0) & mask) !== ((ip.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}
