// The file-system calls the cache makes, as an interface: production uses Node's fs, the crash-replay test a
// simulated disk that can lose whatever was not fsynced. Only the calls the write/read protocols need are here.
import * as fs from 'node:fs';
import { promisify } from 'node:util';

/** What lstat/fstat report, reduced to what the cache decides on. */
export interface FsStat {
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
  readonly mtimeMs: number;
  /** Permission bits (mode & 0o7777). */
  readonly mode: number;
  /** Owner and group, where the file system knows them (Node's does; a simulated disk may not). */
  readonly uid?: number;
  readonly gid?: number;
}

/** One whole small file, read without following a symlink, or what stood in the way. */
export type RawFile =
  | { readonly kind: 'file'; readonly bytes: Uint8Array; readonly mtimeMs: number }
  | { readonly kind: 'dir' | 'other' | 'symlink'; readonly mtimeMs?: number }
  | { readonly kind: 'too-large'; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly code: string };

/** Numeric open(2) flags, from Node's fs.constants on Linux. */
export const O = {
  RDONLY: fs.constants.O_RDONLY,
  WRONLY: fs.constants.O_WRONLY,
  CREAT: fs.constants.O_CREAT,
  EXCL: fs.constants.O_EXCL,
  TRUNC: fs.constants.O_TRUNC,
  NOFOLLOW: fs.constants.O_NOFOLLOW,
  DIRECTORY: fs.constants.O_DIRECTORY,
  NONBLOCK: fs.constants.O_NONBLOCK,
} as const;

/**
 * The cache's whole view of the disk. Failures reject with Node-style errors carrying `code` (ENOENT, EEXIST,
 * ELOOP, EISDIR, ...). No call follows a symlink unless the path's parent components are symlinks.
 */
export interface CacheFs {
  /** open(2); returns a file descriptor. */
  open(path: string, flags: number, mode?: number): Promise<number>;
  close(fd: number): Promise<void>;
  /** pread(2) into `buf[offset, offset+length)`; returns bytes read, 0 at end of file. */
  read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** pwrite(2); returns bytes written (may be short). */
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  fstat(fd: number): Promise<FsStat>;
  fchmod(fd: number, mode: number): Promise<void>;
  /** fsync(2) on a file or a directory descriptor. */
  fsync(fd: number): Promise<void>;
  lstat(path: string): Promise<FsStat>;
  /** mkdir(2) of one directory (not recursive). */
  mkdir(path: string, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** link(2): fails with EEXIST rather than replace `to`; never follows a symlink at `from`. */
  link(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** realpath(3), only to suggest a replacement for a symlinked cache dir in an error message. */
  realpath?(path: string): Promise<string>;
  /** The names in a directory, streamed (no "." or ".."), so a huge directory needs no big array. */
  readdir(path: string): AsyncIterable<string>;
  /**
   * Optional fast path for listing: the same as open(O_NOFOLLOW|O_NONBLOCK) + fstat + read + close, done
   * synchronously, with no promise per call: a lister reads a few dozen files this way per event-loop turn. The
   * bytes may be a slice of Node's shared pool: decode them, do not keep them. Never throws.
   */
  readFileSync?(path: string, maxBytes: number): RawFile;
  /**
   * Optional, with readFileSync: a directory's names read synchronously, a buffer of them per getdents(2), so the
   * lister's batches need no promise per name. readSync gives null at the end; closeSync must be called.
   */
  openDirSync?(path: string): { readSync(): string | null; closeSync(): void };
}

/** The errno code of a thrown value, if it has one. */
export function errnoCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function toStat(s: fs.Stats): FsStat {
  const kind = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other';
  return { kind, size: s.size, mtimeMs: s.mtimeMs, mode: s.mode & 0o7777, uid: s.uid, gid: s.gid };
}

// fsync is the one call that waits for the disk, so it alone goes to libuv's thread pool. The others (lstat, open,
// rename, a write of a few KiB into the page cache, ...) take microseconds; as pool round trips they cost 20-60 us
// each, and one durable write is a dozen of them (bench/RESULTS.md §1). So they run synchronously, behind the same
// promise interface; a large write or read (over SYNC_IO_MAX) still goes to the pool.
const pFsync = promisify(fs.fsync);
const SYNC_IO_MAX = 1 << 20;

const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

function readFileSyncNoFollow(path: string, maxBytes: number): RawFile {
  let fd: number;
  try {
    fd = fs.openSync(path, READ_FLAGS);
  } catch (e) {
    const code = errnoCode(e) ?? String(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code !== 'ELOOP') return { kind: 'error', code };
    try {
      return { kind: 'symlink', mtimeMs: fs.lstatSync(path).mtimeMs };
    } catch {
      return { kind: 'symlink' };
    }
  }
  try {
    const st = toStat(fs.fstatSync(fd));
    if (st.kind !== 'file') return { kind: st.kind === 'dir' ? 'dir' : 'other', mtimeMs: st.mtimeMs };
    if (st.size > maxBytes) return { kind: 'too-large', size: st.size, mtimeMs: st.mtimeMs };
    // From Node's pool when small: the lister decodes and drops the bytes at once, so no slab stays pinned, and a
    // pooled slice is cheaper than an ArrayBuffer of its own per file (100,000 of them in a listing).
    let buf = Buffer.allocUnsafe(st.size + 1);
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        if (buf.length > maxBytes) break;
        const bigger = Buffer.allocUnsafeSlow(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(bigger);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, len, buf.length - len, len);
      len += n;
      if (n === 0 || len === st.size) break;
    }
    if (len > maxBytes) return { kind: 'too-large', size: len, mtimeMs: st.mtimeMs };
    return { kind: 'file', bytes: buf.subarray(0, len), mtimeMs: st.mtimeMs };
  } catch (e) {
    return { kind: 'error', code: errnoCode(e) ?? String(e) };
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // Nothing useful to do: the descriptor is gone either way.
    }
  }
}

/** The real file system, through Node's fs: fsync and large reads and writes in the pool, the rest synchronous. */
export const nodeCacheFs: CacheFs = {
  open: async (path, flags, mode) => fs.openSync(path, flags, mode),
  close: async (fd) => fs.closeSync(fd),
  read: (fd, buf, offset, length, position) =>
    length <= SYNC_IO_MAX
      ? Promise.resolve().then(() => fs.readSync(fd, buf, offset, length, position))
      : new Promise((resolve, reject) => {
          fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)));
        }),
  write: (fd, buf, offset, length, position) =>
    length <= SYNC_IO_MAX
      ? Promise.resolve().then(() => fs.writeSync(fd, buf, offset, length, position))
      : new Promise((resolve, reject) => {
          fs.write(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n)));
        }),
  fstat: async (fd) => toStat(fs.fstatSync(fd)),
  fchmod: async (fd, mode) => fs.fchmodSync(fd, mode),
  fsync: (fd) => pFsync(fd),
  lstat: async (path) => toStat(fs.lstatSync(path)),
  mkdir: async (path, mode) => {
    fs.mkdirSync(path, { mode });
  },
  chmod: async (path, mode) => fs.chmodSync(path, mode),
  rename: async (from, to) => fs.renameSync(from, to),
  link: async (from, to) => fs.linkSync(from, to),
  unlink: async (path) => fs.unlinkSync(path),
  realpath: async (path) => fs.realpathSync(path),
  readdir: async function* (path) {
    const dir = await fs.promises.opendir(path, { bufferSize: 256 });
    for await (const d of dir) yield d.name;
  },
  readFileSync: readFileSyncNoFollow,
  openDirSync: (path) => {
    const dir = fs.opendirSync(path, { bufferSize: 256 });
    return { readSync: () => dir.readSync()?.name ?? null, closeSync: () => dir.closeSync() };
  },
};
