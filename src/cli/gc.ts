// cnikit gc: GC of one network, without upstream cnitool's trap. cnitool passes no valid attachments, and GC then
// DELs every cached attachment of the network; cnikit requires the survivors (--valid, --valid-file) or --all.
import { GCError, type GCReport, ResultCache } from '../runtime/index.ts';
import type { GCAttachment } from '../spec/index.ts';
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, loadList, makeCNI, showHelp } from './network-command.ts';
import { booleanFlag, parseCommand, resolveCommon, stringFlag, stringFlags } from './options.ts';
import { errorObject, printJson } from './output.ts';
import { withProgress } from './progress.ts';
import { UsageError } from './usage-error.ts';
import { validFromFile, validFromFlags } from './valid-set.ts';

const USAGE = 'Usage: cnikit gc <network> [<netns>] (--valid CID/IFNAME,... | --valid-file FILE | --all) [flags]';

const GC_FLAGS = {
  valid: { type: 'string', multiple: true },
  'valid-file': { type: 'string' },
  all: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

/** `cnikit gc --help`. */
export const GC_HELP = helpText({
  usage: USAGE,
  summary: `Removes the cached attachments of <network> that are not in the valid set: each one gets a full DEL
(with its cached runtime config), including entries whose cache file is empty or corrupt, which upstream never
cleans. Then, for cniVersion 1.1.0 and later, every plugin gets GC with cni.dev/valid-attachments.
Upstream cnitool's gc passes no valid set and so deletes every attachment of the network; cnikit refuses to run
without one of --valid, --valid-file or an explicit --all. Prints each removed attachment.
<netns> is accepted for cnitool compatibility and ignored.`,
  flags: `  --valid CID/IFNAME,...  attachments to keep (repeatable, comma-separated)
  --valid-file FILE       attachments to keep, one CID/IFNAME per line ('#' comments allowed)
  --all                   keep nothing: delete every cached attachment of the network
  --dry-run               list what would be removed, change nothing`,
});

const REFUSAL =
  'refusing to run without a valid set: GC deletes every cached attachment of the network that is not named. ' +
  'Name the attachments to keep with --valid CID/IFNAME,... or --valid-file FILE, or pass --all to delete them all';

async function validSet(values: Parameters<typeof stringFlag>[0]): Promise<GCAttachment[]> {
  const fromFlags = stringFlags(values, 'valid');
  const file = stringFlag(values, 'valid-file');
  const all = booleanFlag(values, 'all');
  if (all && (fromFlags.length > 0 || file !== undefined)) {
    throw new UsageError('--all cannot be combined with --valid or --valid-file', USAGE);
  }
  if (!all && fromFlags.length === 0 && file === undefined) throw new UsageError(REFUSAL, USAGE);
  const valid = validFromFlags(fromFlags, USAGE);
  if (file !== undefined) valid.push(...(await validFromFile(file, USAGE)));
  return valid;
}

function printReport(io: CliIO, network: string, report: GCReport, json: boolean, keptCount: number): void {
  if (json) {
    printJson(io, { network, removed: report.removed, errors: report.errors.map(errorObject) });
    return;
  }
  for (const r of report.removed) io.stdout.write(`removed ${r.containerId} ${r.ifName} (cache ${r.state})\n`);
  io.stdout.write(
    `gc ${network}: removed ${report.removed.length}, valid set ${keptCount}, errors ${report.errors.length}\n`,
  );
}

/** Lists what GC would DEL, by the same rule the runtime applies, changing nothing. */
async function dryRun(
  io: CliIO,
  cacheDir: string,
  network: string,
  valid: readonly GCAttachment[],
  json: boolean,
): Promise<number> {
  const keep = new Set(valid.map((a) => `${a.containerID}\0${a.ifname}`));
  const listed = await new ResultCache(cacheDir).list({ networkName: network, knownNetworks: [network] });
  const doomed = listed.flatMap((item) => {
    const o = item.owner;
    if (o === undefined || o.networkName !== network || keep.has(`${o.containerId}\0${o.ifName}`)) return [];
    return [{ containerId: o.containerId, ifName: o.ifName, state: item.read.state }];
  });
  if (json) printJson(io, { network, wouldRemove: doomed });
  else for (const d of doomed) io.stdout.write(`would remove ${d.containerId} ${d.ifName} (cache ${d.state})\n`);
  return ExitCode.Ok;
}

/** Runs `cnikit gc`. */
export async function gcCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, GC_FLAGS, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, GC_HELP);
  const [network = ''] = expectPositionals(cmd.positionals, ['network', 'netns?'], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const valid = await validSet(cmd.values);
  const list = await loadList(common, network);
  if (booleanFlag(cmd.values, 'dry-run')) return dryRun(io, common.cacheDir, list.name, valid, common.json);
  try {
    const work = makeCNI(common).gcNetworkList(list, { validAttachments: valid }, { signal: io.signal });
    const report = await withProgress(io, `gc ${network}`, work);
    printReport(io, network, report, common.json, valid.length);
    return ExitCode.Ok;
  } catch (e) {
    if (!(e instanceof GCError)) throw e;
    // The sweep went on past failures: say what it did remove before the errors.
    printReport(io, network, e.report, common.json, valid.length);
    throw e;
  }
}
