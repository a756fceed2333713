// Reading one cache file without following a symlink or blocking on a FIFO, into a read outcome.
import { type CacheFs, errnoCode, O } from './cache-fs.ts';
import { decodeEntry, MAX_ENTRY_BYTES } from './decode-entry.ts';
import type { CacheRead } from './types.ts';

async function readAll(fs: CacheFs, fd: number, size: number): Promise<Uint8Array> {
  // The size is a hint: a file written by a non-atomic writer (Go) may grow while we read.
  let buf = new Uint8Array(Math.min(Math.max(size, 0), MAX_ENTRY_BYTES) + 1);
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      if (buf.length > MAX_ENTRY_BYTES) break;
      const bigger = new Uint8Array(Math.min(buf.length * 2, MAX_ENTRY_BYTES + 1));
      bigger.set(buf);
      buf = bigger;
    }
    const n = await fs.read(fd, buf, len, buf.length - len, len);
    if (n === 0) break;
    len += n;
  }
  return buf.subarray(0, len);
}

async function symlinkRead(fs: CacheFs, path: string): Promise<CacheRead> {
  const reason = 'a symlink (never followed)';
  try {
    const st = await fs.lstat(path);
    return { state: 'corrupt', path, reason, mtimeMs: st.mtimeMs };
  } catch {
    return { state: 'corrupt', path, reason };
  }
}

/** Reads the file at `path` into an outcome; never throws. A symlink, directory or special file is corrupt. */
export async function readEntryFile(fs: CacheFs, path: string): Promise<CacheRead> {
  let fd: number;
  try {
    fd = await fs.open(path, O.RDONLY | O.NOFOLLOW | O.NONBLOCK);
  } catch (e) {
    const code = errnoCode(e);
    // ENOTDIR: a component of the path is a file; nothing can be cached there, which is what Go's read says too.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'missing', path };
    if (code === 'ELOOP') return symlinkRead(fs, path);
    return { state: 'corrupt', path, reason: `unreadable: ${code ?? String(e)}` };
  }
  try {
    const st = await fs.fstat(fd);
    if (st.kind === 'dir') return { state: 'corrupt', path, reason: 'a directory', mtimeMs: st.mtimeMs };
    if (st.kind !== 'file') return { state: 'corrupt', path, reason: 'not a regular file', mtimeMs: st.mtimeMs };
    if (st.size > MAX_ENTRY_BYTES) {
      return { state: 'corrupt', path, reason: `too large (${st.size} bytes)`, mtimeMs: st.mtimeMs };
    }
    return decodeEntry(await readAll(fs, fd, st.size), path, st.mtimeMs);
  } catch (e) {
    return { state: 'corrupt', path, reason: `unreadable: ${errnoCode(e) ?? String(e)}` };
  } finally {
    await fs.close(fd).catch(() => undefined);
  }
}
