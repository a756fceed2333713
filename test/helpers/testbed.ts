// One network ready to use inside a host netns: its conf file, the loaded list, a runtime whose plugins run in the
// host netns, and the inventory query for an attachment. Every path is under the host's temp dir.
import { join } from 'node:path';
import { loadConfigListFile, type NetworkConfigList } from '../../src/config/index.ts';
import { CNI, type RuntimeConf } from '../../src/runtime/index.ts';
import type { JsonObject } from '../../src/spec/index.ts';
import type { ToolEnv } from './cli.ts';
import type { DriverJob } from './cnikit-driver.ts';
import {
  CAPABILITY_ARGS,
  type ChainOptions,
  ipamDataDir,
  realisticChain,
  tuningDataDir,
  writeConflist,
} from './confs.ts';
import { hostExec } from './host-exec.ts';
import { type Inventory, inventory } from './inventory.ts';
import { type KillableRun, spawnKillable } from './kill-tree.ts';
import { type ContainerNetns, type HostNetns, REFERENCE_PLUGIN_DIR } from './netns.ts';
import { PLUGINS_BIN } from './paths.ts';

/** A network set up for a test. */
export interface Testbed {
  readonly host: HostNetns;
  readonly name: string;
  readonly conf: JsonObject;
  readonly confDir: string;
  readonly confFile: string;
  readonly list: NetworkConfigList;
  readonly cacheDir: string;
  /** host-local's dataDir (reservations in `<ipamDir>/<name>`). */
  readonly ipamDir: string;
  readonly tuningDir: string;
  /** The plugin search path: the reference plugins, then cnikit's own. */
  readonly path: readonly string[];
  /** A runtime whose plugins run inside the host netns. */
  readonly cni: CNI;
  /** The runtime conf of an attachment (ifName eth0, the realistic port mapping). */
  rt(containerId: string, ctr: ContainerNetns): RuntimeConf;
  /** What exists for one attachment (or, without `cid`, for every attachment of the network). */
  inventory(q?: {
    readonly cid?: string | undefined;
    readonly ip?: string | undefined;
    readonly ctr?: ContainerNetns | undefined;
  }): Promise<Inventory>;
  /** cnitool's environment for the CLI or the Go tool (CNI_PATH: the real dirs; the tool runs in the netns). */
  toolEnv(containerId: string): ToolEnv;
  /** The cache file of an attachment (ifName eth0). */
  cacheFile(containerId: string): string;
  /** A job for the bundled driver (cnikit-driver.ts), run inside the host netns with the real plugin path. */
  driverJob(op: DriverJob['op'], containerId: string, ctr: ContainerNetns): DriverJob;
  /** `cnikit doctor`'s flags for this network: conf dir, cache dir, plugin path, an unused default IPAM dir. */
  doctorArgs(): string[];
}

/** Writes the chain's conflist under the host's temp dir and builds a runtime for it (`opts.dataRoot` is set). */
export async function makeTestbed(
  host: HostNetns,
  opts: Omit<ChainOptions, 'dataRoot'> & { readonly build?: (o: ChainOptions) => JsonObject } = {},
): Promise<Testbed> {
  const dataRoot = host.dir;
  const conf = (opts.build ?? realisticChain)({ ...opts, dataRoot });
  const name = typeof conf.name === 'string' ? conf.name : 'cnikit-it';
  const confDir = join(host.dir, 'conf');
  const confFile = await writeConflist(confDir, conf);
  const list = await loadConfigListFile(confFile);
  const cacheDir = join(host.dir, 'cache');
  const path = [REFERENCE_PLUGIN_DIR, PLUGINS_BIN];
  // ipamDataDir is host-local's default; our confs always name a dataDir, so this one must stay unused.
  const unusedIpamDir = join(host.dir, 'unused-default-ipam');
  const cni = new CNI({ path, cacheDir, ipamDataDir: unusedIpamDir, exec: hostExec(host) });
  const ipamDir = ipamDataDir(dataRoot);
  const tuningDir = tuningDataDir(dataRoot);
  return {
    host,
    name,
    conf,
    confDir,
    confFile,
    list,
    cacheDir,
    ipamDir,
    tuningDir,
    path,
    cni,
    rt: (containerId, ctr) => ({ containerId, netns: ctr.path, ifName: 'eth0', capabilityArgs: CAPABILITY_ARGS }),
    inventory: (q = {}) => inventory(host, { net: name, dataDir: ipamDir, cacheDir, tuningDir, ...q }),
    toolEnv: (containerId) => ({ confDir, cniPath: path, cacheDir, containerId, capabilityArgs: CAPABILITY_ARGS }),
    cacheFile: (containerId) => join(cacheDir, 'results', `${name}-${containerId}-eth0`),
    driverJob: (op, containerId, ctr) => ({
      op,
      confFile,
      containerId,
      netns: ctr.path,
      ifName: 'eth0',
      cacheDir,
      ipamDataDir: unusedIpamDir,
      path,
      capabilityArgs: CAPABILITY_ARGS,
    }),
    doctorArgs: () => [
      '--conf-dir',
      confDir,
      '--cache-dir',
      cacheDir,
      '--cni-path',
      path.join(':'),
      '--data-dir',
      unusedIpamDir,
    ],
  };
}

/** The first IPv4 address (no prefix) of a result, or undefined. */
export function firstIp(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const ips = (result as { ips?: unknown }).ips;
  if (!Array.isArray(ips)) return undefined;
  for (const ip of ips) {
    const addr = (ip as { address?: unknown }).address;
    if (typeof addr === 'string' && addr.includes('.')) return addr.split('/')[0];
  }
  return undefined;
}

/** Polls `cond` every 20 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts the bundled driver on `job` inside the host netns, in its own PID namespace so it can be killed whole. */
export function startDriver(host: HostNetns, driverPath: string, job: DriverJob): KillableRun {
  return spawnKillable('ip', ['netns', 'exec', host.name, process.execPath, driverPath, JSON.stringify(job)]);
}
