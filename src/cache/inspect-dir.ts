// Who may change the cache behind our back: a cache dir owned by another user, or writable by a group or by everyone,
// lets that user plant or swap entries (and so steer DEL's prevResult). Reported, never repaired: the fix (chown,
// chmod, a new dir) is the admin's call.
import { join } from 'node:path';
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { type CacheFs, errnoCode } from './cache-fs.ts';

/** Why a cache directory is unsafe. */
export type DirProblemKind = 'not-owner' | 'group-writable' | 'world-writable' | 'symlink';

/** One unsafe property of one of the cache's directories (a directory can have several). */
export interface DirProblem {
  readonly kind: DirProblemKind;
  readonly path: string;
  /** Permission bits (mode & 0o7777) of the path itself (for a symlink, the link's). */
  readonly mode: number;
  /** The owner, when the file system reports one. */
  readonly uid: number | undefined;
}

/**
 * The problems of `<cacheDir>`, `results/` and `quarantine/`, looked at with lstat (nothing followed; a symlinked
 * dir is reported and nothing under it is looked at). Missing dirs have none. `uid` is who should own them.
 */
export async function inspectCacheDirs(fs: CacheFs, cacheDir: string, uid: number | undefined): Promise<DirProblem[]> {
  const out: DirProblem[] = [];
  for (const path of [cacheDir, join(cacheDir, 'results'), join(cacheDir, 'quarantine')]) {
    let st: Awaited<ReturnType<CacheFs['lstat']>>;
    try {
      st = await fs.lstat(path);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      // Missing: nothing to report, and nothing can be below a missing cache dir.
      if (path === cacheDir) break;
      continue;
    }
    const at = { path, mode: st.mode, uid: st.uid };
    if (st.kind === 'symlink') out.push({ kind: 'symlink', ...at });
    if (st.kind !== 'dir') {
      // Whatever is below a symlinked (or non-directory) cache dir is not ours to look at.
      if (path === cacheDir) break;
      continue;
    }
    if (uid !== undefined && st.uid !== undefined && st.uid !== uid) out.push({ kind: 'not-owner', ...at });
    if ((st.mode & 0o020) !== 0) out.push({ kind: 'group-writable', ...at });
    if ((st.mode & 0o002) !== 0) out.push({ kind: 'world-writable', ...at });
  }
  return out;
}

/**
 * Code 5 when `cacheDir` itself is a symlink, which the cache never follows (symlinks among its parents are the
 * admin's layout and fine); undefined otherwise, a missing dir included. `cacheDir` must have no trailing '/'.
 */
export async function symlinkedCacheDir(fs: CacheFs, cacheDir: string): Promise<CNIError | undefined> {
  try {
    if ((await fs.lstat(cacheDir)).kind !== 'symlink') return undefined;
  } catch {
    return undefined;
  }
  let hint = 'point the cache dir at the real directory instead';
  try {
    const real = await fs.realpath?.(cacheDir);
    if (real !== undefined && (await fs.lstat(real)).kind === 'dir') hint = `use its real path ${real} instead`;
  } catch {
    // A dangling link: the generic hint.
  }
  return new CNIError(ErrorCode.IOFailure, `cache directory ${cacheDir} is a symlink; refusing to follow it (${hint})`);
}
