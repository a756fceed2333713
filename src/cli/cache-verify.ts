// cnikit cache verify: reads every entry and fails (exit 3) when any is one DEL could not use as it stands.
import { ResultCache } from '../runtime/index.ts';
import { type CacheRow, cacheRow, cacheRowJson, isBad } from './cache-rows.ts';
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, showHelp } from './network-command.ts';
import { networkNamesIn } from './network-names.ts';
import { booleanFlag, parseCommand, resolveCommon } from './options.ts';
import { printJson } from './output.ts';
import { countProgress } from './progress.ts';
import { styleFor } from './style.ts';

const USAGE = 'Usage: cnikit cache verify [--strict] [flags]';

/** `cnikit cache verify --help`. */
export const CACHE_VERIFY_HELP = helpText({
  usage: USAGE,
  summary: `Reads every entry under <cache-dir>/results and reports the bad ones: empty (0 bytes, as a crash
under Go libcni leaves them) and corrupt (with the reason). Exits 3 when any is bad, 0 otherwise.
Intent records (an ADD that never finished) are reported but pass, because an ADD in flight has one too;
--strict counts them as bad. To repair: 'cnikit del <network> <netns>' for one attachment, or 'cnikit doctor'.`,
  flags: '  --strict              also fail on intent records',
});

/** Runs `cnikit cache verify`. */
export async function cacheVerifyCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, { strict: { type: 'boolean' } }, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, CACHE_VERIFY_HELP);
  expectPositionals(cmd.positionals, [], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const strict = booleanFlag(cmd.values, 'strict');
  const cache = new ResultCache(common.cacheDir);
  const counts = { ok: 0, intent: 0, empty: 0, corrupt: 0 };
  const flagged: CacheRow[] = [];
  const progress = countProgress(io, 'verifying cache entries:');
  const now = Date.now();
  try {
    for await (const e of cache.entries({ knownNetworks: await networkNamesIn(common.confDir) })) {
      progress.tick();
      const row = cacheRow(e, now);
      if (row.state === 'missing') continue;
      counts[row.state]++;
      if (row.state !== 'ok') flagged.push(row);
    }
  } finally {
    progress.done();
  }
  flagged.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const bad = flagged.filter((r) => isBad(r.state, strict));
  const checked = counts.ok + counts.intent + counts.empty + counts.corrupt;
  if (common.json) {
    printJson(io, {
      cacheDir: common.cacheDir,
      checked,
      counts,
      strict,
      bad: bad.map(cacheRowJson),
      warnings: flagged.filter((r) => !isBad(r.state, strict)).map(cacheRowJson),
    });
  } else {
    const s = styleFor(io.stdout, io.env);
    for (const r of flagged) {
      const owner = r.network === '' ? `file ${r.file}` : `${r.network} ${r.containerId} ${r.ifName}`;
      const label = isBad(r.state, strict) ? s.red(r.state.toUpperCase()) : s.yellow(r.state);
      const why =
        r.reason === undefined
          ? r.state === 'intent'
            ? ': ADD never finished (or is running now)'
            : ''
          : `: ${r.reason}`;
      io.stdout.write(`${label}  ${owner}  ${r.path}${why}\n`);
    }
    const summary = `checked ${checked} ${checked === 1 ? 'entry' : 'entries'} in ${cache.resultsDir}: ${counts.ok} ok, ${counts.intent} intent, ${counts.empty} empty, ${counts.corrupt} corrupt`;
    io.stdout.write(`${bad.length > 0 ? s.red(summary) : s.green(summary)}\n`);
    if (bad.length > 0)
      io.stdout.write("repair with 'cnikit del <network> <netns>' per attachment, or 'cnikit doctor'\n");
  }
  return bad.length > 0 ? ExitCode.BadCache : ExitCode.Ok;
}
