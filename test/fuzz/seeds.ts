// Valid documents of every kind the parsers read, the starting points of the structure-aware mutations.
import { encodeEntry } from '../../src/cache/encode-entry.ts';

const dns = { nameservers: ['10.0.0.1', 'fd00::1'], domain: 'cluster.local', search: ['a.b'], options: ['ndots:5'] };

/** A plugin's own fields (as in a list's `plugins`), every typed one set. */
const PLUGIN_FIELDS = {
  type: 'cnikit-noop',
  capabilities: { portMappings: true, bandwidth: false },
  ipam: { type: 'host-local', ranges: [[{ subnet: '10.0.0.0/24' }]], dataDir: '/nonexistent/cnikit-fuzz' },
  dns,
  args: { cni: { ips: ['10.0.0.5'] } },
  runtimeConfig: { portMappings: [] },
  prevResult: { cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }] },
  'cni.dev/valid-attachments': [{ containerID: 'c', ifname: 'eth0' }],
  custom: { nested: [1, 'two', null, true] },
};

/** One plugin's config (a .conf file) with every typed field set. */
export const PLUGIN_CONFIG = { cniVersion: '1.0.0', name: 'net', ...PLUGIN_FIELDS };

/** A config list with every list-level field set. */
export const CONFIG_LIST = {
  cniVersion: '1.1.0',
  cniVersions: ['0.4.0', '1.0.0', '1.1.0'],
  name: 'net',
  disableCheck: false,
  disableGC: 'false',
  loadOnlyInlinedPlugins: true,
  plugins: [PLUGIN_FIELDS, { type: 'portmap', capabilities: { portMappings: true }, snat: true }],
};

/** Config seeds: lists, single configs, and the older shapes. */
export const CONFIG_SEEDS: readonly unknown[] = [
  PLUGIN_CONFIG,
  CONFIG_LIST,
  { cniVersion: '0.3.1', name: 'net', plugins: [{ type: 'bridge' }] },
  { cniVersion: '0.4.0', name: 'net', type: 'bridge', bridge: 'cni0', ipam: { type: 'dhcp' } },
  { name: 'net', cniVersions: ['1.0.0'], plugins: [{ type: 'a' }, { type: 'b' }] },
];

/** A result of every version family, each with every field set. */
export const RESULT_SEEDS: readonly unknown[] = [
  {
    cniVersion: '0.1.0',
    ip4: { ip: '10.0.0.2/24', gateway: '10.0.0.1', routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }] },
    ip6: { ip: 'fd00::2/64', gateway: 'fd00::1', routes: [{ dst: '::/0' }] },
    dns,
  },
  { cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/24' } },
  {
    cniVersion: '0.4.0',
    interfaces: [{ name: 'eth0', mac: '0a:58:0a:00:00:02', sandbox: '/var/run/netns/x' }],
    ips: [{ version: '4', interface: 0, address: '10.0.0.2/24', gateway: '10.0.0.1' }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }],
    dns,
  },
  { cniVersion: '0.3.1', ips: [{ version: '6', address: 'fd00::2/64' }] },
  {
    cniVersion: '1.1.0',
    interfaces: [
      { name: 'eth0', mac: '0a:58:0a:00:00:02', mtu: 1500, sandbox: '/var/run/netns/x', socketPath: '/s', pciID: 'p' },
    ],
    ips: [{ interface: 0, address: '10.0.0.2/24', gateway: '10.0.0.1' }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1', mtu: 1400, advmss: 1360, priority: 10, table: 100, scope: 0 }],
    dns,
  },
  { cniVersion: '1.0.0', ips: [{ address: 'fd00::2/64' }] },
  {},
];

/** VERSION answers, including the 0.2.0 one without supportedVersions. */
export const VERSION_SEEDS: readonly unknown[] = [
  { cniVersion: '1.1.0', supportedVersions: ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] },
  { cniVersion: '0.2.0' },
  { cniVersion: '0.3.1', supportedVersions: ['0.3.1'] },
];

/** The spec's error objects, as a failing plugin prints them. */
export const ERROR_SEEDS: readonly unknown[] = [
  { cniVersion: '1.0.0', code: 7, msg: 'invalid config', details: 'field x' },
  { code: 11, msg: 'try again later' },
  { cniVersion: '1.1.0', code: 100, msg: '' },
  { msg: 'no code' },
];

/** Capability args as CAP_ARGS carries them. */
export const CAP_ARGS_SEEDS: readonly unknown[] = [
  {
    portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    bandwidth: { ingressRate: 1000, egressBurst: 10 },
    ips: ['10.0.0.5/24'],
    mac: '0a:58:0a:00:00:05',
    dns,
    aliases: { net: ['a', 'b'] },
  },
  {},
];

const entry = {
  kind: 'cniCacheV1' as const,
  containerId: 'c1',
  config: Buffer.from(JSON.stringify(CONFIG_LIST)),
  ifName: 'eth0',
  networkName: 'net',
  netns: '/var/run/netns/x',
  cniArgs: [['K8S_POD_NAME', 'p'] as const, ['IgnoreUnknown', '1'] as const],
  capabilityArgs: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] },
  result: RESULT_SEEDS[4],
};

function withoutDigest(text: string): unknown {
  const v = JSON.parse(text) as Record<string, unknown>;
  delete v.cnikitDigest;
  return v;
}

/** Cache files: ours (with digest), Go's (without), an intent record, and a legacy bare result. */
export const CACHE_SEEDS: readonly unknown[] = [
  JSON.parse(encodeEntry(entry)),
  withoutDigest(encodeEntry(entry)),
  JSON.parse(encodeEntry({ ...entry, result: undefined })),
  withoutDigest(encodeEntry({ ...entry, cniArgs: [], capabilityArgs: {}, result: RESULT_SEEDS[2] })),
  RESULT_SEEDS[2],
];
