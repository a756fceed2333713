// The demo's network: Debian's reference plugins in the chain a real node runs, all state under the work dir.
import { join } from 'node:path';

export const DEMO_NETWORK = 'cnikit-demo';
export const DEMO_BRIDGE = 'cnikit-demo0';
export const DEMO_SUBNET = '10.123.0.0/24';
export const DEMO_GATEWAY = '10.123.0.1';
export const DEFAULT_PLUGIN_DIR = '/usr/lib/cni';
/** The reference plugins the chain uses; the demo refuses to start without them. */
export const DEMO_PLUGINS = ['bridge', 'host-local', 'portmap', 'firewall'] as const;
/** The port mapping passed as CAP_ARGS, so portmap has rules to create. */
export const DEMO_CAP_ARGS = { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] };

/** Where the demo keeps its files under its work dir. */
export interface DemoPaths {
  readonly work: string;
  readonly confDir: string;
  readonly cacheDir: string;
  readonly ipamDir: string;
}

/** The demo's paths under `work`. */
export function demoPaths(work: string): DemoPaths {
  return { work, confDir: join(work, 'net.d'), cacheDir: join(work, 'cache'), ipamDir: join(work, 'ipam') };
}

/**
 * The conflist: bridge (gateway, masquerade) + host-local + portmap + firewall, cniVersion 1.0.0 (the highest the
 * Debian plugins speak). Debian's firewall defaults to firewalld; the iptables backend is named explicitly.
 */
export function demoConflist(paths: DemoPaths): string {
  const list = {
    cniVersion: '1.0.0',
    name: DEMO_NETWORK,
    plugins: [
      {
        type: 'bridge',
        bridge: DEMO_BRIDGE,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir: paths.ipamDir,
          ranges: [[{ subnet: DEMO_SUBNET, gateway: DEMO_GATEWAY }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      { type: 'firewall', backend: 'iptables' },
    ],
  };
  return `${JSON.stringify(list, null, 2)}\n`;
}
