// cnikit cache ls: every file under <cache-dir>/results with its owner, state and age.
import { ResultCache } from '../runtime/index.ts';
import { cacheRow, cacheRowJson } from './cache-rows.ts';
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, showHelp } from './network-command.ts';
import { networkNamesIn } from './network-names.ts';
import { booleanFlag, parseCommand, resolveCommon, stringFlag } from './options.ts';
import { printJson } from './output.ts';
import { countProgress } from './progress.ts';
import { styleFor } from './style.ts';
import { formatAge, renderTable } from './table.ts';

const USAGE = 'Usage: cnikit cache ls [--network NAME] [--container ID] [flags]';

const LS_FLAGS = { network: { type: 'string' }, container: { type: 'string' } } as const;

/** `cnikit cache ls --help`. */
export const CACHE_LS_HELP = helpText({
  usage: USAGE,
  summary: `Lists every file in <cache-dir>/results: network, container ID, interface, state and age.
States: ok (a complete result), intent (an ADD that never finished: written before the plugins ran),
empty (0 bytes or whitespace), corrupt (bad JSON, wrong kind, digest mismatch, ...; the reason is shown).
A bad file's owner is recovered from its name using the network names found in the conf dir.`,
  flags: `  --network NAME        only this network's entries
  --container ID        only this container's entries`,
});

/** Runs `cnikit cache ls`. */
export async function cacheLsCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, LS_FLAGS, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, CACHE_LS_HELP);
  expectPositionals(cmd.positionals, [], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const network = stringFlag(cmd.values, 'network');
  const containerId = stringFlag(cmd.values, 'container');
  const cache = new ResultCache(common.cacheDir);
  const progress = countProgress(io, 'reading cache entries:');
  const rows = [];
  const now = Date.now();
  try {
    const filter = {
      knownNetworks: await networkNamesIn(common.confDir),
      ...(network === undefined ? {} : { networkName: network }),
      ...(containerId === undefined ? {} : { containerId }),
    };
    for await (const e of cache.entries(filter)) {
      rows.push(cacheRow(e, now));
      progress.tick();
    }
  } finally {
    progress.done();
  }
  rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (common.json) {
    printJson(io, rows.map(cacheRowJson));
    return ExitCode.Ok;
  }
  if (rows.length === 0) {
    io.stdout.write(`no cache entries in ${cache.resultsDir}\n`);
    return ExitCode.Ok;
  }
  const s = styleFor(io.stdout, io.env);
  const paint = (state: string): string =>
    state === 'ok' ? s.green(state) : state === 'intent' ? s.yellow(state) : s.red(state);
  const STATE_COLUMN = 3;
  const table = renderTable(
    ['NETWORK', 'CONTAINER', 'IFNAME', 'STATE', 'AGE', 'NOTE'],
    rows.map((r) => [
      r.network || '?',
      r.containerId || '?',
      r.ifName || '?',
      r.state,
      formatAge(r.ageMs),
      [r.ownerSource === 'unknown' ? `file ${r.file}` : '', r.legacy ? 'legacy result' : '', r.reason ?? '']
        .filter((x) => x !== '')
        .join('; '),
    ]),
    (col, cell) => (col === STATE_COLUMN ? paint(cell) : cell),
  );
  io.stdout.write(table);
  return ExitCode.Ok;
}
