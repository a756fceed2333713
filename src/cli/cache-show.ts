// cnikit cache show: one entry decoded, its config bytes turned back from base64 into the JSON they hold.
import { resolve } from 'node:path';
import { type CacheEntry, type CacheRead, ResultCache } from '../runtime/index.ts';
import { CNIError, ErrorCode } from '../spec/index.ts';
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, showHelp } from './network-command.ts';
import { booleanFlag, parseCommand, resolveCommon } from './options.ts';
import { printJson } from './output.ts';
import { formatAge } from './table.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `Usage: cnikit cache show <network> <container-id> <ifname> [flags]
       cnikit cache show <file> [flags]`;

/** `cnikit cache show --help`. */
export const CACHE_SHOW_HELP = helpText({
  usage: USAGE,
  summary: `Prints one cache entry as JSON: its state, the runtime config it was made with, and "config" decoded
from base64 (as JSON when it is JSON, else as text). An empty or corrupt entry prints its state and reason and
exits 3; a missing one is an error (exit 1). <file> is any path (it need not be under the cache dir).`,
});

/** The config bytes as the JSON they hold, or as text when they are not JSON. */
function decodeConfig(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** An entry with its config decoded, keys in Go's field order. */
export function entryJson(entry: CacheEntry): Record<string, unknown> {
  return {
    kind: entry.kind,
    containerId: entry.containerId,
    config: decodeConfig(entry.config),
    ifName: entry.ifName,
    networkName: entry.networkName,
    netns: entry.netns ?? '',
    cniArgs: entry.cniArgs,
    capabilityArgs: entry.capabilityArgs,
    result: entry.result ?? null,
  };
}

/** The whole `show` document for a read outcome. */
export function showJson(read: CacheRead, now: number): Record<string, unknown> {
  switch (read.state) {
    case 'ok':
      return {
        path: read.path,
        state: read.state,
        legacy: read.legacy,
        age: formatAge(now - read.mtimeMs),
        entry: entryJson(read.entry),
      };
    case 'intent':
      return { path: read.path, state: read.state, age: formatAge(now - read.mtimeMs), entry: entryJson(read.entry) };
    case 'empty':
      return { path: read.path, state: read.state, age: formatAge(now - read.mtimeMs) };
    case 'corrupt':
      return {
        path: read.path,
        state: read.state,
        reason: read.reason,
        age: formatAge(read.mtimeMs === undefined ? undefined : now - read.mtimeMs),
      };
    case 'missing':
      return { path: read.path, state: read.state };
  }
}

/** Runs `cnikit cache show`. */
export async function cacheShowCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, {}, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, CACHE_SHOW_HELP);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const cache = new ResultCache(common.cacheDir);
  let read: CacheRead;
  if (cmd.positionals.length === 1) {
    const [file = ''] = cmd.positionals;
    read = await cache.readPath(resolve(file));
  } else if (cmd.positionals.length === 3) {
    const [networkName = '', containerId = '', ifName = ''] = expectPositionals(
      cmd.positionals,
      ['network', 'container-id', 'ifname'],
      USAGE,
    );
    read = await cache.read({ networkName, containerId, ifName });
  } else {
    throw new UsageError('want <network> <container-id> <ifname>, or one <file>', USAGE);
  }
  if (read.state === 'missing') throw new CNIError(ErrorCode.IOFailure, `no cache entry at ${read.path}`);
  printJson(io, showJson(read, Date.now()));
  return read.state === 'empty' || read.state === 'corrupt' ? ExitCode.BadCache : ExitCode.Ok;
}
