// The iptables chains the reference plugins make per attachment, and the ones they share and keep by design.
// A per-container chain is "CNI-" (bridge/ptp ipMasq) or "CNI-DN-" (portmap) + hex SHA-512(network + containerID),
// cut to 28 characters (plugins' pkg/utils), so its owner can be computed from any candidate (network, ID) pair.
import { createHash } from 'node:crypto';

const MAX_CHAIN = 28;
const PER_CONTAINER_RE = /^CNI-(?:DN-[0-9a-f]{21}|[0-9a-f]{24})$/;

function hashed(prefix: string, network: string, containerId: string): string {
  return `${prefix}${createHash('sha512')
    .update(network + containerId)
    .digest('hex')}`.slice(0, MAX_CHAIN);
}

/** bridge/ptp's ipMasq chain for an attachment (nat table). */
export function masqChainName(network: string, containerId: string): string {
  return hashed('CNI-', network, containerId);
}

/** portmap's per-container DNAT chain (nat table). */
export function dnatChainName(network: string, containerId: string): string {
  return hashed('CNI-DN-', network, containerId);
}

/** True for a name shaped like a per-container chain (and so never a shared one). */
export function isPerContainerChain(chain: string): boolean {
  return PER_CONTAINER_RE.test(chain);
}

/**
 * True for chains the plugins share between containers (CNI-HOSTPORT-*, CNI-FORWARD, CNI-ADMIN and anything not
 * shaped like a per-container chain). The repair refuses to flush or delete these whatever a plan says.
 */
export function isProtectedChain(chain: string): boolean {
  return !isPerContainerChain(chain);
}
