// Conf builders for the root suites: the realistic chain of debian-baseline.md §3 with every path under a test's
// temp dir, and the variants the suites need (CHECK-able, with a slow noop at the end).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonObject } from '../../src/spec/index.ts';

/** The port mapping every realistic attachment asks portmap for (capability arg `portMappings`). */
export const PORT_MAPPINGS = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] as const;

/** The capability args matching PORT_MAPPINGS, as a runtime passes them (and as CAP_ARGS carries them). */
export const CAPABILITY_ARGS: Readonly<Record<string, unknown>> = { portMappings: PORT_MAPPINGS };

/** Options for the realistic chain. */
export interface ChainOptions {
  /** Network name (default "cnikit-it"). */
  readonly name?: string;
  /** The temp dir under which host-local and tuning keep their data. */
  readonly dataRoot: string;
  /** IPv4 /24 subnet (default 10.222.0.0/24). */
  readonly subnet?: string;
  /** Bridge name (default "cnikit0"). */
  readonly bridge?: string;
  /** Include portmap (default true). Debian's portmap 1.1.1 fails CHECK on IPv4-only containers (plugins#819). */
  readonly portmap?: boolean;
  /** Include firewall (default true). */
  readonly firewall?: boolean;
  /** Include tuning (default true). */
  readonly tuning?: boolean;
  /** Append cnikit-noop with this debug file (its `sleepMs` makes ADD slow enough to be killed mid-way). */
  readonly noopDebugFile?: string;
}

/** host-local's data dir for a chain built with `dataRoot`. */
export function ipamDataDir(dataRoot: string): string {
  return join(dataRoot, 'ipam');
}

/** tuning's data dir for a chain built with `dataRoot`. */
export function tuningDataDir(dataRoot: string): string {
  return join(dataRoot, 'tuning');
}

/** The gateway (.1) of a /24 written as a.b.c.0/24. */
export function gatewayOf(subnet: string): string {
  const base = subnet.split('/')[0] ?? '';
  const parts = base.split('.');
  return `${parts.slice(0, 3).join('.')}.1`;
}

/**
 * bridge (isGateway, ipMasq, hairpin) + host-local, portmap (portMappings capability, snat), firewall (iptables
 * backend), tuning (sysctl), cniVersion 1.0.0 — the chain of debian-baseline.md §3.
 */
export function realisticChain(opts: ChainOptions): JsonObject {
  const subnet = opts.subnet ?? '10.222.0.0/24';
  const plugins: JsonObject[] = [
    {
      type: 'bridge',
      bridge: opts.bridge ?? 'cnikit0',
      isGateway: true,
      ipMasq: true,
      hairpinMode: true,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet, gateway: gatewayOf(subnet) }]],
        routes: [{ dst: '0.0.0.0/0' }],
        dataDir: ipamDataDir(opts.dataRoot),
      },
    },
  ];
  if (opts.portmap !== false) plugins.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
  if (opts.firewall !== false) plugins.push({ type: 'firewall', backend: 'iptables' });
  if (opts.tuning !== false) {
    plugins.push({ type: 'tuning', sysctl: { 'net.core.somaxconn': '512' }, dataDir: tuningDataDir(opts.dataRoot) });
  }
  if (opts.noopDebugFile !== undefined) plugins.push({ type: 'cnikit-noop', debugFile: opts.noopDebugFile });
  return { cniVersion: '1.0.0', name: opts.name ?? 'cnikit-it', plugins };
}

/** The realistic chain without portmap, whose CHECK the Debian 1.1.1 plugins pass (see ChainOptions.portmap). */
export function checkableChain(opts: ChainOptions): JsonObject {
  return realisticChain({ ...opts, portmap: false });
}

/** Writes a conflist into `confDir` (created) as `<file>` and returns its path. */
export async function writeConflist(confDir: string, conf: JsonObject, file = '10-net.conflist'): Promise<string> {
  await mkdir(confDir, { recursive: true });
  const path = join(confDir, file);
  await writeFile(path, `${JSON.stringify(conf, null, 2)}\n`);
  return path;
}
