// CHECK: upstream's version gate and order; an unusable cache is an error that says where it is and how to repair.
import { buildPluginStdin, type NetworkConfigList } from '../config/index.ts';
import { execPluginWithoutResult } from '../invoke/index.ts';
import { CNIError, convertResult, ErrorCode, type Result, versionAtLeast } from '../spec/index.ts';
import { badCacheError, unconvertibleError } from './cache-errors.ts';
import { attachmentArgs, execOptions, keyOf, type RuntimeContext } from './context.ts';
import type { CallOptions, RuntimeConf } from './types.ts';

/** Error raised for CHECK on a config older than 0.4.0 (upstream's ErrorCheckNotSupp text). */
export class CheckNotSupportedError extends CNIError {
  override name = 'CheckNotSupportedError';
  /** Builds `configuration version "V" does not support the CHECK command`. */
  constructor(version: string) {
    super(
      ErrorCode.IncompatibleVersion,
      `configuration version ${JSON.stringify(version)} does not support the CHECK command`,
    );
  }
}

/** Runs every plugin's CHECK in order with the cached result as prevResult; the first failure is returned raw. */
export async function runCheck(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  rt: RuntimeConf,
  call: CallOptions | undefined,
): Promise<void> {
  // The version gate comes before disableCheck, as upstream.
  if (!versionAtLeast(list.cniVersion, '0.4.0')) throw new CheckNotSupportedError(list.cniVersion);
  if (list.disableCheck) return;
  const prevResult = await cachedPrevResult(ctx, list.name, list.cniVersion, rt);
  for (const plugin of list.plugins) {
    const pluginPath = await ctx.exec.findInPath(plugin.network.type, ctx.path);
    const stdin = buildPluginStdin({
      plugin,
      name: list.name,
      cniVersion: list.cniVersion,
      prevResult,
      capabilityArgs: rt.capabilityArgs,
    });
    await execPluginWithoutResult(
      ctx.exec,
      pluginPath,
      stdin,
      attachmentArgs(ctx, 'CHECK', rt),
      execOptions(ctx, call),
    );
  }
}

/** The cached result converted to `version`: undefined when missing; an error for a bad or intent entry. */
export async function cachedPrevResult(
  ctx: RuntimeContext,
  network: string,
  version: string,
  rt: RuntimeConf,
): Promise<Result | undefined> {
  let read: Awaited<ReturnType<typeof ctx.cache.read>>;
  try {
    read = await ctx.cache.read(keyOf(network, rt));
  } catch (cause) {
    const text = cause instanceof Error ? cause.message : String(cause);
    throw new CNIError(
      CNIError.is(cause) ? cause.code : ErrorCode.InvalidNetworkConfig,
      `failed to get network ${JSON.stringify(network)} cached result: ${text}`,
      { cause },
    );
  }
  switch (read.state) {
    case 'missing':
      return undefined;
    case 'ok':
      try {
        return convertResult(read.result, version);
      } catch (cause) {
        throw unconvertibleError(network, version, cause);
      }
    case 'empty':
    case 'corrupt':
    case 'intent':
      throw badCacheError(network, read);
  }
}
