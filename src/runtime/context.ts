// What every operation needs: plugin lookup/exec, the cache, and how to build a plugin's invocation.
import type { ResultCache } from '../cache/index.ts';
import type { NetworkConfig } from '../config/index.ts';
import type { CNICommand, Exec, ExecOptions, InvokeArgs } from '../invoke/index.ts';
import type { AttachmentLocks } from './locks.ts';
import type { CallOptions, RuntimeConf } from './types.ts';

export interface RuntimeContext {
  readonly path: readonly string[];
  readonly exec: Exec;
  readonly cache: ResultCache;
  readonly locks: AttachmentLocks;
  readonly timeoutMs: number;
  readonly stderr: ((chunk: Uint8Array) => void) | undefined;
  readonly ipamDataDir: string;
}

/** The exec options for one plugin run under this call. */
export function execOptions(ctx: RuntimeContext, call: CallOptions | undefined): ExecOptions {
  return { signal: call?.signal, timeoutMs: ctx.timeoutMs, stderr: ctx.stderr };
}

/** CNI_* values for an attachment command (libcni's c.args). */
export function attachmentArgs(ctx: RuntimeContext, command: CNICommand, rt: RuntimeConf): InvokeArgs {
  return {
    command,
    containerId: rt.containerId,
    netns: rt.netns,
    ifName: rt.ifName,
    pluginArgs: rt.args ?? [],
    path: ctx.path,
  };
}

/** CNI_* values for GC and STATUS, which name no attachment. */
export function networkArgs(ctx: RuntimeContext, command: CNICommand): InvokeArgs {
  return { command, path: ctx.path };
}

/** A plugin of a list with the executable it resolved to, or why it did not resolve. */
export type FoundPlugin =
  | { readonly ok: true; readonly plugin: NetworkConfig; readonly pluginPath: string }
  | { readonly ok: false; readonly plugin: NetworkConfig; readonly error: unknown };

/** Resolves every plugin of a list, in order, before anything runs. */
export async function findAll(ctx: RuntimeContext, plugins: readonly NetworkConfig[]): Promise<FoundPlugin[]> {
  const found: FoundPlugin[] = [];
  for (const plugin of plugins) {
    try {
      found.push({ ok: true, plugin, pluginPath: await ctx.exec.findInPath(plugin.network.type, ctx.path) });
    } catch (error) {
      found.push({ ok: false, plugin, error });
    }
  }
  return found;
}

/** The cache key of an attachment on a network. */
export function keyOf(
  networkName: string,
  rt: RuntimeConf,
): { networkName: string; containerId: string; ifName: string } {
  return { networkName, containerId: rt.containerId, ifName: rt.ifName };
}

/** The lock name of an attachment. */
export function lockName(networkName: string, rt: RuntimeConf): string {
  return `${networkName}\0${rt.containerId}\0${rt.ifName}`;
}
