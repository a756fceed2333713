// The cache getters, with upstream's contracts: a missing entry is "nothing", a bad one is an error.
import type { NetworkConfigList } from '../config/index.ts';
import { CNIError, ErrorCode, type Result } from '../spec/index.ts';
import { badCacheError } from './cache-errors.ts';
import { cachedPrevResult } from './check.ts';
import { keyOf, type RuntimeContext } from './context.ts';
import type { NetworkAttachment, RuntimeConf } from './types.ts';

/** The cached result of an attachment converted to the list's version; undefined when there is none. */
export async function cachedResult(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  rt: RuntimeConf,
): Promise<Result | undefined> {
  return cachedPrevResult(ctx, list.name, list.cniVersion, rt);
}

/** The config bytes and runtime conf cached for an attachment (args and capability args from the cache). */
export async function cachedConfig(
  ctx: RuntimeContext,
  networkName: string,
  rt: RuntimeConf,
): Promise<{ config: Uint8Array; rt: RuntimeConf } | undefined> {
  if (networkName === '' || rt.containerId === '' || rt.ifName === '') {
    throw new CNIError(
      ErrorCode.InvalidNetworkConfig,
      `cache file path requires network name (${JSON.stringify(networkName)}), container ID (${JSON.stringify(rt.containerId)}), and interface name (${JSON.stringify(rt.ifName)})`,
    );
  }
  const read = await ctx.cache.read(keyOf(networkName, rt));
  switch (read.state) {
    case 'missing':
      return undefined;
    case 'ok':
      if (read.legacy)
        throw new CNIError(
          ErrorCode.DecodingFailure,
          `read cached network ${JSON.stringify(networkName)} config has wrong kind: `,
        );
      return {
        config: read.entry.config,
        rt: { ...rt, args: read.entry.cniArgs, capabilityArgs: read.entry.capabilityArgs },
      };
    case 'intent':
      return {
        config: read.entry.config,
        rt: { ...rt, args: read.entry.cniArgs, capabilityArgs: read.entry.capabilityArgs },
      };
    case 'empty':
    case 'corrupt':
      throw badCacheError(networkName, read);
  }
}

/**
 * Every well-formed cached attachment (complete, or an intent record), optionally of one container, by file name.
 * As Go's GetCachedAttachments, a result is not parsed here: a record whose result is malformed is listed (DEL and
 * GC read it whole, and treat it as corrupt then).
 */
export async function cachedAttachments(
  ctx: RuntimeContext,
  containerId: string | undefined,
): Promise<NetworkAttachment[]> {
  // Streamed, keeping only what is returned: holding every decoded entry until the end cost 2.5x Go's memory on
  // 100,000 entries (bench/RESULTS.md §4).
  const found: { fileName: string; attachment: NetworkAttachment }[] = [];
  const filter = containerId === undefined || containerId === '' ? {} : { containerId };
  for await (const batch of ctx.cache.recordBatches(filter)) {
    for (const { fileName, entry: e, complete } of batch) {
      if (e.ifName === '' || e.networkName === '') continue;
      found.push({
        fileName,
        attachment: {
          containerId: e.containerId,
          network: e.networkName,
          ifName: e.ifName,
          config: e.config,
          netns: e.netns ?? '',
          cniArgs: e.cniArgs,
          capabilityArgs: e.capabilityArgs,
          complete,
        },
      });
    }
  }
  found.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  return found.map((f) => f.attachment);
}
