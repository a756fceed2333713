// Just enough address arithmetic to place a host-local reservation inside its configured subnet.

export interface Cidr {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

/** Parses an IPv4 or IPv6 address into its family and value, or undefined. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    let v = 0n;
    for (const p of text.split('.')) {
      const n = Number(p);
      if (n > 255) return undefined;
      v = (v << 8n) | BigInt(n);
    }
    return { family: 4, value: v };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (g.length === 0 || g.length > 4) return undefined;
    v = (v << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return { family: 6, value: v };
}

/** Parses `addr/prefix`, or undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, extra] = text.split('/');
  if (addr === undefined || len === undefined || extra !== undefined || !/^\d{1,3}$/.test(len)) return undefined;
  const ip = parseIp(addr);
  const prefix = Number(len);
  if (ip === undefined || prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  return { family: ip.family, base: ip.value, prefix };
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: Cidr, ip: { family: 4 | 6; value: bigint }): boolean {
  if (cidr.family !== ip.family) return false;
  const bits = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return cidr.base >> bits === ip.value >> bits;
}
