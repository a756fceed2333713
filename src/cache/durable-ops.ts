// The write protocol's building blocks: exclusive temp file → write → fsync → rename → fsync dir, directories
// created 0700 with their parent fsynced, durable unlink. Each step is one CacheFs call, so a crash test can stop
// after any of them.
import { dirname, join } from 'node:path';
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { type CacheFs, errnoCode, O } from './cache-fs.ts';
import { tempFileName } from './entry-names.ts';

/** fsync a directory, making the names created, renamed or removed in it durable. */
export async function fsyncDir(fs: CacheFs, dir: string): Promise<void> {
  const fd = await fs.open(dir, O.RDONLY | O.DIRECTORY);
  try {
    await fs.fsync(fd);
  } finally {
    await fs.close(fd);
  }
}

/**
 * Makes sure `dir` is a directory, creating it and missing ancestors with mode 0700 (chmod'ed, so the umask
 * cannot widen or narrow it) and fsyncing each parent so the new name survives a crash. A symlink at `dir` is
 * refused (code 5) unless `allowSymlink`.
 */
export async function ensureDir(fs: CacheFs, dir: string, allowSymlink: boolean): Promise<void> {
  let kind: string | undefined;
  try {
    kind = (await fs.lstat(dir)).kind;
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  if (kind === 'dir' || (kind === 'symlink' && allowSymlink)) return;
  if (kind === 'symlink') {
    throw new CNIError(ErrorCode.IOFailure, `cache directory ${dir} is a symlink; refusing to follow it`);
  }
  if (kind !== undefined) throw new CNIError(ErrorCode.IOFailure, `cache directory ${dir} is not a directory`);
  const parent = dirname(dir);
  if (parent !== dir) await ensureDir(fs, parent, true);
  try {
    await fs.mkdir(dir, 0o700);
  } catch (e) {
    // Another writer made it first: check what it made.
    if (errnoCode(e) === 'EEXIST') return ensureDir(fs, dir, allowSymlink);
    throw e;
  }
  await fs.chmod(dir, 0o700);
  await fsyncDir(fs, parent);
}

/** Writes all of `data` at offset 0 of `fd`, looping over short writes. */
async function writeAll(fs: CacheFs, fd: number, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.byteLength) {
    const n = await fs.write(fd, data, off, data.byteLength - off, off);
    if (n <= 0) throw new Error(`write returned ${n}`);
    off += n;
  }
}

/**
 * Replaces `<dir>/<name>` with `data` atomically and durably: at every instant, and after a crash at any point,
 * the name holds the complete old bytes or the complete new ones. The temp file is removed if a step fails.
 */
export async function writeFileDurable(
  fs: CacheFs,
  dir: string,
  name: string,
  data: Uint8Array,
  unique: { readonly pid: number; readonly rand: string },
): Promise<void> {
  const tmp = join(dir, tempFileName(name, unique.pid, unique.rand));
  const fd = await fs.open(tmp, O.WRONLY | O.CREAT | O.EXCL | O.NOFOLLOW, 0o600);
  try {
    try {
      await fs.fchmod(fd, 0o600);
      await writeAll(fs, fd, data);
      await fs.fsync(fd);
    } finally {
      await fs.close(fd);
    }
    await fs.rename(tmp, join(dir, name));
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fsyncDir(fs, dir);
}

/**
 * Unlinks `path` and fsyncs its directory; false when there was nothing to remove. The directory is fsynced even
 * then, because the name may be gone only from memory (an unlink by a process that died before its fsync).
 */
export async function unlinkDurable(fs: CacheFs, path: string): Promise<boolean> {
  let removed = true;
  try {
    await fs.unlink(path);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
    removed = false;
  }
  try {
    await fsyncDir(fs, dirname(path));
  } catch (e) {
    if (removed || errnoCode(e) !== 'ENOENT') throw e;
  }
  return removed;
}
