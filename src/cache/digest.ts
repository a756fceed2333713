// Our integrity digest over a cache entry. Go libcni ignores the extra key; we use it to tell a file we wrote from
// one that was altered or torn afterwards.
//
// Definition (version 1), so other tools can verify it:
//   digest = "sha256:" + lowercase hex SHA-256 of the UTF-8 bytes of the JSON text (no spaces, object keys sorted by
//   UTF-8 bytes at every depth, strings as JSON.stringify escapes them) of the array
//     ["cnikit-digest-v1", kind, containerId, base64(config), ifName, networkName, netns or "",
//      cniArgs as [[k, v], ...] (or []), capabilityArgs (or {}), result (or null)]
//   where every value is the one decoded from the file (so absent and empty are the same, as they are for Go).
import { createHash } from 'node:crypto';
import { sortedJson } from './canonical-json.ts';
import type { CacheEntry } from './types.ts';

/** The key our digest is stored under, next to Go's keys. */
export const DIGEST_KEY = 'cnikitDigest';

/** The canonical text the digest covers (exported for tests and for anyone re-implementing the check). */
export function digestInput(entry: CacheEntry): string {
  return sortedJson([
    'cnikit-digest-v1',
    entry.kind,
    entry.containerId,
    Buffer.from(entry.config.buffer, entry.config.byteOffset, entry.config.byteLength).toString('base64'),
    entry.ifName,
    entry.networkName,
    entry.netns ?? '',
    entry.cniArgs,
    entry.capabilityArgs,
    entry.result ?? null,
  ]);
}

/** `sha256:<hex>` of the entry's canonical text. */
export function entryDigest(entry: CacheEntry): string {
  return `sha256:${createHash('sha256').update(digestInput(entry), 'utf8').digest('hex')}`;
}
