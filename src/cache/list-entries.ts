// Listing results/: every file (bad ones included), streamed from the directory with a bounded number of reads in
// flight, so 100,000 entries need neither a 100,000-name array nor 100,000 open files.
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CacheFs, RawFile } from './cache-fs.ts';
import { decodeRecord, MAX_ENTRY_BYTES } from './decode-entry.ts';
import { isTempName, ownerFromFileName } from './entry-names.ts';
import { classifyRawFile, readRawFile } from './read-entry.ts';
import type { AttachmentKey, CachedRecord, CacheRead, ListedEntry, ListFilter } from './types.ts';

/** Reads in flight at once: enough to keep libuv's pool busy, few enough to bound memory and descriptors. */
export const DEFAULT_LIST_CONCURRENCY = 16;
/** Files read synchronously between two event-loop turns (~20 us each when cached: well under a millisecond). */
const SYNC_BATCH = 32;

/** The prefilter libcni's GetCachedAttachments applies to names, plus the same for a network. */
function nameMayMatch(name: string, filter: ListFilter): boolean {
  if (filter.networkName !== undefined && !name.startsWith(`${filter.networkName}-`)) return false;
  if (filter.containerId !== undefined) {
    const at = name.indexOf(`-${filter.containerId}-`);
    if (at <= 0 || at + filter.containerId.length + 2 >= name.length) return false;
  }
  return true;
}

function entryOwner(read: CacheRead): AttachmentKey | undefined {
  if (read.state !== 'intent' && !(read.state === 'ok' && !read.legacy)) return undefined;
  const { networkName, containerId, ifName } = read.entry;
  // Go skips records with an empty ifName or networkName; we fall back to the file name for them instead.
  return networkName && containerId && ifName ? { networkName, containerId, ifName } : undefined;
}

function describe(path: string, fileName: string, read: CacheRead, filter: ListFilter): ListedEntry {
  const fromEntry = entryOwner(read);
  if (fromEntry) return { path, fileName, read, owner: fromEntry, ownerSource: 'entry' };
  const known =
    filter.networkName === undefined
      ? (filter.knownNetworks ?? [])
      : [...(filter.knownNetworks ?? []), filter.networkName];
  const owner = ownerFromFileName(fileName, known, filter.containerId);
  return owner
    ? { path, fileName, read, owner, ownerSource: 'filename' }
    : { path, fileName, read, owner: undefined, ownerSource: 'unknown' };
}

function ownerMatches(e: ListedEntry, filter: ListFilter): boolean {
  // An unknown owner passed the name prefilter, so it may belong: report it rather than hide a bad file.
  if (e.owner === undefined) return true;
  if (filter.networkName !== undefined && e.owner.networkName !== filter.networkName) return false;
  if (filter.containerId !== undefined && e.owner.containerId !== filter.containerId) return false;
  return true;
}

/**
 * Reads every file of `resultsDir` whose name may belong to the filter, in directory order, and yields in batches
 * what `onFile` makes of each (undefined drops it). With the fs's synchronous reader, up to SYNC_BATCH files per
 * event-loop turn, yielded as one batch (an async generator's yield costs a microtask per layer, which per file was
 * a tenth of a 100,000-entry listing); otherwise at most `concurrency` async reads in flight. Our temp files are
 * skipped. The directory must exist.
 */
async function* scanBatches<T>(
  fs: CacheFs,
  resultsDir: string,
  filter: ListFilter,
  concurrency: number,
  onFile: (path: string, name: string, raw: RawFile) => T | undefined,
): AsyncGenerator<T[]> {
  const wanted = (name: string): boolean => !isTempName(name) && nameMayMatch(name, filter);
  const readSync = fs.readFileSync;
  if (readSync !== undefined && fs.openDirSync !== undefined) {
    const dir = fs.openDirSync(resultsDir);
    try {
      for (;;) {
        const batch: T[] = [];
        let seen = 0;
        let name = dir.readSync();
        for (; name !== null; name = seen < SYNC_BATCH ? dir.readSync() : null) {
          if (!wanted(name)) continue;
          seen++;
          const path = `${resultsDir}/${name}`;
          const out = onFile(path, name, readSync(path, MAX_ENTRY_BYTES));
          if (out !== undefined) batch.push(out);
        }
        if (batch.length > 0) yield batch;
        if (seen < SYNC_BATCH) return;
        // Sync reads never let I/O callbacks run; give them a turn now and then.
        await nextTurn();
      }
    } finally {
      dir.closeSync();
    }
  }
  const queue: Promise<T | undefined>[] = [];
  const start = (name: string): Promise<T | undefined> => {
    const path = join(resultsDir, name);
    return readRawFile(fs, path).then((raw) => onFile(path, name, raw));
  };
  for await (const name of fs.readdir(resultsDir)) {
    if (!wanted(name)) continue;
    queue.push(start(name));
    if (queue.length >= Math.max(1, concurrency)) {
      const out = await queue.shift();
      if (out !== undefined) yield [out];
    }
  }
  for (const p of queue) {
    const out = await p;
    if (out !== undefined) yield [out];
  }
}

/**
 * Every file of `resultsDir` that may belong to the filter, bad ones included, with its outcome and owner, in
 * batches (never empty). Files that vanish between listing and reading are left out.
 */
export function listEntryBatches(
  fs: CacheFs,
  resultsDir: string,
  filter: ListFilter = {},
  concurrency = DEFAULT_LIST_CONCURRENCY,
): AsyncGenerator<ListedEntry[]> {
  return scanBatches(fs, resultsDir, filter, concurrency, (path, name, raw) => {
    const e = describe(path, name, classifyRawFile(raw, path), filter);
    return e.read.state !== 'missing' && ownerMatches(e, filter) ? e : undefined;
  });
}

/**
 * The well-formed cniCacheV1 records of `resultsDir` that belong to the filter (complete ones and intent records),
 * results unparsed (decodeRecord), in batches: what a listing of attachments needs, at Go's cost.
 */
export function listRecordBatches(
  fs: CacheFs,
  resultsDir: string,
  filter: ListFilter = {},
  concurrency = DEFAULT_LIST_CONCURRENCY,
): AsyncGenerator<CachedRecord[]> {
  return scanBatches(fs, resultsDir, filter, concurrency, (path, fileName, raw) => {
    if (raw.kind !== 'file') return undefined;
    const rec = decodeRecord(raw.bytes, path);
    if (rec === undefined) return undefined;
    const { entry } = rec;
    if (filter.networkName !== undefined && entry.networkName !== filter.networkName) return undefined;
    if (filter.containerId !== undefined && entry.containerId !== filter.containerId) return undefined;
    return { path, fileName, entry, complete: rec.complete, mtimeMs: raw.mtimeMs };
  });
}

/** listEntryBatches, one entry at a time. */
export async function* listEntries(
  fs: CacheFs,
  resultsDir: string,
  filter: ListFilter = {},
  concurrency = DEFAULT_LIST_CONCURRENCY,
): AsyncGenerator<ListedEntry> {
  for await (const batch of listEntryBatches(fs, resultsDir, filter, concurrency)) yield* batch;
}
