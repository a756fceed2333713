// File repairs: a host-local reservation (only under host-local's own flock, re-read under it), a bad cache entry
// (quarantined, never deleted: it is evidence), and a writer's stale temp file.
import { lstat, readFile, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { isTempName } from '../../cache/index.ts';
import { withStoreLock } from '../flock.ts';
import { isHostLocalOwnFile, parseReservation } from '../probes/ipam.ts';
import type { Finding } from '../types.ts';
import type { RepairContext } from './context.ts';

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Removes a reservation file if, under host-local's lock, it still names the same (dead) owner. */
export async function releaseReservation(
  ctx: RepairContext,
  r: { path: string; storeDir: string; containerId: string | undefined; ip: string },
): Promise<string> {
  if (dirname(r.path) !== r.storeDir || isHostLocalOwnFile(basename(r.path)) || basename(r.path) !== r.ip) {
    throw new Error(`refusing to remove ${r.path}: not a reservation file of ${r.storeDir}`);
  }
  return withStoreLock(r.storeDir, { ...ctx.lock, signal: ctx.signal }, async () => {
    let text: string;
    try {
      text = await readFile(r.path, 'utf8');
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return 'already released';
      throw e;
    }
    const now = parseReservation(text);
    // Released and re-reserved since the scan: it belongs to someone else now.
    if (now.containerId !== r.containerId)
      throw new Error(`${r.path} now belongs to ${now.containerId ?? 'nobody'}; left alone`);
    await unlink(r.path);
    if (await exists(r.path)) throw new Error(`${r.path} still exists after unlink`);
    return 'released under lock';
  });
}

/** Quarantines a cache file if it is still in the state the scan found. */
export async function quarantineEntry(ctx: RepairContext, f: Finding & { path: string }): Promise<string> {
  const read = await ctx.cache.readPath(f.path);
  const expected: Readonly<Record<string, string>> = {
    'cache-empty': 'empty',
    'cache-corrupt': 'corrupt',
    'cache-intent': 'intent',
    'cache-netns-gone': 'ok',
  };
  if (read.state === 'missing') return 'already gone';
  if (read.state !== expected[f.kind])
    throw new Error(`${f.path} changed since the scan (now ${read.state}); left alone`);
  if (f.kind === 'cache-netns-gone' && (await exists(f.netns)))
    throw new Error(`netns ${f.netns} exists again; left alone`);
  const reason = f.kind === 'cache-corrupt' ? `doctor: corrupt: ${f.reason}` : `doctor: ${f.kind}`;
  const to = await ctx.cache.quarantine(f.path, reason);
  if (await exists(f.path)) throw new Error(`${f.path} still exists after quarantine`);
  return `moved to ${to}`;
}

/** Removes one of our temp files from results/ if it is still older than --min-age. */
export async function removeTempFile(ctx: RepairContext, path: string): Promise<string> {
  if (dirname(path) !== ctx.cache.resultsDir || !isTempName(basename(path))) {
    throw new Error(`refusing to remove ${path}: not a cnikit temp file in ${ctx.cache.resultsDir}`);
  }
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined) return 'already gone';
  if (!st.isFile() || ctx.now() - st.mtimeMs < ctx.minAgeMs) throw new Error(`${path} was written again; left alone`);
  await unlink(path);
  return 'removed';
}
