// When a dead attachment's cache entry is unreadable its netns is unknown, yet its kernel state may be alive: a
// veth on the network's bridge whose peer (ifName, holding the IP host-local reserved for that container) sits in a
// named netns. Finding that netns lets DEL remove the interface and the bridge plugin tear down its masquerade chain.
import { join } from 'node:path';
import { isRecord } from '../../spec/index.ts';
import { attachmentKey } from '../attachment-key.ts';
import type { RunCommand } from '../exec.ts';
import { ipKey } from '../liveness.ts';
import type { KnownNetwork, NetworkSet } from '../networks.ts';
import type { Finding } from '../types.ts';
import type { IpamScan, Reservation } from './ipam.ts';
import type { LinkScan } from './links.ts';
import { DEFAULT_NETNS_DIR } from './netns.ts';

/** An interface inside a netns, with its addresses. */
interface NsInterface {
  readonly ifindex: number;
  readonly ifname: string;
  readonly ips: readonly string[];
}

/** Parses `ip -j addr show`. */
export function parseAddrs(json: string): NsInterface[] {
  const data: unknown = JSON.parse(json.trim() === '' ? '[]' : json);
  if (!Array.isArray(data)) return [];
  const out: NsInterface[] = [];
  for (const l of data) {
    if (!isRecord(l) || typeof l.ifindex !== 'number' || typeof l.ifname !== 'string') continue;
    const ips: string[] = [];
    if (Array.isArray(l.addr_info))
      for (const a of l.addr_info) if (isRecord(a) && typeof a.local === 'string') ips.push(a.local);
    out.push({ ifindex: l.ifindex, ifname: l.ifname, ips });
  }
  return out;
}

/** Finds netns of dead attachments by their reserved IPs; memoises each netns's addresses across calls. */
export class NetnsFinder {
  readonly #run: RunCommand;
  readonly #links: LinkScan;
  readonly #addrs = new Map<string, Promise<NsInterface[]>>();

  /** Uses the links probe's view of the host netns. */
  constructor(run: RunCommand, links: LinkScan) {
    this.#run = run;
    this.#links = links;
  }

  #addrsOf(name: string): Promise<NsInterface[]> {
    let p = this.#addrs.get(name);
    if (p === undefined) {
      p = this.#run('ip', ['-n', name, '-j', 'addr', 'show']).then(
        (r) => (r.code === 0 ? parseAddrs(r.stdout) : []),
        () => [],
      );
      this.#addrs.set(name, p);
    }
    return p;
  }

  /** The netns path whose `ifName` (the peer of a veth on the network's bridge) holds one of `ips`, if exactly one does. */
  async find(net: KnownNetwork, ifName: string, ips: readonly string[]): Promise<string | undefined> {
    const want = new Set(ips.map(ipKey).filter((k): k is string => k !== undefined));
    if (want.size === 0) return undefined;
    const found = new Set<string>();
    for (const v of this.#links.attached) {
      if (!net.bridges.includes(v.master) || v.peerNetns === undefined) continue;
      const ifs = await this.#addrsOf(v.peerNetns);
      const match = ifs.some(
        (i) =>
          i.ifname === ifName &&
          (v.peerIfindex === undefined || i.ifindex === v.peerIfindex) &&
          i.ips.some((ip) => want.has(ipKey(ip) ?? '')),
      );
      if (match) found.add(v.peerNetns);
    }
    // Two netns claiming the same reserved IP on the same bridge is not a situation to act on.
    if (found.size !== 1) return undefined;
    const [name] = found;
    return name === undefined ? undefined : join(DEFAULT_NETNS_DIR, name);
  }
}

/** Netns of dead attachments whose cache cannot say (empty, corrupt, or no entry at all). */
export async function discoverHints(
  findings: readonly Finding[],
  networks: NetworkSet,
  ipam: IpamScan,
  finder: NetnsFinder,
): Promise<Map<string, string>> {
  const hints = new Map<string, string>();
  const byOwner = new Map<string, Reservation[]>();
  for (const r of ipam.reservations) {
    if (r.containerId === undefined) continue;
    const k = `${r.network}\0${r.containerId}`;
    byOwner.set(k, [...(byOwner.get(k) ?? []), r]);
  }
  for (const f of findings) {
    if (f.disposition !== 'repair') continue;
    if (f.kind !== 'cache-empty' && f.kind !== 'cache-corrupt' && f.kind !== 'ipam-leak') continue;
    const { network, containerId, ifName } = f;
    if (network === undefined || containerId === undefined || ifName === undefined) continue;
    const key = attachmentKey(network, containerId, ifName);
    const net = networks.byName.get(network);
    if (net === undefined || hints.has(key)) continue;
    const ips = (byOwner.get(`${network}\0${containerId}`) ?? [])
      .filter((r) => r.ifName === undefined || r.ifName === ifName)
      .map((r) => r.ip);
    const found = await finder.find(net, ifName, ips);
    if (found !== undefined) hints.set(key, found);
  }
  return hints;
}
