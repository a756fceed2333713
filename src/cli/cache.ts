// cnikit cache: inspect the result cache (ls, show, verify); never changes it.
import { cacheLsCommand } from './cache-ls.ts';
import { cacheShowCommand } from './cache-show.ts';
import { cacheVerifyCommand } from './cache-verify.ts';
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './usage-error.ts';

const USAGE = 'Usage: cnikit cache {ls|show|verify} [args] [flags]';

/** `cnikit cache --help`. */
export const CACHE_HELP = helpText({
  usage: USAGE,
  summary: `Inspects the result cache under <cache-dir>/results (read-only):
  ls       list entries: network, container, ifname, state (ok/intent/empty/corrupt), age
  show     print one entry decoded (config from base64 as JSON)
  verify   check every entry; exit 3 when any is empty or corrupt
Run 'cnikit cache <command> --help' for each.`,
});

const SUBCOMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIO) => Promise<number>>> = {
  ls: cacheLsCommand,
  list: cacheLsCommand,
  show: cacheShowCommand,
  verify: cacheVerifyCommand,
};

/** Runs `cnikit cache <sub>`. */
export async function cacheCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    if (sub === undefined) throw new UsageError('missing subcommand: ls, show or verify', USAGE);
    io.stdout.write(CACHE_HELP);
    return ExitCode.Ok;
  }
  const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (run === undefined)
    throw new UsageError(`unknown cache subcommand ${JSON.stringify(sub)}: want ls, show or verify`, USAGE);
  return run(rest, io);
}
