// Kernel repairs: an orphan veth (re-checked to still be one right before it goes) and a netns only a dead intent
// named (unmounted and removed as `ip netns delete` does).
import { lstat, unlink } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { runChecked } from '../exec.ts';
import { parseLinks } from '../probes/links.ts';
import { DEFAULT_NETNS_DIR } from '../probes/netns.ts';
import type { RepairContext } from './context.ts';

/** Deletes a host veth if it is still the same orphan (same ifindex, same master, peer not in another netns). */
export async function deleteLink(
  ctx: RepairContext,
  l: { link: string; ifindex: number; master: string },
): Promise<string> {
  const show = await ctx.run('ip', ['-j', '-d', 'link', 'show', 'dev', l.link]);
  if (show.code !== 0) return 'already gone';
  const now = parseLinks(show.stdout)[0];
  if (now === undefined) return 'already gone';
  if (now.ifindex !== l.ifindex || now.master !== l.master || now.kind !== 'veth' || now.peerNsid !== undefined) {
    throw new Error(`${l.link} changed since the scan; left alone`);
  }
  await runChecked(ctx.run, 'ip', ['link', 'delete', 'dev', l.link]);
  const after = await ctx.run('ip', ['-j', 'link', 'show', 'dev', l.link]);
  if (after.code === 0 && parseLinks(after.stdout).some((x) => x.ifindex === l.ifindex))
    throw new Error(`${l.link} still present`);
  return 'deleted';
}

/** Unmounts and removes a named netns under the netns dir. */
export async function removeNetns(ctx: RepairContext, path: string): Promise<string> {
  const dir = resolve(ctx.netnsDir);
  if (dirname(resolve(path)) !== dir) throw new Error(`refusing to remove ${path}: not in ${dir}`);
  if ((await lstat(path).catch(() => undefined)) === undefined) return 'already gone';
  if (dir === DEFAULT_NETNS_DIR || dir === '/var/run/netns') {
    await runChecked(ctx.run, 'ip', ['netns', 'delete', basename(path)]);
  } else {
    // A lazy unmount, as ip-netns does: processes still inside keep the netns alive, the name goes.
    await runChecked(ctx.run, 'umount', ['-l', path]);
    await unlink(path);
  }
  if ((await lstat(path).catch(() => undefined)) !== undefined) throw new Error(`${path} still exists`);
  return 'removed';
}
