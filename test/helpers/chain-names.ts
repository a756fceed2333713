// The iptables chain names the reference plugins derive from (network name, container ID): "CNI-" or "CNI-DN-"
// followed by the hex SHA-512 of name+id, cut to 28 characters (plugins' pkg/utils chain-name rule).
import { createHash } from 'node:crypto';

const MAX_CHAIN = 28;

function hashed(prefix: string, network: string, containerId: string): string {
  return `${prefix}${createHash('sha512')
    .update(network + containerId)
    .digest('hex')}`.slice(0, MAX_CHAIN);
}

/** bridge's ipMasq chain for an attachment (nat table). */
export function masqChain(network: string, containerId: string): string {
  return hashed('CNI-', network, containerId);
}

/** portmap's per-container DNAT chain (nat table). */
export function dnatChain(network: string, containerId: string): string {
  return hashed('CNI-DN-', network, containerId);
}

/** Chains the plugins share between containers and keep by design (debian-baseline.md §3). */
export const SHARED_CHAINS: ReadonlySet<string> = new Set([
  'CNI-HOSTPORT-DNAT',
  'CNI-HOSTPORT-MASQ',
  'CNI-HOSTPORT-SETMARK',
  'CNI-FORWARD',
  'CNI-ADMIN',
]);
