// DEL, cnikit's way: no cache state ever blocks teardown, every plugin runs, and a bad file is kept for forensics.
import type { CacheRead } from '../cache/index.ts';
import { buildPluginStdin, type NetworkConfigList } from '../config/index.ts';
import { execPluginWithoutResult } from '../invoke/index.ts';
import { CNIAggregateError, CNIError, convertResult, ErrorCode, type Result, versionAtLeast } from '../spec/index.ts';
import { attachmentArgs, execOptions, findAll, keyOf, type RuntimeContext } from './context.ts';
import { pluginFailed } from './describe.ts';
import { reconstructPrevResult } from './reconstruct.ts';
import type { CallOptions, DelReport, RuntimeConf } from './types.ts';

interface DelOptions {
  /** A prevResult the caller already holds (ADD undoing itself); skips the cache read. */
  readonly prevResult?: Result | undefined;
  /** Wrap plugin errors as `plugin type="T" failed (delete): …` (lists), or return them raw (single plugin). */
  readonly wrap: boolean;
}

type PrevResolution = Omit<DelReport, 'pluginsRun'> & { readonly keepOnFailure: boolean };

/**
 * Runs every plugin's DEL in reverse order, continuing past failures; removes the cache entry on full success.
 * One failure reads exactly as upstream's; several travel as a CNIAggregateError with `.errors`.
 */
export async function runDel(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  rt: RuntimeConf,
  call: CallOptions | undefined,
  opts: DelOptions,
): Promise<DelReport> {
  // An unparsable cniVersion fails before anything runs, as upstream (we could not build a valid stdin anyway).
  const wantsPrev = versionAtLeast(list.cniVersion, '0.4.0');
  const prev =
    opts.prevResult !== undefined ? fromCaller(opts.prevResult) : await resolvePrev(ctx, list, rt, wantsPrev);

  const found = await findAll(ctx, list.plugins);
  const errors: CNIError[] = [];
  let pluginsRun = 0;
  for (let i = found.length - 1; i >= 0; i--) {
    const f = found[i];
    if (f === undefined) continue;
    if (!f.ok) {
      errors.push(opts.wrap ? pluginFailed(f.plugin, 'delete', f.error) : asCNIError(f.error));
      continue;
    }
    try {
      // Inside the try: a config this plugin cannot be given fails its own DEL, not the others'.
      const stdin = buildPluginStdin({
        plugin: f.plugin,
        name: list.name,
        cniVersion: list.cniVersion,
        prevResult: wantsPrev ? prev.prevResult : undefined,
        capabilityArgs: rt.capabilityArgs,
      });
      pluginsRun++;
      await execPluginWithoutResult(
        ctx.exec,
        f.pluginPath,
        stdin,
        attachmentArgs(ctx, 'DEL', rt),
        execOptions(ctx, call),
      );
    } catch (cause) {
      errors.push(opts.wrap ? pluginFailed(f.plugin, 'delete', cause) : asCNIError(cause));
    }
  }

  const report: DelReport = {
    cacheState: prev.cacheState,
    prevResultSource: wantsPrev ? prev.prevResultSource : 'none',
    prevResult: wantsPrev ? prev.prevResult : undefined,
    quarantined: prev.quarantined,
    pluginsRun,
  };
  if (errors.length === 0) {
    if (prev.cacheState !== 'unreadable-name') {
      try {
        await ctx.cache.remove(keyOf(list.name, rt));
        // An ADD killed between creating a temp file and renaming it left one behind, and its entry is then an
        // intent record or missing (or torn, if Go wrote it). A complete entry means every write finished, so the
        // directory scan (O(entries), 50 ms at 100,000) is skipped; an older crash's temp file of the same name is
        // the grace-period sweep's and the doctor's.
        if (prev.cacheState !== 'ok' && prev.cacheState !== 'not-read')
          await ctx.cache.sweepTempFiles(keyOf(list.name, rt));
      } catch (cause) {
        // Every plugin has torn down, but the entry would make the attachment look alive: say so; a retry is harmless.
        const text = cause instanceof Error ? cause.message : String(cause);
        throw new CNIError(
          ErrorCode.IOFailure,
          `failed to remove cached result of network ${JSON.stringify(list.name)} after DEL: ${text}`,
          { cause },
        );
      }
    }
    return report;
  }
  // A valid entry stays so a retry still has prevResult; anything else is already out of results/.
  if (!prev.keepOnFailure && prev.cacheState !== 'unreadable-name')
    await ctx.cache.remove(keyOf(list.name, rt)).catch(() => {});
  const [only] = errors;
  if (errors.length === 1 && only !== undefined) throw only;
  throw new CNIAggregateError(errors);
}

function fromCaller(prevResult: Result): PrevResolution {
  return { cacheState: 'not-read', prevResultSource: 'cache', prevResult, quarantined: undefined, keepOnFailure: true };
}

/** Reads the cache and decides the prevResult; never throws for a bad entry. */
async function resolvePrev(
  ctx: RuntimeContext,
  list: NetworkConfigList,
  rt: RuntimeConf,
  wantsPrev: boolean,
): Promise<PrevResolution> {
  let read: CacheRead;
  try {
    read = await ctx.cache.read(keyOf(list.name, rt));
  } catch {
    // Names that cannot be a cache path: there is no file of ours to read, and plugins still get their DEL.
    return {
      cacheState: 'unreadable-name',
      prevResultSource: 'none',
      prevResult: undefined,
      quarantined: undefined,
      keepOnFailure: false,
    };
  }
  const reconstruct = async (
    cacheState: DelReport['cacheState'],
    quarantined: string | undefined,
    keepOnFailure: boolean,
  ): Promise<PrevResolution> => {
    const rebuilt = wantsPrev ? await reconstructPrevResult(ctx, list, rt) : undefined;
    return {
      cacheState,
      prevResultSource: rebuilt === undefined ? 'none' : 'reconstructed',
      prevResult: rebuilt,
      quarantined,
      keepOnFailure,
    };
  };
  switch (read.state) {
    case 'ok': {
      if (!wantsPrev)
        return {
          cacheState: 'ok',
          prevResultSource: 'none',
          prevResult: undefined,
          quarantined: undefined,
          keepOnFailure: true,
        };
      try {
        const prevResult = convertResult(read.result, list.cniVersion);
        // A result naming no address (`{}` read as a legacy 0.1.0 result, or an ADD whose last plugin dropped
        // them) would let firewall keep its rules: fill the addresses in from host-local when it has them.
        if (!hasAddresses(prevResult)) {
          const rebuilt = await reconstructPrevResult(ctx, list, rt);
          if (rebuilt !== undefined) {
            return {
              cacheState: 'ok',
              prevResultSource: 'reconstructed',
              prevResult: rebuilt,
              quarantined: undefined,
              keepOnFailure: true,
            };
          }
        }
        return { cacheState: 'ok', prevResultSource: 'cache', prevResult, quarantined: undefined, keepOnFailure: true };
      } catch {
        // A result we cannot express in the list's version is useless to plugins but still evidence; keep it on failure.
        return reconstruct('unconvertible', undefined, true);
      }
    }
    case 'intent':
      return reconstruct('intent', undefined, true);
    case 'missing':
      return reconstruct('missing', undefined, false);
    case 'empty':
    case 'corrupt': {
      const quarantined = await ctx.cache
        .quarantine(read.path, read.state === 'empty' ? 'empty' : read.reason)
        .catch(() => undefined);
      return reconstruct(read.state, quarantined, false);
    }
  }
}

function hasAddresses(r: Result): boolean {
  switch (r.cniVersion) {
    case '0.1.0':
    case '0.2.0':
      return r.ip4 !== undefined || r.ip6 !== undefined;
    default:
      return (r.ips?.length ?? 0) > 0;
  }
}

function asCNIError(cause: unknown): CNIError {
  if (CNIError.is(cause)) return cause;
  return new CNIError(ErrorCode.Internal, cause instanceof Error ? cause.message : String(cause), { cause });
}
