export { type CacheFs, type FsStat, nodeCacheFs, type RawFile } from './cache-fs.ts';
export { decodeEntry, MAX_ENTRY_BYTES } from './decode-entry.ts';
export { BYTES_DIGEST_PREFIX, DIGEST_KEY, digestInput, entryDigest } from './digest.ts';
export { encodeEntry } from './encode-entry.ts';
export { entryFileName, isTempName, ownerFromFileName, TEMP_PREFIX } from './entry-names.ts';
export type { DirProblem, DirProblemKind } from './inspect-dir.ts';
export { DEFAULT_LIST_CONCURRENCY } from './list-entries.ts';
export { DEFAULT_CACHE_DIR, DEFAULT_TEMP_GRACE_MS, ResultCache, type ResultCacheOptions } from './result-cache.ts';
export type { AttachmentKey, CachedRecord, CacheEntry, CacheRead, ListedEntry, ListFilter } from './types.ts';
