// Host-side veths on the conf dir's bridges. The kernel destroys both ends of a veth when either netns dies, so a
// working attachment's host end always has its peer in another netns (link_netnsid). One whose peer sits in the host
// netns too, or cannot be resolved, is an orphan; only names the bridge plugin makes (veth + 8 hex) are repaired.
import { isRecord } from '../../spec/index.ts';
import { type RunCommand, runChecked } from '../exec.ts';
import type { Judge } from '../judge.ts';
import type { Finding } from '../types.ts';

/** The fields of `ip -j -d link show` the doctor uses. */
export interface LinkInfo {
  readonly ifindex: number;
  readonly ifname: string;
  readonly master: string | undefined;
  readonly kind: string | undefined;
  /** Peer's name when the peer is in the same netns. */
  readonly peerName: string | undefined;
  readonly peerIfindex: number | undefined;
  /** Set when the peer is in another netns (its id as seen from here). */
  readonly peerNsid: number | undefined;
}

/** A veth on a CNI bridge whose peer is in another netns: the host end of an attachment. */
export interface AttachedVeth {
  readonly link: string;
  readonly master: string;
  readonly peerIfindex: number | undefined;
  readonly peerNsid: number;
  /** The peer netns's name under /run/netns, when it has one. */
  readonly peerNetns: string | undefined;
}

/** What the links probe read. */
export interface LinkScan {
  readonly links: readonly LinkInfo[];
  readonly attached: readonly AttachedVeth[];
  readonly nsidNames: ReadonlyMap<number, string>;
}

/** The name pattern of host veths made by the bridge (and ptp) plugin: `veth` + 8 hex digits. */
export const PLUGIN_VETH_RE = /^veth[0-9a-f]{8}$/;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Parses `ip -j -d link show` output; entries it cannot read are skipped. */
export function parseLinks(json: string): LinkInfo[] {
  const data: unknown = JSON.parse(json.trim() === '' ? '[]' : json);
  if (!Array.isArray(data)) throw new Error('ip -j link show did not print a JSON array');
  const out: LinkInfo[] = [];
  for (const l of data) {
    if (!isRecord(l)) continue;
    const ifindex = num(l.ifindex);
    const ifname = str(l.ifname);
    if (ifindex === undefined || ifname === undefined) continue;
    const info = isRecord(l.linkinfo) ? l.linkinfo : undefined;
    out.push({
      ifindex,
      ifname,
      master: str(l.master),
      kind: info === undefined ? undefined : str(info.info_kind),
      peerName: str(l.link),
      peerIfindex: num(l.link_index),
      peerNsid: num(l.link_netnsid),
    });
  }
  return out;
}

/** Parses `ip -j netns list-id`: nsid → name (ids without a name under /run/netns are left out). */
export function parseNsids(json: string): Map<number, string> {
  const data: unknown = JSON.parse(json.trim() === '' ? '[]' : json);
  const out = new Map<number, string>();
  if (!Array.isArray(data)) return out;
  for (const e of data) {
    if (!isRecord(e)) continue;
    const id = num(e.nsid);
    const name = str(e.name);
    if (id !== undefined && name !== undefined) out.set(id, name);
  }
  return out;
}

/** Reads the host netns's links and nsid names. */
export async function readLinks(run: RunCommand, signal?: AbortSignal): Promise<LinkScan> {
  const opts = signal === undefined ? {} : { signal };
  const links = parseLinks(await runChecked(run, 'ip', ['-j', '-d', 'link', 'show'], opts));
  // Older ip(8) lacks list-id: attachments then cannot be traced to a netns name, which only limits discovery.
  const ids = await run('ip', ['-j', 'netns', 'list-id'], opts).catch(() => undefined);
  const nsidNames = ids?.code === 0 ? parseNsids(ids.stdout) : new Map<number, string>();
  const attached: AttachedVeth[] = [];
  for (const l of links) {
    if (l.kind !== 'veth' || l.master === undefined || l.peerNsid === undefined) continue;
    attached.push({
      link: l.ifname,
      master: l.master,
      peerIfindex: l.peerIfindex,
      peerNsid: l.peerNsid,
      peerNetns: nsidNames.get(l.peerNsid),
    });
  }
  return { links, attached, nsidNames };
}

/** Orphan veths on the given bridges. */
export function linkFindings(scan: LinkScan, bridges: ReadonlyMap<string, string>, judge: Judge): Finding[] {
  const out: Finding[] = [];
  const byIndex = new Map(scan.links.map((l) => [l.ifindex, l]));
  for (const l of scan.links) {
    if (l.kind !== 'veth' || l.master === undefined || l.peerNsid !== undefined) continue;
    const network = bridges.get(l.master);
    if (network === undefined) continue;
    let reason: string;
    if (l.peerName !== undefined) reason = `peer ${l.peerName} is in the host netns, not a container's`;
    else if (l.peerIfindex !== undefined && !byIndex.has(l.peerIfindex))
      reason = `peer ifindex ${l.peerIfindex} does not resolve`;
    else if (l.peerIfindex === undefined) reason = 'no peer';
    else reason = `peer ${byIndex.get(l.peerIfindex)?.ifname ?? l.peerIfindex} is in the host netns, not a container's`;
    const ours = PLUGIN_VETH_RE.test(l.ifname);
    out.push({
      kind: 'orphan-veth',
      link: l.ifname,
      ifindex: l.ifindex,
      master: l.master,
      reason,
      network,
      containerId: undefined,
      ifName: undefined,
      ageMs: undefined,
      disposition: !judge.liveness.available ? 'liveness-unavailable' : ours ? 'repair' : 'unknown-owner',
    });
  }
  return out;
}
