// GC: DEL every cached attachment of the network that is not valid, then the spec's GC verb (>= 1.1.0).
// cnikit also sweeps empty and corrupt entries (owner from the file name), which upstream never sees.
import { injectConf, type NetworkConfigList } from '../config/index.ts';
import { execPluginWithoutResult } from '../invoke/index.ts';
import { CNIAggregateError, CNIError, toCNIError, versionAtLeast } from '../spec/index.ts';
import { execOptions, networkArgs, type RuntimeContext } from './context.ts';
import { runDel } from './del.ts';
import type { CallOptions, GCArgs, RuntimeConf } from './types.ts';

/** What a GC removed, and every failure (GC never stops at one). */
export interface GCReport {
  readonly removed: readonly { readonly containerId: string; readonly ifName: string; readonly state: string }[];
  readonly errors: readonly CNIError[];
}

/** Sweeps stale attachments of `list` and sends GC to its plugins; errors are joined, never stop the sweep. */
export async function runGC(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  args: GCArgs,
  call: CallOptions | undefined,
): Promise<GCReport> {
  if (list.disableGC) return { removed: [], errors: [] };
  const valid = new Set(args.validAttachments.map((a) => `${a.containerID}\0${a.ifname}`));
  const errors: CNIError[] = [];
  const removed: GCReport['removed'][number][] = [];

  let listed: Awaited<ReturnType<typeof ctx.cache.list>> = [];
  try {
    listed = await ctx.cache.list({ networkName: list.name, knownNetworks: [list.name] });
  } catch (cause) {
    errors.push(toCNIError(cause));
  }
  for (const item of listed) {
    const owner = item.owner;
    if (owner === undefined || owner.networkName !== list.name) continue;
    if (valid.has(`${owner.containerId}\0${owner.ifName}`)) continue;
    const read = item.read;
    const entry = read.state === 'ok' || read.state === 'intent' ? read.entry : undefined;
    const rt: RuntimeConf = {
      containerId: owner.containerId,
      ifName: owner.ifName,
      netns: entry?.netns ?? '',
      args: entry?.cniArgs ?? [],
      capabilityArgs: entry?.capabilityArgs ?? {},
    };
    try {
      await runDel(ctx, list, rt, call, { wrap: true });
      removed.push({ containerId: owner.containerId, ifName: owner.ifName, state: read.state });
    } catch (cause) {
      errors.push(prefixed(cause, `failed to delete stale attachment ${owner.containerId} ${owner.ifName}: `));
    }
  }

  if (versionAtLeast(safeVersion(list.cniVersion), '1.1.0')) {
    for (const plugin of list.plugins) {
      try {
        const pluginPath = await ctx.exec.findInPath(plugin.network.type, ctx.path);
        // Both keys: the spec first named it cni.dev/attachments (cni#1101), and plugins read either.
        const stdin = injectConf(plugin, {
          name: list.name,
          cniVersion: list.cniVersion,
          'cni.dev/valid-attachments': args.validAttachments,
          'cni.dev/attachments': args.validAttachments,
        });
        await execPluginWithoutResult(ctx.exec, pluginPath, stdin, networkArgs(ctx, 'GC'), execOptions(ctx, call));
      } catch (cause) {
        errors.push(prefixed(cause, `failed to GC plugin ${plugin.network.type}: `));
      }
    }
  }
  return { removed, errors };
}

/** Throws the report's errors joined (upstream's errors.Join text: one message per line). */
export function throwIfErrors(report: GCReport): void {
  if (report.errors.length > 0) throw new CNIAggregateError(report.errors);
}

function prefixed(cause: unknown, prefix: string): CNIError {
  const err = toCNIError(cause);
  return new CNIError(err.code, prefix + err.message, { cause: err });
}

// A version that does not parse counts as "not >= 1.1.0" for GC, as upstream.
function safeVersion(v: string): string {
  try {
    versionAtLeast(v, '0.0.0');
    return v;
  } catch {
    return '0.0.0';
  }
}
