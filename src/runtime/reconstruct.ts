// When the cache holds no usable result, DEL rebuilds the part of prevResult that plugins need to find their state.
// Evidence: host-local's reservation files (<dataDir>/<network>/<ip> holding "<containerID>\r\n<ifname>").
// firewall removes its rules only for prevResult's IPs, so without this its rules leak (debian-baseline §4).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NetworkConfigList } from '../config/index.ts';
import {
  cidrContains,
  convertResult,
  type IPConfig100,
  isValidName,
  parseCidr,
  parseIp,
  type Result,
} from '../spec/index.ts';
import type { RuntimeContext } from './context.ts';
import type { RuntimeConf } from './types.ts';

interface RangeInfo {
  readonly subnet: string;
  readonly gateway: string | undefined;
}

/** host-local IPAM sections of a list's plugins: their data dir and configured ranges. */
export function hostLocalStores(
  list: NetworkConfigList,
  defaultDataDir: string,
): { dataDir: string; ranges: RangeInfo[] }[] {
  const stores: { dataDir: string; ranges: RangeInfo[] }[] = [];
  for (const plugin of list.plugins) {
    const ipam = plugin.network.ipam;
    if (ipam === undefined || ipam.type !== 'host-local') continue;
    const dataDir = typeof ipam.dataDir === 'string' && ipam.dataDir !== '' ? ipam.dataDir : defaultDataDir;
    stores.push({ dataDir: join(dataDir, list.name), ranges: rangesOf(ipam) });
  }
  return stores;
}

function rangesOf(ipam: Readonly<Record<string, unknown>>): RangeInfo[] {
  const out: RangeInfo[] = [];
  const add = (r: unknown): void => {
    if (typeof r !== 'object' || r === null) return;
    const o = r as Record<string, unknown>;
    if (typeof o.subnet === 'string')
      out.push({ subnet: o.subnet, gateway: typeof o.gateway === 'string' ? o.gateway : undefined });
  };
  add(ipam);
  if (Array.isArray(ipam.ranges)) for (const set of ipam.ranges) if (Array.isArray(set)) for (const r of set) add(r);
  return out;
}

/** Reservations in one host-local store owned by (containerID, ifname); the store's own files are skipped. */
export async function reservationsOf(storeDir: string, containerId: string, ifName: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(storeDir);
  } catch {
    return [];
  }
  const ips: string[] = [];
  for (const name of names) {
    if (name === 'lock' || name.startsWith('last_reserved_ip') || parseIp(name) === undefined) continue;
    let text: string;
    try {
      text = await readFile(join(storeDir, name), 'utf8');
    } catch {
      continue;
    }
    const [owner, owningIf] = text.split(/\r?\n/).map((s) => s.trim());
    if (owner === containerId && (owningIf === undefined || owningIf === '' || owningIf === ifName)) ips.push(name);
  }
  return ips.sort();
}

/** A minimal prevResult (the attachment's IPs) in the list's version, or undefined when there is no evidence. */
export async function reconstructPrevResult(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  rt: RuntimeConf,
): Promise<Result | undefined> {
  // These names become a directory path; never build one from a name that could climb out of the store.
  if (!isValidName(list.name) || !isValidName(rt.containerId)) return undefined;
  const ips: IPConfig100[] = [];
  for (const store of hostLocalStores(list, ctx.ipamDataDir)) {
    for (const ip of await reservationsOf(store.dataDir, rt.containerId, rt.ifName)) {
      const parsed = parseIp(ip);
      if (parsed === undefined) continue;
      const range = store.ranges.find((r) => {
        const c = parseCidr(r.subnet);
        return c !== undefined && cidrContains(c, parsed);
      });
      const prefix = range === undefined ? (parsed.family === 4 ? 32 : 128) : (parseCidr(range.subnet)?.prefix ?? 32);
      ips.push({ address: `${ip}/${prefix}`, ...(range?.gateway === undefined ? {} : { gateway: range.gateway }) });
    }
  }
  if (ips.length === 0) return undefined;
  try {
    return convertResult({ cniVersion: '1.1.0', ips }, list.cniVersion);
  } catch {
    return undefined;
  }
}
