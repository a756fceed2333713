// --help text assembled the same way for every command: what it does, its own flags, the common flags, exit codes.
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { COMMON_FLAGS_HELP } from './options.ts';

/** The parts of one command's help. */
export interface HelpParts {
  /** Synopsis line(s), starting with "Usage:". */
  readonly usage: string;
  /** What the command does, a few lines. */
  readonly summary: string;
  /** The command's own flags, pre-formatted. */
  readonly flags?: string;
  /** Environment variables the command reads beyond the common ones. */
  readonly env?: string;
}

/** The full --help text of a command. */
export function helpText(parts: HelpParts): string {
  const sections = [parts.usage, parts.summary];
  if (parts.flags !== undefined) sections.push(`Flags:\n${parts.flags}`);
  if (parts.env !== undefined) sections.push(`Environment:\n${parts.env}`);
  sections.push(COMMON_FLAGS_HELP, EXIT_CODES_HELP);
  return `${sections.join('\n\n')}\n`;
}

/** The environment of the cnitool-compatible commands (add, check, del), as upstream cnitool reads it. */
export const ATTACH_ENV_HELP = `  NETCONFPATH      config dir (default /etc/cni/net.d); --conf-dir wins
  CNI_PATH         plugin search path, ':'-separated; --cni-path wins
  CNI_IFNAME       interface name when -i is not given (unset or empty: eth0)
  CNI_ARGS         K=V;K2=V2 pairs passed to plugins (each pair needs one '=' and non-empty key and value)
  CAP_ARGS         capability arguments as a JSON object, e.g. {"portMappings":[...]}
  CNI_CONTAINERID  container ID; --container-id wins
  CNI_CACHE_DIR    cache dir (default /var/lib/cni); --cache-dir wins
  NO_COLOR         any non-empty value turns colour off`;
