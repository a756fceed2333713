// Applies one action and verifies it; an action never throws, it ends as done, failed or skipped.
import type { Action, ActionOutcome } from '../types.ts';
import { messageOf, type RepairContext } from './context.ts';
import { runDelTarget } from './del.ts';
import { quarantineEntry, releaseReservation, removeTempFile } from './files.ts';
import { deleteChain, deleteRule } from './iptables.ts';
import { deleteLink, removeNetns } from './kernel.ts';

async function applyDel(ctx: RepairContext, a: Action & { kind: 'del' }): Promise<string> {
  const t = a.target;
  let detail = await runDelTarget(ctx, t);
  // Verify: a DEL that succeeded removed the entry; one still there means the runtime kept it for a retry.
  const after = await ctx.cache.read({ networkName: t.network, containerId: t.containerId, ifName: t.ifName });
  if (after.state !== 'missing') throw new Error(`cache entry still present after DEL (${after.state}); ${detail}`);
  if (a.removeNetns !== undefined) detail += `; netns ${await removeNetns(ctx, a.removeNetns)}`;
  return detail;
}

async function applyRemove(ctx: RepairContext, a: Action & { kind: 'remove' }): Promise<string> {
  const f = a.finding;
  switch (f.kind) {
    case 'iptables-stale-rule':
      return deleteRule(ctx, f);
    case 'iptables-stale-chain':
      return deleteChain(ctx, f);
    case 'orphan-veth':
      return deleteLink(ctx, f);
    case 'ipam-leak':
      return releaseReservation(ctx, f);
    case 'leaked-netns':
      return removeNetns(ctx, f.path);
    case 'cache-empty':
    case 'cache-corrupt':
    case 'cache-intent':
    case 'cache-netns-gone':
      return quarantineEntry(ctx, f);
    case 'cache-temp-stale':
      return removeTempFile(ctx, f.path);
    case 'cache-quarantined':
      throw new Error('quarantined files are kept on purpose');
    case 'cache-dir-unsafe':
      throw new Error("a cache dir's owner and mode are the admin's to change");
  }
}

/** Applies `action` unless `confirm` declines it; verifies the result and reports it. */
export async function applyAction(
  ctx: RepairContext,
  action: Action,
  confirm?: ((action: Action) => Promise<boolean>) | undefined,
): Promise<ActionOutcome> {
  if (ctx.signal?.aborted === true) return { status: 'skipped', action, detail: 'interrupted' };
  if (confirm !== undefined && !(await confirm(action))) return { status: 'skipped', action, detail: 'declined' };
  try {
    const detail = action.kind === 'del' ? await applyDel(ctx, action) : await applyRemove(ctx, action);
    return { status: 'done', action, detail };
  } catch (e) {
    return { status: 'failed', action, error: messageOf(e) };
  }
}
