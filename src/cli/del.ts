// cnikit del: upstream cnitool's del, with cnikit's DEL underneath: no cache state blocks teardown. Stdout stays
// empty as cnitool's does (--json prints the DEL report); a damaged cache entry is noted on stderr.
import type { DelReport } from '../runtime/index.ts';
import { resultToJSON } from '../spec/index.ts';
import { attachmentConf } from './attachment.ts';
import { ExitCode } from './exit-codes.ts';
import { ATTACH_ENV_HELP, helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, IFNAME_FLAG, IFNAME_FLAG_HELP, loadList, makeCNI, showHelp } from './network-command.ts';
import { booleanFlag, parseCommand, resolveCommon, stringFlag } from './options.ts';
import { printJson } from './output.ts';
import { withProgress } from './progress.ts';

const USAGE = 'Usage: cnikit del <network> <netns> [-i|--ifname NAME] [flags]';

/** `cnikit del --help`. */
export const DEL_HELP = helpText({
  usage: USAGE,
  summary: `Detaches the container: runs every plugin's DEL in reverse order, continuing past failures, then removes
the cache entry. A missing, empty, corrupt or unfinished cache entry never blocks DEL: a bad file is moved to
<cache-dir>/quarantine and, where host-local IPAM holds the container's addresses, prevResult is rebuilt from
them so plugins such as firewall still remove their rules. Prints nothing on stdout (--json: the DEL report).`,
  flags: IFNAME_FLAG_HELP,
  env: ATTACH_ENV_HELP,
});

/** The DEL report as JSON (prevResult in its own version's JSON). */
export function delReportJson(report: DelReport): Record<string, unknown> {
  return {
    cacheState: report.cacheState,
    prevResultSource: report.prevResultSource,
    prevResult: report.prevResult === undefined ? null : resultToJSON(report.prevResult),
    quarantined: report.quarantined ?? null,
    pluginsRun: report.pluginsRun,
  };
}

/** One line for stderr when DEL met a damaged cache entry; undefined when the cache was fine or absent. */
export function delNote(report: DelReport): string | undefined {
  if (report.cacheState === 'ok' || report.cacheState === 'missing' || report.cacheState === 'not-read')
    return undefined;
  const where = report.quarantined === undefined ? '' : ` (moved to ${report.quarantined})`;
  const source =
    report.prevResultSource === 'reconstructed'
      ? 'prevResult rebuilt from the IPAM store'
      : report.prevResultSource === 'cache'
        ? 'prevResult from the cache'
        : 'no prevResult';
  return `note: cache entry was ${report.cacheState}${where}; ${source}; ${report.pluginsRun} plugin(s) ran DEL`;
}

/** Runs `cnikit del`. */
export async function delCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, IFNAME_FLAG, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, DEL_HELP);
  const [network = '', netns = ''] = expectPositionals(cmd.positionals, ['network', 'netns'], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const rt = attachmentConf(netns, stringFlag(cmd.values, 'ifname'), common, io.env, USAGE);
  const list = await loadList(common, network);
  const report = await withProgress(
    io,
    `del ${network}`,
    makeCNI(common).delNetworkList(list, rt, { signal: io.signal }),
  );
  if (common.json) {
    printJson(io, delReportJson(report));
  } else {
    const note = delNote(report);
    if (note !== undefined) io.stderr.write(`${note}\n`);
  }
  return ExitCode.Ok;
}
