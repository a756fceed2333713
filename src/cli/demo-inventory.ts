// What the demo's attachment consists of, read from the kernel and the disk: the veth, the container's interface,
// the IP reservation, the iptables entries that belong to the container, and the cache entry.
import { readdir } from 'node:fs/promises';
import { reservationsOf } from '../runtime/index.ts';
import { runTool } from './run-tool.ts';

/** One snapshot of the attachment's resources; every list empty means nothing is left. */
export interface Inventory {
  /** Host-side veth names in the host namespace. */
  readonly veths: readonly string[];
  /** The container interface with its addresses, e.g. "eth0 10.123.0.2/24". */
  readonly containerIf: readonly string[];
  /** host-local reservation files (IPs) held by the container. */
  readonly reservations: readonly string[];
  /** iptables-save lines (table-prefixed) that belong to the container. */
  readonly iptables: readonly string[];
  /** Files in the cache's results dir. */
  readonly cacheFiles: readonly string[];
}

/** Where to look. */
export interface InventoryTarget {
  readonly containerNetns: string;
  readonly containerId: string;
  readonly ifName: string;
  /** The container's IPv4 address (no prefix), once known. */
  readonly ip: string | undefined;
  readonly ipamStore: string;
  readonly resultsDir: string;
}

// Per-attachment chains: bridge's masquerade chain CNI-<24 hex> and portmap's CNI-DN-<21 hex> (iptables caps chain
// names at 28 bytes). The shared chains (CNI-FORWARD, CNI-HOSTPORT-*, CNI-ADMIN) stay by design and are not counted.
const OWN_CHAIN = /^CNI-(?:DN-)?[0-9a-f]{16,24}$/;

/**
 * The lines of `iptables-save` output that belong to one container: rules naming its ID (in their comment) or its
 * IP, plus the declarations and rules of the per-attachment chains those rules jump to. Each line is prefixed
 * with its table ("nat: -A ...").
 */
export function containerRules(saveText: string, ip: string | undefined, containerId: string): string[] {
  let table = '';
  const lines: { table: string; line: string }[] = [];
  for (const line of saveText.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith('-A ') || line.startsWith(':')) lines.push({ table, line: line.trim() });
  }
  const mentions = (l: string): boolean =>
    l.includes(`id: \\"${containerId}\\"`) ||
    l.includes(`id: "${containerId}"`) ||
    (ip !== undefined && (l.includes(`${ip}/32`) || l.includes(`${ip}:`) || l.endsWith(` ${ip}`)));
  const seeds = lines.filter((l) => l.line.startsWith('-A ') && mentions(l.line));
  const chains = new Set<string>();
  for (const s of seeds) {
    for (const m of s.line.matchAll(/-[jg] (\S+)/g))
      if (m[1] !== undefined && OWN_CHAIN.test(m[1])) chains.add(`${s.table}\0${m[1]}`);
  }
  const owned = (l: { table: string; line: string }): boolean => {
    const name = l.line.startsWith(':') ? l.line.slice(1).split(' ')[0] : l.line.split(' ')[1];
    return name !== undefined && chains.has(`${l.table}\0${name}`);
  };
  const picked = lines.filter((l) => seeds.includes(l) || owned(l));
  return [...new Set(picked.map((l) => `${l.table}: ${l.line}`))];
}

async function veths(): Promise<string[]> {
  const r = await runTool('ip', ['-j', 'link', 'show', 'type', 'veth']);
  if (r.code !== 0) return [];
  const parsed: unknown = JSON.parse(r.stdout || '[]');
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((l: unknown) => {
    const name: unknown = typeof l === 'object' && l !== null ? Reflect.get(l, 'ifname') : undefined;
    return typeof name === 'string' ? [name] : [];
  });
}

async function containerIf(netns: string, ifName: string): Promise<string[]> {
  const r = await runTool('ip', ['-n', netns, '-j', 'addr', 'show', 'dev', ifName]);
  if (r.code !== 0) return [];
  const parsed: unknown = JSON.parse(r.stdout || '[]');
  if (!Array.isArray(parsed)) return [];
  return parsed.map((link: unknown) => {
    const infos: unknown = typeof link === 'object' && link !== null ? Reflect.get(link, 'addr_info') : undefined;
    const addrs = Array.isArray(infos)
      ? infos.flatMap((a: unknown) => {
          if (typeof a !== 'object' || a === null) return [];
          const local: unknown = Reflect.get(a, 'local');
          const prefix: unknown = Reflect.get(a, 'prefixlen');
          return typeof local === 'string' && Reflect.get(a, 'family') === 'inet' ? [`${local}/${String(prefix)}`] : [];
        })
      : [];
    return [ifName, ...addrs].join(' ');
  });
}

async function cacheFiles(resultsDir: string): Promise<string[]> {
  try {
    return (await readdir(resultsDir)).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

/** Reads every resource of the attachment (run inside the demo's host namespace). */
export async function takeInventory(t: InventoryTarget): Promise<Inventory> {
  const save = await runTool('iptables-save', []);
  return {
    veths: await veths(),
    containerIf: await containerIf(t.containerNetns, t.ifName),
    reservations: await reservationsOf(t.ipamStore, t.containerId, t.ifName),
    iptables: save.code === 0 ? containerRules(save.stdout, t.ip, t.containerId) : [],
    cacheFiles: await cacheFiles(t.resultsDir),
  };
}

/** The count of each resource kind, labelled, in display order. */
export function inventoryCounts(inv: Inventory): [string, number][] {
  return [
    ['host veth', inv.veths.length],
    ['container interface', inv.containerIf.length],
    ['IP reservation (host-local)', inv.reservations.length],
    ['iptables rules and chains', inv.iptables.length],
    ['cache entry', inv.cacheFiles.length],
  ];
}
