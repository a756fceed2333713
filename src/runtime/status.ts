// STATUS (spec 1.1.0) and VERSION/validate, as upstream libcni does them.
import { injectConf, type NetworkConfig, type NetworkConfigList } from '../config/index.ts';
import { execPluginWithoutResult, getVersionInfo } from '../invoke/index.ts';
import { CNIAggregateError, CNIError, ErrorCode, type VersionInfo, versionAtLeast } from '../spec/index.ts';
import { execOptions, networkArgs, type RuntimeContext } from './context.ts';
import type { CallOptions } from './types.ts';

/** Asks each plugin for STATUS in order (>= 1.1.0 only; older lists are "available"); the first error is raw. */
export async function runStatus(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  call: CallOptions | undefined,
): Promise<void> {
  let supported: boolean;
  try {
    supported = versionAtLeast(list.cniVersion, '1.1.0');
  } catch {
    supported = false;
  }
  if (!supported) return;
  for (const plugin of list.plugins) {
    const pluginPath = await ctx.exec.findInPath(plugin.network.type, ctx.path);
    const stdin = injectConf(plugin, { name: list.name, cniVersion: list.cniVersion });
    await execPluginWithoutResult(ctx.exec, pluginPath, stdin, networkArgs(ctx, 'STATUS'), execOptions(ctx, call));
  }
}

/** The plugin's VERSION answer. */
export async function runVersion(
  ctx: RuntimeContext,
  pluginType: string,
  call: CallOptions | undefined,
): Promise<VersionInfo> {
  const pluginPath = await ctx.exec.findInPath(pluginType, ctx.path);
  return getVersionInfo(ctx.exec, pluginPath, execOptions(ctx, call));
}

/** Checks one plugin supports `version` (empty means 0.1.0); returns its enabled capabilities. */
export async function validatePlugin(
  ctx: RuntimeContext,
  plugin: NetworkConfig,
  version: string,
  call: CallOptions | undefined,
): Promise<string[]> {
  const info = await runVersion(ctx, plugin.network.type, call);
  const wanted = version === '' ? '0.1.0' : version;
  if (!info.supportedVersions.includes(wanted)) {
    throw new CNIError(
      ErrorCode.IncompatibleVersion,
      `plugin ${plugin.network.type} does not support config version ${JSON.stringify(wanted)}`,
    );
  }
  return Object.entries(plugin.network.capabilities ?? {})
    .filter(([, on]) => on === true)
    .map(([name]) => name);
}

/** Validates every plugin of a list, reporting all that fail as upstream's `[err1 err2]`; returns the capability union. */
export async function validateList(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  call: CallOptions | undefined,
): Promise<string[]> {
  const caps = new Set<string>();
  const errors: Error[] = [];
  for (const plugin of list.plugins) {
    try {
      for (const c of await validatePlugin(ctx, plugin, list.cniVersion, call)) caps.add(c);
    } catch (e) {
      errors.push(e instanceof Error ? e : new Error(String(e)));
    }
  }
  if (errors.length > 0) {
    throw new CNIAggregateError(errors, `[${errors.map((e) => e.message).join(' ')}]`);
  }
  return [...caps];
}
