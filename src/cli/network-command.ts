// The steps add, check, del, gc and status share: positionals, the runtime, and the network's config list.
import { CNI, loadNetworkConfigList, type NetworkConfigList } from '../runtime/index.ts';
import type { CliIO } from './io.ts';
import type { CommonOptions } from './options.ts';
import { UsageError } from './usage-error.ts';

/** The -i/--ifname flag of the attachment commands. */
export const IFNAME_FLAG = { ifname: { type: 'string', short: 'i' } } as const;
export const IFNAME_FLAG_HELP =
  '  -i, --ifname NAME     interface name in the container (env CNI_IFNAME, default eth0)';

/**
 * Checks the positionals against `names` (`?` suffix: optional) and returns them in order. Too few or too many
 * is a usage error that names what is missing or extra.
 */
export function expectPositionals(positionals: readonly string[], names: readonly string[], usage: string): string[] {
  const required = names.filter((n) => !n.endsWith('?'));
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length).map((n) => `<${n}>`);
    throw new UsageError(`missing ${missing.join(' and ')}`, usage);
  }
  if (positionals.length > names.length) {
    const extra = positionals.slice(names.length).map((p) => JSON.stringify(p));
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')}`, usage);
  }
  return [...positionals];
}

/** A runtime configured from the common options. */
export function makeCNI(common: CommonOptions): CNI {
  return new CNI({
    path: common.path,
    cacheDir: common.cacheDir,
    ...(common.timeoutMs === undefined ? {} : { timeoutMs: common.timeoutMs }),
  });
}

/** Loads `<network>` from the conf dir (.conflist first, then .conf/.json), as cnitool's LoadNetworkConf. */
export function loadList(common: CommonOptions, network: string): Promise<NetworkConfigList> {
  return loadNetworkConfigList(common.confDir, network);
}

/** Prints a command's help to stdout and returns exit code 0. */
export function showHelp(io: CliIO, help: string): number {
  io.stdout.write(help);
  return 0;
}
