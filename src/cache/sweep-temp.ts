// Temp files left by a writer that died between create and rename. Only names our writer uses, only older than a
// grace period (a live writer's temp file is seconds old at most), so another process's write is never disturbed.
import { join } from 'node:path';
import { type CacheFs, errnoCode } from './cache-fs.ts';
import { fsyncDir } from './durable-ops.ts';
import { isTempName, isTempNameOf } from './entry-names.ts';

/**
 * Removes our stale temp files from `dir`; returns their paths. A missing directory has none. With `onlyFor`, only
 * the temp files of that entry name go, whatever their age: the caller holds that attachment, so no writer of ours
 * is using them.
 */
export async function sweepTempFiles(
  fs: CacheFs,
  dir: string,
  graceMs: number,
  nowMs: number,
  onlyFor?: string,
): Promise<string[]> {
  const removed: string[] = [];
  try {
    for await (const name of fs.readdir(dir)) {
      if (onlyFor === undefined ? !isTempName(name) : !isTempNameOf(name, onlyFor)) continue;
      const path = join(dir, name);
      try {
        const st = await fs.lstat(path);
        if (st.kind !== 'file' || (onlyFor === undefined && nowMs - st.mtimeMs < graceMs)) continue;
        await fs.unlink(path);
        removed.push(path);
      } catch (e) {
        // Gone already (another sweeper, or the writer finished): nothing to do.
        if (errnoCode(e) !== 'ENOENT') throw e;
      }
    }
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' && removed.length === 0) return removed;
    throw e;
  }
  if (removed.length > 0) await fsyncDir(fs, dir);
  return removed;
}
