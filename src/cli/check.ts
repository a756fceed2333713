// cnikit check: upstream cnitool's check; silent on success.
import { attachmentConf } from './attachment.ts';
import { ExitCode } from './exit-codes.ts';
import { ATTACH_ENV_HELP, helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, IFNAME_FLAG, IFNAME_FLAG_HELP, loadList, makeCNI, showHelp } from './network-command.ts';
import { booleanFlag, parseCommand, resolveCommon, stringFlag } from './options.ts';
import { withProgress } from './progress.ts';

const USAGE = 'Usage: cnikit check <network> <netns> [-i|--ifname NAME] [flags]';

/** `cnikit check --help`. */
export const CHECK_HELP = helpText({
  usage: USAGE,
  summary: `Runs every plugin's CHECK (cniVersion 0.4.0 and later) with the cached result as prevResult.
Prints nothing on success. An empty or corrupt cache entry is an error here: 'cnikit del' or 'cnikit doctor'
repairs it.`,
  flags: IFNAME_FLAG_HELP,
  env: ATTACH_ENV_HELP,
});

/** Runs `cnikit check`. */
export async function checkCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, IFNAME_FLAG, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, CHECK_HELP);
  const [network = '', netns = ''] = expectPositionals(cmd.positionals, ['network', 'netns'], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const rt = attachmentConf(netns, stringFlag(cmd.values, 'ifname'), common, io.env, USAGE);
  const list = await loadList(common, network);
  await withProgress(io, `check ${network}`, makeCNI(common).checkNetworkList(list, rt, { signal: io.signal }));
  return ExitCode.Ok;
}
