// One cache file as the listing commands show it: owner, state, why it is bad, how old.
import type { CacheRead, ListedEntry } from '../runtime/index.ts';

/** A listed cache file, flattened for tables and JSON. */
export interface CacheRow {
  readonly file: string;
  readonly path: string;
  /** '' when the owner cannot be told (a bad file whose name matches no known network). */
  readonly network: string;
  readonly containerId: string;
  readonly ifName: string;
  readonly state: CacheRead['state'];
  /** Why a corrupt file is corrupt; undefined otherwise. */
  readonly reason: string | undefined;
  /** Milliseconds since the file was last written; undefined when unknown. */
  readonly ageMs: number | undefined;
  /** Where the owner came from: the file's own fields, its name, or nowhere. */
  readonly ownerSource: ListedEntry['ownerSource'];
  /** A pre-cniCacheV1 file (a bare result). */
  readonly legacy: boolean;
}

function mtimeOf(read: CacheRead): number | undefined {
  return read.state === 'missing' ? undefined : read.mtimeMs;
}

/** The row for one listed file, ages measured from `now`. */
export function cacheRow(e: ListedEntry, now: number): CacheRow {
  const mtime = mtimeOf(e.read);
  return {
    file: e.fileName,
    path: e.path,
    network: e.owner?.networkName ?? '',
    containerId: e.owner?.containerId ?? '',
    ifName: e.owner?.ifName ?? '',
    state: e.read.state,
    reason: e.read.state === 'corrupt' ? e.read.reason : undefined,
    ageMs: mtime === undefined ? undefined : now - mtime,
    ownerSource: e.ownerSource,
    legacy: e.read.state === 'ok' && e.read.legacy,
  };
}

/** The row as JSON: ages in whole seconds, absent values as null. */
export function cacheRowJson(r: CacheRow): Record<string, unknown> {
  return {
    file: r.file,
    path: r.path,
    network: r.network || null,
    containerId: r.containerId || null,
    ifName: r.ifName || null,
    ownerSource: r.ownerSource,
    state: r.state,
    reason: r.reason ?? null,
    legacy: r.legacy,
    ageSeconds: r.ageMs === undefined ? null : Math.floor(r.ageMs / 1000),
  };
}

/** True for a file DEL cannot use as it stands: empty or corrupt (and, when strict, an unfinished ADD's intent). */
export function isBad(state: CacheRead['state'], strict: boolean): boolean {
  return state === 'empty' || state === 'corrupt' || (strict && state === 'intent');
}
