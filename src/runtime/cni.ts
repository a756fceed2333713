// The runtime a container runtime embeds: libcni's CNIConfig in TypeScript style.
import { DEFAULT_CACHE_DIR, ResultCache } from '../cache/index.ts';
import type { NetworkConfig, NetworkConfigList } from '../config/index.ts';
import { createExec } from '../invoke/index.ts';
import { CNIAggregateError, type Result, type VersionInfo } from '../spec/index.ts';
import { runAdd } from './add.ts';
import { cachedAttachments, cachedConfig, cachedResult } from './cached.ts';
import { runCheck } from './check.ts';
import { lockName, type RuntimeContext } from './context.ts';
import { runDel } from './del.ts';
import { type GCReport, runGC } from './gc.ts';
import { AttachmentLocks } from './locks.ts';
import { runStatus, runVersion, validateList, validatePlugin } from './status.ts';
import type { CallOptions, CNIOptions, DelReport, GCArgs, NetworkAttachment, RuntimeConf } from './types.ts';

export const DEFAULT_IPAM_DATA_DIR = '/var/lib/cni/networks';
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** GC finished its sweep but something failed; `.report` says what was removed. */
export class GCError extends CNIAggregateError {
  override name = 'GCError';
  readonly report: GCReport;
  /** Wraps a sweep's failures with its report. */
  constructor(report: GCReport) {
    super(report.errors);
    this.report = report;
  }
}

/** Treats one plugin config as a one-plugin list whose cache holds the plugin's own bytes (libcni's single calls). */
function single(net: NetworkConfig): NetworkConfigList {
  return {
    name: net.network.name ?? '',
    cniVersion: net.network.cniVersion ?? '',
    disableCheck: false,
    disableGC: false,
    loadOnlyInlinedPlugins: true,
    plugins: [net],
    bytes: net.bytes,
  };
}

/** ADD / CHECK / DEL / GC / STATUS / VERSION over a plugin list or a single plugin, with a crash-safe cache. */
export class CNI {
  readonly cacheDir: string;
  private readonly ctx: RuntimeContext;

  /** Creates a runtime; nothing touches the disk until the first call. */
  constructor(options: CNIOptions) {
    this.cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
    this.ctx = {
      path: options.path,
      exec: options.exec ?? createExec(),
      cache: new ResultCache(this.cacheDir),
      locks: new AttachmentLocks(),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      stderr: options.stderr,
      ipamDataDir: options.ipamDataDir ?? DEFAULT_IPAM_DATA_DIR,
    };
  }

  /** Runs ADD through the list and caches the final result; throws `plugin type="T" failed (add): …`. */
  addNetworkList(list: NetworkConfigList, rt: RuntimeConf, opts?: CallOptions): Promise<Result | undefined> {
    return this.ctx.locks.withAttachment(lockName(list.name, rt), () => runAdd(this.ctx, list, rt, opts, true));
  }

  /** Runs CHECK through the list (>= 0.4.0) with the cached result as prevResult. */
  checkNetworkList(list: NetworkConfigList, rt: RuntimeConf, opts?: CallOptions): Promise<void> {
    return this.ctx.locks.withAttachment(lockName(list.name, rt), () => runCheck(this.ctx, list, rt, opts));
  }

  /** Tears the attachment down whatever the cache holds: every plugin's DEL runs, failures are joined. */
  delNetworkList(list: NetworkConfigList, rt: RuntimeConf, opts?: CallOptions): Promise<DelReport> {
    return this.ctx.locks.withAttachment(lockName(list.name, rt), () =>
      runDel(this.ctx, list, rt, opts, { wrap: true }),
    );
  }

  /** DELs every cached attachment of the list not in `validAttachments`, then sends GC (>= 1.1.0); throws GCError on any failure. */
  async gcNetworkList(list: NetworkConfigList, args: GCArgs, opts?: CallOptions): Promise<GCReport> {
    const report = await this.ctx.locks.exclusive(() => runGC(this.ctx, list, args, opts));
    if (report.errors.length > 0) throw new GCError(report);
    return report;
  }

  /** Asks the list's plugins for STATUS (>= 1.1.0); the first failure is thrown as the plugin sent it. */
  getStatusNetworkList(list: NetworkConfigList, opts?: CallOptions): Promise<void> {
    return runStatus(this.ctx, list, opts);
  }

  /** ADD of one plugin; errors are the plugin's own, unwrapped. */
  addNetwork(net: NetworkConfig, rt: RuntimeConf, opts?: CallOptions): Promise<Result | undefined> {
    const list = single(net);
    return this.ctx.locks.withAttachment(lockName(list.name, rt), () => runAdd(this.ctx, list, rt, opts, false));
  }

  /** CHECK of one plugin. */
  checkNetwork(net: NetworkConfig, rt: RuntimeConf, opts?: CallOptions): Promise<void> {
    const list = single(net);
    return this.ctx.locks.withAttachment(lockName(list.name, rt), () => runCheck(this.ctx, list, rt, opts));
  }

  /** DEL of one plugin, as tolerant of the cache as the list form. */
  delNetwork(net: NetworkConfig, rt: RuntimeConf, opts?: CallOptions): Promise<DelReport> {
    const list = single(net);
    return this.ctx.locks.withAttachment(lockName(list.name, rt), () =>
      runDel(this.ctx, list, rt, opts, { wrap: false }),
    );
  }

  /** Checks every plugin supports the list's version; returns the union of enabled capabilities. */
  validateNetworkList(list: NetworkConfigList, opts?: CallOptions): Promise<string[]> {
    return validateList(this.ctx, list, opts);
  }

  /** Checks the plugin supports its config's version; returns its enabled capabilities. */
  validateNetwork(net: NetworkConfig, opts?: CallOptions): Promise<string[]> {
    return validatePlugin(this.ctx, net, net.network.cniVersion ?? '', opts);
  }

  /** The plugin's supported spec versions (VERSION). */
  getVersionInfo(pluginType: string, opts?: CallOptions): Promise<VersionInfo> {
    return runVersion(this.ctx, pluginType, opts);
  }

  /** The cached result converted to the list's version; undefined when not cached; throws for a bad entry. */
  getNetworkListCachedResult(list: NetworkConfigList, rt: RuntimeConf): Promise<Result | undefined> {
    return cachedResult(this.ctx, list, rt);
  }

  /** The cached config bytes and the runtime conf as cached (args, capability args). */
  getNetworkListCachedConfig(
    list: NetworkConfigList,
    rt: RuntimeConf,
  ): Promise<{ config: Uint8Array; rt: RuntimeConf } | undefined> {
    return cachedConfig(this.ctx, list.name, rt);
  }

  /** Every well-formed cached attachment, optionally of one container (bad files: see `cnikit cache ls`). */
  getCachedAttachments(containerId?: string): Promise<NetworkAttachment[]> {
    return cachedAttachments(this.ctx, containerId);
  }
}
