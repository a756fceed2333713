// A dead attachment's DEL through the runtime: the plugin list its cache entry recorded (what ADD ran), else the conf
// dir's; the runtime brings the prevResult (cached, or reconstructed from host-local's store) and quarantines a bad file.
import {
  configListFromConfig,
  type NetworkConfigList,
  parseConfigList,
  parsePluginConfig,
} from '../../config/index.ts';
import type { RuntimeConf } from '../../runtime/index.ts';
import type { DelTarget } from '../types.ts';
import { messageOf, type RepairContext } from './context.ts';

/** The plugin list and runtime conf a DEL of `t` should use, or why there is none. */
export async function delInputs(
  ctx: RepairContext,
  t: DelTarget,
): Promise<{ list: NetworkConfigList; rt: RuntimeConf; configSource: 'cache' | 'conf-dir' } | { error: string }> {
  const key = { networkName: t.network, containerId: t.containerId, ifName: t.ifName };
  const base: RuntimeConf = { containerId: t.containerId, ifName: t.ifName, netns: t.netns };
  const read = await ctx.cache.read(key).catch(() => undefined);
  const entry = read !== undefined && (read.state === 'ok' || read.state === 'intent') ? read.entry : undefined;
  const rt: RuntimeConf =
    entry === undefined ? base : { ...base, args: entry.cniArgs, capabilityArgs: entry.capabilityArgs };
  if (entry !== undefined && entry.config.byteLength > 0) {
    const cached = parseCachedConfig(entry.config);
    if (cached !== undefined && cached.name === t.network) return { list: cached, rt, configSource: 'cache' };
  }
  const net = ctx.networks.byName.get(t.network);
  if (net === undefined)
    return { error: `network ${t.network} is not in the conf dir and its cache entry holds no usable config` };
  return { list: net.list, rt, configSource: 'conf-dir' };
}

function parseCachedConfig(bytes: Uint8Array): NetworkConfigList | undefined {
  try {
    return parseConfigList(bytes);
  } catch {
    // libcni's single-plugin calls cache the plugin's own config rather than a list.
  }
  try {
    return configListFromConfig(parsePluginConfig(bytes));
  } catch {
    return undefined;
  }
}

/** Runs the DEL; resolves with a detail line, or throws the runtime's error. */
export async function runDelTarget(ctx: RepairContext, t: DelTarget): Promise<string> {
  const inputs = await delInputs(ctx, t);
  if ('error' in inputs) throw new Error(inputs.error);
  let report: Awaited<ReturnType<ReturnType<RepairContext['runtime']>['delNetworkList']>>;
  try {
    report = await ctx
      .runtime()
      .delNetworkList(inputs.list, inputs.rt, ctx.signal === undefined ? undefined : { signal: ctx.signal });
  } catch (e) {
    throw new Error(`DEL ${t.network} ${t.containerId} ${t.ifName} failed: ${messageOf(e)}`);
  }
  const parts = [
    `config from ${inputs.configSource}`,
    `cache ${report.cacheState}`,
    `prevResult ${report.prevResultSource}`,
    `${report.pluginsRun} plugin(s) run`,
  ];
  if (report.quarantined !== undefined) parts.push(`quarantined ${report.quarantined}`);
  return parts.join(', ');
}
