// Our integrity digest over a cache entry, stored under a key Go libcni ignores, so a file we wrote can be told
// from one altered or torn afterwards. Two definitions, told apart by the value's prefix, so other tools can check
// them:
//
// "sha256-bytes:<hex>" (written since the listing benchmark, bench/RESULTS.md §4): lowercase hex SHA-256 of the
//   file's exact bytes before the member `,"cnikitDigest":"sha256-bytes:<hex>"`, which we write last: the file
//   is those bytes, the member and a closing `}`, nothing else. A file where the member is anywhere else was
//   rewritten and does not verify. Checking it costs one hash of bytes already read, where the canonical form below
//   costs a second serialisation of the whole decoded entry (a third of a 100,000-entry listing's time).
//
// "sha256:<hex>" (version 1, still verified): lowercase hex SHA-256 of the UTF-8 bytes of the JSON text (no
//   spaces, object keys sorted by UTF-8 bytes at every depth, strings as JSON.stringify escapes them) of the array
//     ["cnikit-digest-v1", kind, containerId, base64(config), ifName, networkName, netns or "",
//      cniArgs as [[k, v], ...] (or []), capabilityArgs (or {}), result (or null)]
//   where every value is the one decoded from the file (so key order and whitespace do not matter).
import * as crypto from 'node:crypto';
import { sortedJson } from './canonical-json.ts';
import type { CacheEntry } from './types.ts';

/** The key our digest is stored under, next to Go's keys. */
export const DIGEST_KEY = 'cnikitDigest';
/** The prefix of a digest over the file's bytes. */
export const BYTES_DIGEST_PREFIX = 'sha256-bytes:';

const MEMBER_HEAD = `,"${DIGEST_KEY}":"${BYTES_DIGEST_PREFIX}`;

// crypto.hash (one shot, no Hash object) is Node >= 20.12; the engines field allows earlier 20.x.
const oneShot: ((algorithm: string, data: crypto.BinaryLike, encoding: 'hex') => string) | undefined =
  typeof crypto.hash === 'function' ? crypto.hash : undefined;

function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

/** The canonical text the version-1 digest covers (exported for tests and for anyone re-implementing the check). */
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

/** `sha256:<hex>` of the entry's canonical text (the version-1 digest). */
export function entryDigest(entry: CacheEntry): string {
  return `sha256:${sha256Hex(digestInput(entry))}`;
}

/** JSON object text ending in `}`, with our bytes digest added as its last member. */
export function sealText(json: string): string {
  if (!json.endsWith('}')) throw new Error('sealText needs the text of a JSON object');
  const body = json.slice(0, -1);
  return `${body}${MEMBER_HEAD}${sha256Hex(body)}"}`;
}

/** What checking a stored `sha256-bytes:` digest against the file's bytes found. */
export type BytesDigestCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'misplaced' }
  | { readonly ok: false; readonly reason: 'mismatch'; readonly computed: string };

/**
 * Checks `bytes` (a whole file whose parsed digest member is `stored`) against a `sha256-bytes:` digest: the member
 * must be the file's last, right before the final `}`, and the bytes before it must hash to it.
 */
export function checkBytesDigest(bytes: Uint8Array, stored: string): BytesDigestCheck {
  const member = Buffer.from(`,"${DIGEST_KEY}":"${stored}"`, 'utf8');
  const end = bytes.byteLength - 1;
  const start = end - member.byteLength;
  if (start < 1 || bytes[end] !== 0x7d || !member.equals(bytes.subarray(start, end))) {
    return { ok: false, reason: 'misplaced' };
  }
  const computed = `${BYTES_DIGEST_PREFIX}${sha256Hex(bytes.subarray(0, start))}`;
  if (computed === stored) return { ok: true };
  return { ok: false, reason: 'mismatch', computed };
}

/** True when `value` claims to be a bytes digest (its prefix; a malformed rest simply does not verify). */
export function isBytesDigest(value: string): boolean {
  return value.startsWith(BYTES_DIGEST_PREFIX);
}
