// The config a plugin reads on stdin for ADD, CHECK and DEL, built as libcni's buildOneConfig and
// injectRuntimeConfig do (upstream-libcni.md §1.2).
import { resultToJSON } from '../spec/index.ts';
import type { Result } from '../spec/types.ts';
import { pluginConfObject, setKey } from './inject-conf.ts';
import { encodeJson } from './json-object.ts';
import type { NetworkConfig } from './plugin-config.ts';

/** What goes into one plugin's stdin besides its own config. */
export interface PluginStdinOptions {
  readonly plugin: NetworkConfig;
  /** The list's (or single network's) name. */
  readonly name: string;
  /** The list's (or single network's) cniVersion. */
  readonly cniVersion: string;
  /** The previous plugin's result (ADD) or the cached result (CHECK/DEL). */
  readonly prevResult?: Result | undefined;
  /** The runtime's capability args; undefined skips the runtimeConfig step entirely (upstream's rt == nil). */
  readonly capabilityArgs?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The capability args this plugin enables (`capabilities: {x: true}`) that the runtime supplied. A supplied key
 * whose value is undefined still counts (Go counts a present nil), and is sent as null.
 */
export function runtimeConfigFor(
  plugin: NetworkConfig,
  capabilityArgs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const rc: Record<string, unknown> = {};
  for (const [cap, enabled] of Object.entries(plugin.network.capabilities ?? {})) {
    if (enabled !== true || !Object.hasOwn(capabilityArgs, cap)) continue;
    setKey(rc, cap, capabilityArgs[cap] ?? null);
  }
  return rc;
}

/**
 * Builds the plugin's stdin: its own config with `name` and `cniVersion` injected, `prevResult` injected when given
 * (replacing a stale one), and `runtimeConfig` replaced by the enabled capability args only when there are any (a
 * static runtimeConfig stays otherwise). `capabilities` is kept, as upstream does. Keys keep the config's order.
 */
export function buildPluginStdin(opts: PluginStdinOptions): Uint8Array {
  const conf = pluginConfObject(opts.plugin);
  conf.name = opts.name;
  conf.cniVersion = opts.cniVersion;
  if (opts.prevResult !== undefined) conf.prevResult = resultToJSON(opts.prevResult);
  if (opts.capabilityArgs !== undefined) {
    const rc = runtimeConfigFor(opts.plugin, opts.capabilityArgs);
    if (Object.keys(rc).length > 0) conf.runtimeConfig = rc;
  }
  return encodeJson(conf, 'building the plugin config for stdin');
}
