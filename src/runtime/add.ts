// ADD: upstream libcni's order of checks, plus cnikit's intent record so a crash mid-ADD stays visible.
import type { CacheEntry } from '../cache/index.ts';
import { buildPluginStdin, type NetworkConfigList } from '../config/index.ts';
import { execPluginWithResult } from '../invoke/index.ts';
import {
  CNIError,
  ErrorCode,
  type Result,
  resultToJSON,
  validateContainerId,
  validateInterfaceName,
  validateNetworkName,
} from '../spec/index.ts';
import { attachmentArgs, execOptions, findAll, keyOf, type RuntimeContext } from './context.ts';
import { runDel } from './del.ts';
import { pluginFailed } from './describe.ts';
import type { CallOptions, RuntimeConf } from './types.ts';

/** The cache entry for an attachment; without `result` it is an intent record. */
export function entryFor(list: NetworkConfigList, rt: RuntimeConf, result: Result | undefined): CacheEntry {
  const base = {
    kind: 'cniCacheV1' as const,
    containerId: rt.containerId,
    config: list.bytes,
    ifName: rt.ifName,
    networkName: list.name,
    cniArgs: rt.args ?? [],
    capabilityArgs: rt.capabilityArgs ?? {},
    ...(rt.netns === '' ? {} : { netns: rt.netns }),
  };
  return result === undefined ? base : { ...base, result: resultToJSON(result) };
}

/**
 * Runs every plugin's ADD in order (each gets the previous result), caches the final result durably and returns it.
 * A plugin failure is `plugin type="T" failed (add): <cause>`; the caller must DEL, as the spec says.
 */
export async function runAdd(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  rt: RuntimeConf,
  call: CallOptions | undefined,
  wrap: boolean,
): Promise<Result | undefined> {
  const found = await findAll(ctx, list.plugins);
  const fail = (plugin: (typeof found)[number]['plugin'] | undefined, cause: unknown): CNIError =>
    wrap ? pluginFailed(plugin, 'add', cause) : toError(cause);
  for (const f of found) if (!f.ok) throw fail(f.plugin, f.error);
  try {
    validateContainerId(rt.containerId);
    validateNetworkName(list.name);
    validateInterfaceName(rt.ifName);
  } catch (cause) {
    throw fail(list.plugins[0], cause);
  }

  const key = keyOf(list.name, rt);
  // The intent record comes first: if this process dies while plugins run, DEL/GC/doctor still see the attachment.
  // If it cannot be written (read-only or full disk) nothing has run yet, so failing here leaks nothing.
  try {
    await ctx.cache.write(key, entryFor(list, rt, undefined));
  } catch (cause) {
    throw cacheWriteFailed(list.name, cause);
  }

  let prev: Result | undefined;
  for (const f of found) {
    if (!f.ok) continue;
    try {
      const stdin = buildPluginStdin({
        plugin: f.plugin,
        name: list.name,
        cniVersion: list.cniVersion,
        prevResult: prev,
        capabilityArgs: rt.capabilityArgs,
      });
      prev = await execPluginWithResult(
        ctx.exec,
        f.pluginPath,
        stdin,
        attachmentArgs(ctx, 'ADD', rt),
        execOptions(ctx, call),
      );
    } catch (cause) {
      await ctx.cache.remove(key).catch(() => {});
      throw fail(f.plugin, cause);
    }
  }

  try {
    await ctx.cache.write(key, entryFor(list, rt, prev));
  } catch (cause) {
    // The result cannot be cached, so a later DEL would lack it: undo now while we still hold it.
    await runDel(ctx, list, rt, call, { prevResult: prev, wrap: true }).catch(() => {});
    await ctx.cache.remove(key).catch(() => {});
    throw cacheWriteFailed(list.name, cause);
  }
  return prev;
}

function toError(cause: unknown): CNIError {
  if (CNIError.is(cause)) return cause;
  return new CNIError(ErrorCode.Internal, cause instanceof Error ? cause.message : String(cause), { cause });
}

function cacheWriteFailed(name: string, cause: unknown): CNIError {
  const text = cause instanceof Error ? cause.message : String(cause);
  return new CNIError(ErrorCode.IOFailure, `failed to set network ${JSON.stringify(name)} cached result: ${text}`, {
    cause,
  });
}
