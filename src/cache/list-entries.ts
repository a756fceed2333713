// Listing results/: every file (bad ones included), streamed from the directory with a bounded number of reads in
// flight, so 100,000 entries need neither a 100,000-name array nor 100,000 open files.
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CacheFs } from './cache-fs.ts';
import { MAX_ENTRY_BYTES } from './decode-entry.ts';
import { isTempName, ownerFromFileName } from './entry-names.ts';
import { classifyRawFile, readEntryFile } from './read-entry.ts';
import type { AttachmentKey, CacheRead, ListedEntry, ListFilter } from './types.ts';

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
 * Yields every file of `resultsDir` that may belong to the filter, in directory order. With the fs's synchronous
 * reader, SYNC_BATCH files per event-loop turn; otherwise at most `concurrency` async reads in flight. Our temp
 * files are skipped, and so are files that vanish between listing and reading. The directory must exist.
 */
export async function* listEntries(
  fs: CacheFs,
  resultsDir: string,
  filter: ListFilter = {},
  concurrency = DEFAULT_LIST_CONCURRENCY,
): AsyncGenerator<ListedEntry> {
  const keep = (e: ListedEntry): boolean => e.read.state !== 'missing' && ownerMatches(e, filter);
  const names = (async function* () {
    for await (const name of fs.readdir(resultsDir)) if (!isTempName(name) && nameMayMatch(name, filter)) yield name;
  })();
  if (fs.readFileSync) {
    let n = 0;
    for await (const name of names) {
      const path = join(resultsDir, name);
      const e = describe(path, name, classifyRawFile(fs.readFileSync(path, MAX_ENTRY_BYTES), path), filter);
      if (keep(e)) yield e;
      // Sync reads never let I/O callbacks run; give them a turn now and then.
      if (++n % SYNC_BATCH === 0) await nextTurn();
    }
    return;
  }
  const queue: Promise<ListedEntry>[] = [];
  const start = (name: string): Promise<ListedEntry> => {
    const path = join(resultsDir, name);
    return readEntryFile(fs, path).then((read) => describe(path, name, read, filter));
  };
  for await (const name of names) {
    queue.push(start(name));
    if (queue.length >= Math.max(1, concurrency)) {
      const head = queue.shift();
      if (head) {
        const e = await head;
        if (keep(e)) yield e;
      }
    }
  }
  for (const p of queue) {
    const e = await p;
    if (keep(e)) yield e;
  }
}
