// cnikit status: upstream cnitool's status (STATUS, cniVersion 1.1.0 and later); silent when the network is ready.
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, loadList, makeCNI, showHelp } from './network-command.ts';
import { booleanFlag, parseCommand, resolveCommon } from './options.ts';
import { printJson } from './output.ts';
import { withProgress } from './progress.ts';

const USAGE = 'Usage: cnikit status <network> [<netns>] [flags]';

/** `cnikit status --help`. */
export const STATUS_HELP = helpText({
  usage: USAGE,
  summary: `Asks every plugin of <network> whether it is ready for ADD (STATUS, cniVersion 1.1.0 and later).
Exit 0 and no output when ready; a plugin's error otherwise. <netns> is accepted for cnitool compatibility
and ignored. With --json, success prints {"network": ..., "ready": true}.`,
});

/** Runs `cnikit status`. */
export async function statusCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, {}, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, STATUS_HELP);
  const [network = ''] = expectPositionals(cmd.positionals, ['network', 'netns?'], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  const list = await loadList(common, network);
  await withProgress(io, `status ${network}`, makeCNI(common).getStatusNetworkList(list, { signal: io.signal }));
  if (common.json) printJson(io, { network, ready: true });
  return ExitCode.Ok;
}
