// cnikit demo: the README's main act. See demo-host.ts (namespaces, cleanup) and demo-inner.ts (the story).
import { runDemoHost } from './demo-host.ts';
import { runDemoInner } from './demo-inner.ts';
import { DEFAULT_PLUGIN_DIR } from './demo-network.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, showHelp } from './network-command.ts';
import { booleanFlag, parseCommand, stringFlag } from './options.ts';
import { UsageError } from './usage-error.ts';

const USAGE = 'Usage: cnikit demo [--plugin-dir DIR]';

const DEMO_FLAGS = {
  'plugin-dir': { type: 'string' },
  // Internal: how the outer process re-runs cnikit inside the private host namespace.
  stage: { type: 'string' },
  work: { type: 'string' },
  'container-netns': { type: 'string' },
} as const;

/** `cnikit demo --help`. */
export const DEMO_HELP = helpText({
  usage: USAGE,
  summary: `As root, in a private "host" network namespace it creates and deletes itself (your own network is never
touched): attaches a container through a real bridge + host-local + portmap + firewall chain (Debian's
reference plugins, cniVersion 1.0.0), shows the veth, the IP reservation and the iptables rules it made,
truncates the cache entry to 0 bytes as a crash under Go libcni leaves it, and shows that 'cnikit del' still
removes the veth, the reservation and the rules (before/after counts). Exit 0 only when nothing leaked.
Everything it creates is removed at the end, also on Ctrl-C.
Needs: root, iproute2, iptables, and the plugins bridge, host-local, portmap, firewall:
  apt-get install containernetworking-plugins iptables   (or ./scripts/setup.sh)`,
  flags: `  --plugin-dir DIR      where the reference plugins are (default ${DEFAULT_PLUGIN_DIR})`,
});

/** Runs `cnikit demo`. */
export async function demoCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, DEMO_FLAGS, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, DEMO_HELP);
  expectPositionals(cmd.positionals, [], USAGE);
  const pluginDir = stringFlag(cmd.values, 'plugin-dir') ?? DEFAULT_PLUGIN_DIR;
  const stage = stringFlag(cmd.values, 'stage');
  if (stage === undefined) return runDemoHost(pluginDir, io);
  const work = stringFlag(cmd.values, 'work');
  const containerNetns = stringFlag(cmd.values, 'container-netns');
  if (stage !== 'inner' || work === undefined || containerNetns === undefined) {
    throw new UsageError('--stage inner needs --work and --container-netns (internal use)', USAGE);
  }
  return runDemoInner({ work, containerNetns, pluginDir }, io);
}
