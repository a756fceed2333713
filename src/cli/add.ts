// cnikit add: upstream cnitool's add; prints the final result exactly as Go's result.Print does.

import { attachmentConf } from './attachment.ts';
import { ExitCode } from './exit-codes.ts';
import { ATTACH_ENV_HELP, helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, IFNAME_FLAG, IFNAME_FLAG_HELP, loadList, makeCNI, showHelp } from './network-command.ts';
import { booleanFlag, parseCommand, resolveCommon, stringFlag } from './options.ts';
import { printPluginResult } from './output.ts';
import { withProgress } from './progress.ts';

const USAGE = 'Usage: cnikit add <network> <netns> [-i|--ifname NAME] [flags]';

/** `cnikit add --help`. */
export const ADD_HELP = helpText({
  usage: USAGE,
  summary: `Attaches the container whose network namespace is <netns> to <network>: runs every plugin's ADD in
order, caches the result (crash-safe) and prints it on stdout as JSON, exactly as cnitool does.`,
  flags: IFNAME_FLAG_HELP,
  env: ATTACH_ENV_HELP,
});

/** Runs `cnikit add`. */
export async function addCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, IFNAME_FLAG, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, ADD_HELP);
  const [network = '', netns = ''] = expectPositionals(cmd.positionals, ['network', 'netns'], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const rt = attachmentConf(netns, stringFlag(cmd.values, 'ifname'), common, io.env, USAGE);
  const list = await loadList(common, network);
  const result = await withProgress(
    io,
    `add ${network}`,
    makeCNI(common).addNetworkList(list, rt, { signal: io.signal }),
  );
  if (result !== undefined) printPluginResult(io, result);
  return ExitCode.Ok;
}
