// The result cache: Go libcni's on-disk layout and format, written so that no crash can leave a torn file.
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { type CacheFs, errnoCode, nodeCacheFs } from './cache-fs.ts';
import { quarantineChannel, removeChannel, sweepChannel, writeChannel } from './channels.ts';
import { MAX_ENTRY_BYTES } from './decode-entry.ts';
import { ensureDir, unlinkDurable, writeFileDurable } from './durable-ops.ts';
import { encodeEntry } from './encode-entry.ts';
import { entryFileName } from './entry-names.ts';
import { type DirProblem, inspectCacheDirs, symlinkedCacheDir } from './inspect-dir.ts';
import { DEFAULT_LIST_CONCURRENCY, listEntryBatches, listRecordBatches } from './list-entries.ts';
import { quarantineFile } from './quarantine.ts';
import { readEntryFile } from './read-entry.ts';
import { sweepTempFiles } from './sweep-temp.ts';
import type { AttachmentKey, CachedRecord, CacheEntry, CacheRead, ListedEntry, ListFilter } from './types.ts';

/** Libcni's default cache directory. */
export const DEFAULT_CACHE_DIR = '/var/lib/cni';
/** A temp file younger than this may belong to a live writer and is left alone. */
export const DEFAULT_TEMP_GRACE_MS = 10 * 60 * 1000;

export interface ResultCacheOptions {
  /** The file-system layer (tests inject a recording or simulated one). */
  readonly fs?: CacheFs;
  readonly tempGraceMs?: number;
  /** Reads in flight while listing. */
  readonly listConcurrency?: number;
  /** The clock, for the sweep's age test and quarantine stamps. */
  readonly now?: () => number;
}

function ioError(what: string, path: string, e: unknown): CNIError {
  if (CNIError.is(e)) return e;
  const why = e instanceof Error ? e.message : String(e);
  return new CNIError(ErrorCode.IOFailure, `${what} ${path}: ${why}`, { cause: e });
}

/** One cache directory: read, write, remove, quarantine and list attachment entries under `<cacheDir>/results`. */
export class ResultCache {
  readonly cacheDir: string;
  readonly resultsDir: string;
  /** cacheDir normalised, without a trailing '/' (lstat of `link/` would follow the link). */
  readonly #dir: string;
  readonly #fs: CacheFs;
  readonly #graceMs: number;
  readonly #concurrency: number;
  readonly #now: () => number;
  #swept = false;

  constructor(cacheDir: string = DEFAULT_CACHE_DIR, opts: ResultCacheOptions = {}) {
    this.cacheDir = cacheDir;
    this.resultsDir = join(cacheDir, 'results');
    this.#dir = dirname(this.resultsDir);
    this.#fs = opts.fs ?? nodeCacheFs;
    this.#graceMs = opts.tempGraceMs ?? DEFAULT_TEMP_GRACE_MS;
    this.#concurrency = opts.listConcurrency ?? DEFAULT_LIST_CONCURRENCY;
    this.#now = opts.now ?? Date.now;
  }

  /** `<cacheDir>/results/<net>-<cid>-<ifname>`; throws the spec's CNIError for an invalid name. */
  entryPath(key: AttachmentKey): string {
    return join(this.resultsDir, entryFileName(key));
  }

  /** The attachment's entry as an outcome; throws only for invalid names, never for a bad file. */
  async read(key: AttachmentKey): Promise<CacheRead> {
    const path = this.entryPath(key);
    const read = await this.readPath(path);
    if (read.state !== 'ok' || !read.legacy) return read;
    // A legacy file holds only the result; the key is all we know of the rest.
    const { networkName, containerId, ifName } = key;
    return { ...read, entry: { ...read.entry, networkName, containerId, ifName } };
  }

  /**
   * The outcome of reading any path; a cache dir or results dir that is a symlink makes every entry corrupt (not
   * followed).
   */
  async readPath(path: string): Promise<CacheRead> {
    const link = await this.#symlinkedCacheDir();
    if (link !== undefined) return { state: 'corrupt', path, reason: link.message };
    try {
      if ((await this.#fs.lstat(this.resultsDir)).kind === 'symlink') {
        return { state: 'corrupt', path, reason: `results directory ${this.resultsDir} is a symlink (never followed)` };
      }
    } catch {
      // Missing (or unreadable): the read below reports it for the file itself.
    }
    return readEntryFile(this.#fs, path);
  }

  /**
   * Durably and atomically replaces the attachment's entry (an intent record when `entry.result` is absent).
   * Throws code 5 for I/O failures, for an entry larger than the reader accepts (MAX_ENTRY_BYTES), and for a
   * symlink or directory at the entry's path or a symlink in place of results/ or of the cache dir itself.
   */
  async write(key: AttachmentKey, entry: CacheEntry): Promise<void> {
    const path = this.entryPath(key);
    if (entry.networkName !== key.networkName || entry.containerId !== key.containerId || entry.ifName !== key.ifName) {
      throw new CNIError(ErrorCode.InvalidEnvironment, `cache entry for ${path} names a different attachment`, {
        details: `${entry.networkName}-${entry.containerId}-${entry.ifName}`,
      });
    }
    const bytes = Buffer.from(encodeEntry(entry), 'utf8');
    // The reader calls anything larger corrupt; writing it would record an attachment that DEL cannot read back.
    if (bytes.byteLength > MAX_ENTRY_BYTES) {
      throw new CNIError(
        ErrorCode.IOFailure,
        `cache entry for ${path} would be ${bytes.byteLength} bytes, over the ${MAX_ENTRY_BYTES}-byte limit ` +
          'of a cache entry (result or config too large); nothing written',
      );
    }
    const started = performance.now();
    const fs = this.#fs;
    try {
      const link = await this.#symlinkedCacheDir();
      if (link !== undefined) throw link;
      await ensureDir(fs, this.#dir, false);
      await ensureDir(fs, this.resultsDir, false);
      if (!this.#swept) {
        this.#swept = true;
        // Best effort: a failed sweep must not fail an ADD.
        await this.sweepTempFiles().catch(() => undefined);
      }
      await this.#refuseNonFile(path);
      await writeFileDurable(fs, this.resultsDir, entryFileName(key), bytes, {
        pid: process.pid,
        rand: randomBytes(6).toString('hex'),
      });
    } catch (e) {
      throw ioError('failed to write cache entry', path, e);
    }
    if (writeChannel.hasSubscribers) {
      writeChannel.publish({ path, bytes: bytes.byteLength, durationMs: performance.now() - started });
    }
  }

  async #refuseNonFile(path: string): Promise<void> {
    let kind: string;
    try {
      kind = (await this.#fs.lstat(path)).kind;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return;
      throw e;
    }
    if (kind === 'symlink') throw new CNIError(ErrorCode.IOFailure, `cache entry ${path} is a symlink; refusing it`);
    if (kind !== 'file') throw new CNIError(ErrorCode.IOFailure, `cache entry ${path} is not a regular file`);
  }

  /** Code 5 when the cache dir itself is a symlink (never followed); undefined otherwise. */
  #symlinkedCacheDir(): Promise<CNIError | undefined> {
    return symlinkedCacheDir(this.#fs, this.#dir);
  }

  /**
   * What makes the cache's directories unsafe: owned by another user than `uid` (default: ours), writable by group
   * or others, or a symlink. Reports only, changes nothing; throws code 5 when a directory cannot be looked at.
   */
  async inspectDir(uid: number | undefined = process.geteuid?.()): Promise<DirProblem[]> {
    try {
      return await inspectCacheDirs(this.#fs, this.#dir, uid);
    } catch (e) {
      throw ioError('failed to inspect cache directory', this.#dir, e);
    }
  }

  /** Durably removes the attachment's entry; a missing entry (or results dir) is fine. Throws code 5 otherwise. */
  async remove(key: AttachmentKey): Promise<void> {
    const path = this.entryPath(key);
    let removed: boolean;
    try {
      const link = await this.#symlinkedCacheDir();
      if (link !== undefined) throw link;
      const dir = await this.#fs.lstat(this.resultsDir).catch((e: unknown) => {
        if (errnoCode(e) === 'ENOENT') return undefined;
        throw e;
      });
      if (dir === undefined) return;
      if (dir.kind === 'symlink') {
        throw new CNIError(
          ErrorCode.IOFailure,
          `cache directory ${this.resultsDir} is a symlink; refusing to follow it`,
        );
      }
      removed = await unlinkDurable(this.#fs, path);
    } catch (e) {
      throw ioError('failed to remove cache entry', path, e);
    }
    if (removeChannel.hasSubscribers) removeChannel.publish({ path, removed });
  }

  /** Moves a bad file of results/ to `<cacheDir>/quarantine/<name>.<stamp>[.<n>]`, durably; returns its new path. */
  async quarantine(path: string, reason: string): Promise<string> {
    let to: string;
    try {
      const link = await this.#symlinkedCacheDir();
      if (link !== undefined) throw link;
      to = await quarantineFile(this.#fs, this.cacheDir, path, reason, new Date(this.#now()));
    } catch (e) {
      throw ioError('failed to quarantine cache entry', path, e);
    }
    if (quarantineChannel.hasSubscribers) quarantineChannel.publish({ from: path, to, reason });
    return to;
  }

  /** Streams every file of results/ that may match the filter (bounded memory); nothing when results/ is missing. */
  async *entries(filter: ListFilter = {}): AsyncGenerator<ListedEntry> {
    for await (const batch of this.entryBatches(filter)) yield* batch;
  }

  /** `entries`, a batch at a time (cheaper when the caller goes through 100,000 of them); batches are never empty. */
  async *entryBatches(filter: ListFilter = {}): AsyncGenerator<ListedEntry[]> {
    if (!(await this.#listableResultsDir())) return;
    try {
      yield* listEntryBatches(this.#fs, this.resultsDir, filter, this.#concurrency);
    } catch (e) {
      throw ioError('failed to list cache directory', this.resultsDir, e);
    }
  }

  /**
   * The well-formed records of results/ matching the filter (complete and intent), in batches, results unparsed:
   * for listings of attachments, which need no result (Go's GetCachedAttachments parses none either).
   */
  async *recordBatches(filter: ListFilter = {}): AsyncGenerator<CachedRecord[]> {
    if (!(await this.#listableResultsDir())) return;
    try {
      yield* listRecordBatches(this.#fs, this.resultsDir, filter, this.#concurrency);
    } catch (e) {
      throw ioError('failed to list cache directory', this.resultsDir, e);
    }
  }

  /** False when results/ does not exist; throws code 5 when it or the cache dir is not a real directory. */
  async #listableResultsDir(): Promise<boolean> {
    const link = await this.#symlinkedCacheDir();
    if (link !== undefined) throw link;
    let kind: string;
    try {
      kind = (await this.#fs.lstat(this.resultsDir)).kind;
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return false;
      throw ioError('failed to list cache directory', this.resultsDir, e);
    }
    if (kind !== 'dir') {
      throw new CNIError(
        ErrorCode.IOFailure,
        `cache directory ${this.resultsDir} is not a directory (or is a symlink)`,
      );
    }
    return true;
  }

  /** Every file of results/ matching the filter, sorted by file name (as Go's GetCachedAttachments sorts). */
  async list(filter: ListFilter = {}): Promise<ListedEntry[]> {
    const out: ListedEntry[] = [];
    for await (const e of this.entries(filter)) out.push(e);
    return out.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  }

  /**
   * Removes our temp files in results/ older than the grace period; returns their paths. With `key`, removes that
   * attachment's temp files of any age (a writer killed mid-write left them; the caller holds the attachment).
   */
  async sweepTempFiles(key?: AttachmentKey): Promise<string[]> {
    let removed: string[];
    try {
      const only = key === undefined ? undefined : entryFileName(key);
      if ((await this.#symlinkedCacheDir()) !== undefined) return [];
      const dir = await this.#fs.lstat(this.resultsDir).catch(() => undefined);
      if (dir?.kind !== 'dir') return [];
      removed = await sweepTempFiles(this.#fs, this.resultsDir, this.#graceMs, this.#now(), only);
    } catch (e) {
      throw ioError('failed to sweep temp files in', this.resultsDir, e);
    }
    if (removed.length > 0 && sweepChannel.hasSubscribers) sweepChannel.publish({ removed });
    return removed;
  }
}
