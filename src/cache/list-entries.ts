// Listing results/: every file (bad ones included), streamed from the directory with a bounded number of reads in
// flight, so 100,000 entries need neither a 100,000-name array nor 100,000 open files.
import { join } from 'node:path';
import type { CacheFs } from './cache-fs.ts';
import { isTempName, ownerFromFileName } from './entry-names.ts';
import { readEntryFile } from './read-entry.ts';
import type { AttachmentKey, CacheRead, ListedEntry, ListFilter } from './types.ts';

/** Reads in flight at once: enough to keep libuv's pool busy, few enough to bound memory and descriptors. */
export const DEFAULT_LIST_CONCURRENCY = 16;

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
 * Yields every file of `resultsDir` that may belong to the filter, in directory order, with at most `concurrency`
 * reads in flight. Our temp files are skipped; files that vanish between listing and reading are skipped.
 * The directory must exist (callers check).
 */
export async function* listEntries(
  fs: CacheFs,
  resultsDir: string,
  filter: ListFilter = {},
  concurrency = DEFAULT_LIST_CONCURRENCY,
): AsyncGenerator<ListedEntry> {
  const queue: Promise<ListedEntry>[] = [];
  const start = (name: string): Promise<ListedEntry> => {
    const path = join(resultsDir, name);
    return readEntryFile(fs, path).then((read) => describe(path, name, read, filter));
  };
  const keep = (e: ListedEntry): boolean => e.read.state !== 'missing' && ownerMatches(e, filter);
  for await (const name of fs.readdir(resultsDir)) {
    if (isTempName(name) || !nameMayMatch(name, filter)) continue;
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
