// Everything per-container that exists in a test's host netns and on disk, read from the kernel (`ip -j`,
// `iptables-save`) and the file system, never from cnikit's own answers. A test asserts `count === 0` after DEL.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dnatChain, masqChain, SHARED_CHAINS } from './chain-names.ts';
import type { ContainerNetns, HostNetns } from './netns.ts';
import { run } from './run.ts';

/** Which attachment to look for. Without `cid`/`ip`, every per-container resource in the host netns counts. */
export interface InventoryQuery {
  /** Network name (the host-local store is `<dataDir>/<net>`, cache files start with `<net>-`). */
  readonly net: string;
  readonly cid?: string | undefined;
  /** The container's IPv4 address (no prefix); firewall and masq rules name it as `<ip>/32`. */
  readonly ip?: string | undefined;
  /** host-local's dataDir (the store is `<dataDir>/<net>`). */
  readonly dataDir: string;
  readonly cacheDir: string;
  /** tuning's dataDir, if the chain has one. */
  readonly tuningDir?: string | undefined;
  /** The container netns, to list its interfaces (absent or deleted: nothing to list). */
  readonly ctr?: ContainerNetns | undefined;
}

/** What exists now; `count` is the number of leftover resources (0 after a clean DEL). */
export interface Inventory {
  /** Every veth in the host netns ("name master=<bridge>"); the host netns is the test's own. */
  readonly hostVeths: readonly string[];
  /** Interfaces other than lo inside the container netns ("eth0 10.222.0.5/24"). */
  readonly containerLinks: readonly string[];
  /** host-local reservation files owned by the container (or every reservation without `cid`). */
  readonly ipamFiles: readonly string[];
  /** Per-container iptables/ip6tables lines: chain definitions, rules in or jumping to them, comments naming the
   *  container, and rules naming its /32 (or any /32 in CNI-FORWARD without `ip`). */
  readonly iptables: readonly string[];
  /** Entries in `<cacheDir>/results` for the attachment (every file without `cid`), including our temp files. */
  readonly cacheFiles: readonly string[];
  /** Files moved to `<cacheDir>/quarantine` (their `.reason` notes aside): evidence kept on purpose, reported but
   *  not counted as a leak. */
  readonly quarantined: readonly string[];
  /** tuning's saved state for the container. */
  readonly tuningFiles: readonly string[];
  readonly count: number;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function hostVeths(host: HostNetns): Promise<string[]> {
  const links = await host.ipJson(['link', 'show', 'type', 'veth']);
  if (!Array.isArray(links)) return [];
  return links.filter(isRecord).map((l) => `${String(l.ifname)} master=${String(l.master ?? '-')}`);
}

async function containerLinks(ctr: ContainerNetns | undefined): Promise<string[]> {
  if (ctr === undefined) return [];
  const r = await run('ip', ['-n', ctr.name, '-j', 'addr', 'show']);
  if (r.code !== 0) return []; // the netns is gone (a simulated reboot): nothing can be left inside it
  const links: unknown = JSON.parse(r.stdout || '[]');
  if (!Array.isArray(links)) return [];
  const out: string[] = [];
  for (const l of links.filter(isRecord)) {
    if (l.ifname === 'lo') continue;
    const addrs = Array.isArray(l.addr_info)
      ? l.addr_info.filter(isRecord).map((a) => `${String(a.local)}/${String(a.prefixlen)}`)
      : [];
    out.push(`${String(l.ifname)} ${addrs.join(' ')}`.trim());
  }
  return out;
}

async function ipamFiles(q: InventoryQuery): Promise<string[]> {
  const store = join(q.dataDir, q.net);
  const out: string[] = [];
  for (const name of await listDir(store)) {
    if (name === 'lock' || name.startsWith('last_reserved_ip')) continue;
    const text = await readFile(join(store, name), 'utf8').catch(() => '');
    const owner = text.split(/\r?\n/)[0]?.trim() ?? '';
    if (q.cid === undefined || owner === q.cid || name === q.ip) out.push(`${name} (${owner})`);
  }
  return out;
}

/** Per-container iptables lines in the host netns, IPv4 and IPv6, nat and filter tables. */
async function iptablesLines(host: HostNetns, q: InventoryQuery): Promise<string[]> {
  const mine = q.cid === undefined ? undefined : new Set([masqChain(q.net, q.cid), dnatChain(q.net, q.cid)]);
  const isOwnChain = (c: string): boolean =>
    c.startsWith('CNI-') && !SHARED_CHAINS.has(c) && (mine === undefined || mine.has(c));
  const out: string[] = [];
  for (const tool of ['iptables-save', 'ip6tables-save']) {
    const r = await host.exec(tool, []);
    if (r.code !== 0) continue; // no ip6tables in this netns is not a leak
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith(':')) {
        const chain = line.slice(1).split(' ')[0] ?? '';
        if (isOwnChain(chain)) out.push(`${tool}: ${line}`);
        continue;
      }
      if (!line.startsWith('-A ')) continue;
      const words = line.split(' ');
      const inChain = words[1] ?? '';
      const jump = words[words.indexOf('-j') + 1] ?? '';
      const namesCid = q.cid === undefined ? / id: \\"/.test(line) : line.includes(`id: \\"${q.cid}\\"`);
      const namesIp =
        q.ip === undefined
          ? inChain === 'CNI-FORWARD' && /\/(32|128) /.test(line)
          : line.includes(` ${q.ip}/32 `) || line.includes(`${q.ip}:`);
      if (isOwnChain(inChain) || isOwnChain(jump) || namesCid || namesIp) out.push(`${tool}: ${line}`);
    }
  }
  return out;
}

async function cacheFiles(q: InventoryQuery): Promise<string[]> {
  const names = await listDir(join(q.cacheDir, 'results'));
  if (q.cid === undefined) return names;
  return names.filter((n) => n.startsWith(`${q.net}-${q.cid}-`) || n.startsWith('.cnikit-tmp-'));
}

async function tuningFiles(q: InventoryQuery): Promise<string[]> {
  if (q.tuningDir === undefined) return [];
  const names = await listDir(q.tuningDir);
  return q.cid === undefined ? names : names.filter((n) => n.includes(q.cid ?? ''));
}

/** Reads what exists for an attachment (or for every attachment) right now. */
export async function inventory(host: HostNetns, q: InventoryQuery): Promise<Inventory> {
  const [veths, links, ipam, ipt, cache, quarantined, tuning] = await Promise.all([
    hostVeths(host),
    containerLinks(q.ctr),
    ipamFiles(q),
    iptablesLines(host, q),
    cacheFiles(q),
    listDir(join(q.cacheDir, 'quarantine')).then((names) => names.filter((n) => !n.endsWith('.reason'))),
    tuningFiles(q),
  ]);
  const count = veths.length + links.length + ipam.length + ipt.length + cache.length + tuning.length;
  return {
    hostVeths: veths,
    containerLinks: links,
    ipamFiles: ipam,
    iptables: ipt,
    cacheFiles: cache,
    quarantined,
    tuningFiles: tuning,
    count,
  };
}

/** A readable dump of the non-empty parts of an inventory, for assertion messages and printed contrasts. */
export function describeInventory(inv: Inventory): string {
  const parts: string[] = [`${inv.count} leftover resource(s)`];
  const section = (title: string, items: readonly string[]): void => {
    if (items.length > 0) parts.push(`  ${title} (${items.length}):\n${items.map((i) => `    ${i}`).join('\n')}`);
  };
  section('host veths', inv.hostVeths);
  section('container links', inv.containerLinks);
  section('host-local reservations', inv.ipamFiles);
  section('iptables', inv.iptables);
  section('cache files', inv.cacheFiles);
  section('tuning files', inv.tuningFiles);
  section('quarantined (kept on purpose, not counted)', inv.quarantined);
  return parts.join('\n');
}
