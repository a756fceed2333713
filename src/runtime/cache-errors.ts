// How a cache entry that cannot serve as prevResult is reported by CHECK and the getters (upstream's prefix, plus
// the file, what is wrong with it and how to repair it).
import type { CacheRead } from '../cache/index.ts';
import { CNIError, ErrorCode } from '../spec/index.ts';

const REPAIR = 'DEL of this attachment or `cnikit doctor --fix` repairs it';

/** The error for an entry in state empty, corrupt or intent; upstream's cause text first, so greps still match. */
export function badCacheError(
  network: string,
  read: Extract<CacheRead, { state: 'empty' | 'corrupt' | 'intent' }>,
): CNIError {
  const cause =
    read.state === 'empty'
      ? 'decoding version from network config: unexpected end of JSON input'
      : read.state === 'corrupt'
        ? read.reason
        : 'the entry is an intent record: an ADD that never finished';
  return new CNIError(
    ErrorCode.DecodingFailure,
    `failed to get network ${JSON.stringify(network)} cached result: ${cause} (cache file ${read.path}; ${REPAIR})`,
  );
}

/** The error for a cached result that cannot be converted to the config's version (upstream's wording). */
export function unconvertibleError(network: string, version: string, cause: unknown): CNIError {
  const text = cause instanceof Error ? cause.message : String(cause);
  return new CNIError(
    ErrorCode.IncompatibleVersion,
    `failed to get network ${JSON.stringify(network)} cached result: failed to convert cached result to config version ${JSON.stringify(version)}: ${text}`,
    { cause },
  );
}
