// Moving a bad cache file out of results/ instead of deleting it: the bytes stay for forensics, and no earlier
// quarantined file is ever overwritten. link + unlink rather than rename: link refuses an existing name, and the
// file is durable under its new name before the old one goes, so a crash can leave it in both places, never none.
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { type CacheFs, errnoCode } from './cache-fs.ts';
import { ensureDir, fsyncDir, writeFileDurable } from './durable-ops.ts';

/** Attempts at `<name>.<stamp>.<n>` before giving up (a clock that stands still, or a flood). */
const MAX_SUFFIX = 1000;

/** `20250102T030405.678Z`: sortable, and free of ':' (which some tools mishandle in file names). */
export function quarantineStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

async function exists(fs: CacheFs, path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw e;
  }
}

/** Puts the file (or directory) at `path` under a new name in `qdir`; returns that name's path. */
async function moveIn(fs: CacheFs, path: string, isDir: boolean, qdir: string, stamp: string): Promise<string> {
  const name = basename(path);
  for (let n = 0; n < MAX_SUFFIX; n++) {
    const dest = join(qdir, n === 0 ? `${name}.${stamp}` : `${name}.${stamp}.${n}`);
    if (isDir) {
      // Directories cannot be hard-linked; check, then rename (callers hold the attachment, so nothing races us).
      if (await exists(fs, dest)) continue;
      await fs.rename(path, dest);
      return dest;
    }
    try {
      await fs.link(path, dest);
      return dest;
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
    }
  }
  throw new CNIError(ErrorCode.IOFailure, `cannot quarantine ${path}: ${MAX_SUFFIX} names taken in ${qdir}`);
}

/**
 * Moves the bad file `path` (a direct child of `<cacheDir>/results`) to `<cacheDir>/quarantine/<name>.<stamp>[.<n>]`
 * with a `.reason` note beside it, durably; returns the new path. Throws code 5 for a path outside results/.
 */
export async function quarantineFile(
  fs: CacheFs,
  cacheDir: string,
  path: string,
  reason: string,
  now: Date,
): Promise<string> {
  const resultsDir = join(cacheDir, 'results');
  const name = basename(path);
  if (dirname(path) !== resultsDir || name === '' || name === '.' || name === '..') {
    throw new CNIError(ErrorCode.IOFailure, `refusing to quarantine ${path}: not a file in ${resultsDir}`);
  }
  await ensureDir(fs, resultsDir, false);
  const st = await fs.lstat(path).catch((e: unknown) => {
    throw new CNIError(ErrorCode.IOFailure, `cannot quarantine ${path}: ${errnoCode(e) ?? String(e)}`, { cause: e });
  });
  const qdir = join(cacheDir, 'quarantine');
  await ensureDir(fs, qdir, false);
  const dest = await moveIn(fs, path, st.kind === 'dir', qdir, quarantineStamp(now));
  const note = `${JSON.stringify({ from: path, reason, at: now.toISOString() })}\n`;
  try {
    await writeFileDurable(fs, qdir, `${basename(dest)}.reason`, Buffer.from(note), {
      pid: process.pid,
      rand: randomBytes(6).toString('hex'),
    });
  } catch {
    // The note is a courtesy; the bytes are what matter, and they are safe once the directory is fsynced.
  }
  await fsyncDir(fs, qdir);
  if (st.kind !== 'dir') await fs.unlink(path);
  await fsyncDir(fs, resultsDir);
  return dest;
}
