// Reading one cache file without following a symlink or blocking on a FIFO, into a read outcome.
import { type CacheFs, errnoCode, O, type RawFile } from './cache-fs.ts';
import { decodeEntry, MAX_ENTRY_BYTES } from './decode-entry.ts';
import type { CacheRead } from './types.ts';

async function readAll(fs: CacheFs, fd: number, size: number): Promise<Uint8Array> {
  // The size is a hint: a file written by a non-atomic writer (Go) may grow while we read. Not zero-filled (every
  // byte returned was read) and not from Node's pool (a slice would pin a shared slab while decoded data lives).
  let buf: Uint8Array = Buffer.allocUnsafeSlow(size + 1);
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      if (buf.length > MAX_ENTRY_BYTES) break;
      const bigger = Buffer.allocUnsafeSlow(Math.min(buf.length * 2, MAX_ENTRY_BYTES + 1));
      bigger.set(buf);
      buf = bigger;
    }
    const want = buf.length - len;
    const n = await fs.read(fd, buf, len, want, len);
    len += n;
    // Reaching the size fstat gave is the end in all but a race with a writer: that saves the extra read(2)
    // returning 0. Otherwise (a short read elsewhere, as FUSE or NFS may give) read on until 0.
    if (n === 0 || (n < want && len === size)) break;
  }
  return buf.subarray(0, len);
}

/** The file at `path` through the async CacheFs calls; never throws. */
export async function readRawFile(fs: CacheFs, path: string): Promise<RawFile> {
  let fd: number;
  try {
    fd = await fs.open(path, O.RDONLY | O.NOFOLLOW | O.NONBLOCK);
  } catch (e) {
    const code = errnoCode(e) ?? String(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code !== 'ELOOP') return { kind: 'error', code };
    try {
      return { kind: 'symlink', mtimeMs: (await fs.lstat(path)).mtimeMs };
    } catch {
      return { kind: 'symlink' };
    }
  }
  try {
    const st = await fs.fstat(fd);
    if (st.kind !== 'file') return { kind: st.kind === 'dir' ? 'dir' : 'other', mtimeMs: st.mtimeMs };
    if (st.size > MAX_ENTRY_BYTES) return { kind: 'too-large', size: st.size, mtimeMs: st.mtimeMs };
    const bytes = await readAll(fs, fd, st.size);
    if (bytes.byteLength > MAX_ENTRY_BYTES) return { kind: 'too-large', size: bytes.byteLength, mtimeMs: st.mtimeMs };
    return { kind: 'file', bytes, mtimeMs: st.mtimeMs };
  } catch (e) {
    return { kind: 'error', code: errnoCode(e) ?? String(e) };
  } finally {
    await fs.close(fd).catch(() => undefined);
  }
}

/** The outcome for what was found at `path`. A symlink, directory or special file is corrupt. */
export function classifyRawFile(raw: RawFile, path: string): CacheRead {
  const at = (mtimeMs: number | undefined) => (mtimeMs === undefined ? {} : { mtimeMs });
  switch (raw.kind) {
    case 'file':
      return decodeEntry(raw.bytes, path, raw.mtimeMs);
    // ENOTDIR lands here too: a component of the path is a file, so nothing can be cached there (Go says the same).
    case 'missing':
      return { state: 'missing', path };
    case 'symlink':
      return { state: 'corrupt', path, reason: 'a symlink (never followed)', ...at(raw.mtimeMs) };
    case 'dir':
      return { state: 'corrupt', path, reason: 'a directory', ...at(raw.mtimeMs) };
    case 'other':
      return { state: 'corrupt', path, reason: 'not a regular file', ...at(raw.mtimeMs) };
    case 'too-large':
      return { state: 'corrupt', path, reason: `too large (${raw.size} bytes)`, mtimeMs: raw.mtimeMs };
    case 'error':
      return { state: 'corrupt', path, reason: `unreadable: ${raw.code}` };
  }
}

/** Reads the file at `path` into an outcome; never throws. */
export async function readEntryFile(fs: CacheFs, path: string): Promise<CacheRead> {
  return classifyRawFile(await readRawFile(fs, path), path);
}
