// The networks of the conf dir, and what the doctor needs to know of each: the plugin list (for DEL), the bridges
// its veths hang on, its host-local stores and subnets. Names outside this set are another runtime's business.
import {
  configListFromConfig,
  listConfFiles,
  loadConfigListFile,
  loadPluginConfigFile,
  type NetworkConfigList,
} from '../config/index.ts';
import { hostLocalStores } from '../runtime/index.ts';
import { isValidName, parseCidr } from '../spec/index.ts';

/** A subnet a network allocates from (host-local ranges), parsed. */
export interface Subnet {
  readonly text: string;
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** One network of the conf dir. */
export interface KnownNetwork {
  readonly name: string;
  readonly list: NetworkConfigList;
  readonly file: string;
  /** Bridge names of its bridge plugins (`bridge`, default cni0). */
  readonly bridges: readonly string[];
  /** host-local store dirs (`<dataDir>/<name>`). */
  readonly storeDirs: readonly string[];
  readonly subnets: readonly Subnet[];
}

/** The networks of a conf dir, with the files that could not be read. */
export interface NetworkSet {
  readonly networks: readonly KnownNetwork[];
  readonly byName: ReadonlyMap<string, KnownNetwork>;
  readonly errors: readonly string[];
}

function bridgesOf(list: NetworkConfigList): string[] {
  const out: string[] = [];
  for (const p of list.plugins) {
    if (p.network.type !== 'bridge') continue;
    const name = p.network.bridge;
    out.push(typeof name === 'string' && name !== '' ? name : 'cni0');
  }
  return out;
}

function subnetsOf(list: NetworkConfigList, defaultDataDir: string): Subnet[] {
  const out: Subnet[] = [];
  for (const store of hostLocalStores(list, defaultDataDir)) {
    for (const r of store.ranges) {
      const c = parseCidr(r.subnet);
      if (c !== undefined) out.push({ text: r.subnet, family: c.family, bytes: c.bytes, prefix: c.prefix });
    }
  }
  return out;
}

/** The network described by a parsed list and where it came from. */
export function describeNetwork(list: NetworkConfigList, file: string, defaultDataDir: string): KnownNetwork {
  return {
    name: list.name,
    list,
    file,
    bridges: bridgesOf(list),
    storeDirs: hostLocalStores(list, defaultDataDir).map((s) => s.dataDir),
    subnets: subnetsOf(list, defaultDataDir),
  };
}

async function loadFile(file: string): Promise<NetworkConfigList> {
  if (file.endsWith('.conflist')) return loadConfigListFile(file);
  return configListFromConfig(await loadPluginConfigFile(file), file);
}

/**
 * Every network of `confDir` (.conflist, then .conf and .json, each sorted, as libcni searches): the first file
 * naming a network wins. A file that does not parse is reported, not fatal.
 */
export async function loadNetworks(confDir: string, defaultDataDir: string): Promise<NetworkSet> {
  const files = [
    ...(await listConfFiles(confDir, ['.conflist'])),
    ...(await listConfFiles(confDir, ['.conf', '.json'])),
  ];
  const networks: KnownNetwork[] = [];
  const byName = new Map<string, KnownNetwork>();
  const errors: string[] = [];
  for (const file of files) {
    let list: NetworkConfigList;
    try {
      list = await loadFile(file);
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
      continue;
    }
    // A name that cannot be a path (or a file name part) never names anything the doctor could touch.
    if (!isValidName(list.name) || byName.has(list.name)) continue;
    const net = describeNetwork(list, file, defaultDataDir);
    networks.push(net);
    byName.set(net.name, net);
  }
  return { networks, byName, errors };
}

/** True when `bytes` (16-byte form) of `family` lies inside the subnet. */
export function subnetContains(s: Subnet, family: 4 | 6, bytes: Uint8Array): boolean {
  if (s.family !== family) return false;
  let bits = s.prefix + (family === 4 ? 96 : 0);
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((s.bytes[i] ?? 0) & mask) !== ((bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}
