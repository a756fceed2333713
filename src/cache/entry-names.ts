// File names in results/: an entry is `<network>-<containerID>-<ifName>` (libcni's layout, no escaping); our temp
// files start with a dot, which no valid network name can, so the two never collide.
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { quoteValue } from '../spec/go-quote.ts';
import { isValidName, validateContainerId, validateInterfaceName, validateNetworkName } from '../spec/names.ts';
import type { AttachmentKey } from './types.ts';

/** Every temp file we create in results/ starts with this; the sweep removes only such names. */
export const TEMP_PREFIX = '.cnikit-tmp-';
const NAME_MAX = 255;

/**
 * The entry's file name; throws the spec's CNIError when a part is not a valid name (this is the traversal guard),
 * and code 4 when the name would exceed NAME_MAX (255 bytes), so no caller touches the disk with it.
 */
export function entryFileName(key: AttachmentKey): string {
  validateNetworkName(key.networkName);
  validateContainerId(key.containerId);
  validateInterfaceName(key.ifName);
  // The ifname rule allows NUL, which cannot be in a path at all.
  if (key.ifName.includes('\0')) {
    throw new CNIError(ErrorCode.InvalidEnvironment, 'interface name contains a NUL character');
  }
  const name = `${key.networkName}-${key.containerId}-${key.ifName}`;
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > NAME_MAX) throw tooLong(key, bytes);
  return name;
}

/** Names the longest part (the ifname is at most 15 bytes, so it is the network name or the container ID). */
function tooLong(key: AttachmentKey, bytes: number): CNIError {
  const netBytes = Buffer.byteLength(key.networkName, 'utf8');
  const cidBytes = Buffer.byteLength(key.containerId, 'utf8');
  const [part, value, partBytes] =
    cidBytes >= netBytes ? ['container ID', key.containerId, cidBytes] : ['network name', key.networkName, netBytes];
  return new CNIError(
    ErrorCode.InvalidEnvironment,
    `${part} is too long for a cache file name: <network>-<containerID>-<ifname> would be ${bytes} bytes, ` +
      `over the ${NAME_MAX}-byte limit of a file name`,
    { details: `${part} of ${partBytes} bytes: ${quoteValue(value)}` },
  );
}

/** A temp name for writing `finalName`: recognisable, unique per process and call, within NAME_MAX. */
export function tempFileName(finalName: string, pid: number, rand: string): string {
  const full = `${TEMP_PREFIX}${finalName}-${pid}-${rand}`;
  return Buffer.byteLength(full) <= NAME_MAX ? full : `${TEMP_PREFIX}${pid}-${rand}`;
}

/** True when `name` is one of our temp files for writing `finalName` (as tempFileName builds them). */
export function isTempNameOf(name: string, finalName: string): boolean {
  const prefix = `${TEMP_PREFIX}${finalName}-`;
  return name.startsWith(prefix) && /^\d+-[0-9a-f]+$/.test(name.slice(prefix.length));
}

/** True for a name our writer uses for temp files. */
export function isTempName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX);
}

function isValidIfName(name: string): boolean {
  try {
    validateInterfaceName(name);
    return !name.includes('\0');
  } catch {
    return false;
  }
}

/**
 * Recovers the attachment a file name belongs to when its content cannot tell. Names are not escaped and all three
 * parts may contain '-', so: the network is the longest known network that prefixes the name and leaves a valid
 * split (known networks come from the conf dir); when the caller knows the container ID, that settles the rest;
 * otherwise the rest splits at its LAST '-' (container IDs often contain '-', interface names rarely do).
 * Undefined when no known network fits.
 */
export function ownerFromFileName(
  fileName: string,
  knownNetworks: readonly string[],
  containerId?: string,
): AttachmentKey | undefined {
  const candidates = [...new Set(knownNetworks)]
    .filter((n) => isValidName(n) && fileName.startsWith(`${n}-`))
    .sort((a, b) => b.length - a.length);
  for (const networkName of candidates) {
    const rest = fileName.slice(networkName.length + 1);
    if (containerId !== undefined && containerId !== '' && rest.startsWith(`${containerId}-`)) {
      const ifName = rest.slice(containerId.length + 1);
      if (isValidName(containerId) && isValidIfName(ifName)) return { networkName, containerId, ifName };
    }
    const cut = rest.lastIndexOf('-');
    if (cut <= 0) continue;
    const cid = rest.slice(0, cut);
    const ifName = rest.slice(cut + 1);
    if (isValidName(cid) && isValidIfName(ifName)) return { networkName, containerId: cid, ifName };
  }
  return undefined;
}
