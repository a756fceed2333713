// cnikit version: a plugin's supported spec versions (VERSION), or cnikit's own version when no plugin is named.
import { basename, dirname, resolve } from 'node:path';
import { SUPPORTED_VERSIONS } from '../spec/index.ts';
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import type { CliIO } from './io.ts';
import { expectPositionals, makeCNI, showHelp } from './network-command.ts';
import { booleanFlag, type CommonOptions, parseCommand, resolveCommon } from './options.ts';
import { printJson } from './output.ts';
import { cnikitVersion } from './package-root.ts';

const USAGE = 'Usage: cnikit version [<plugin>] [flags]';

/** `cnikit version --help`. */
export const VERSION_HELP = helpText({
  usage: USAGE,
  summary: `Runs the plugin's VERSION command and prints the spec versions it supports. <plugin> is a plugin type
looked up in the plugin search path, or a path to an executable. Without <plugin>, prints cnikit's own version
and the spec versions it speaks.`,
});

/** A plugin named by path is looked up in its own directory only; a bare type in the search path. */
function lookup(plugin: string, common: CommonOptions): { type: string; common: CommonOptions } {
  if (!plugin.includes('/')) return { type: plugin, common };
  const abs = resolve(plugin);
  return { type: basename(abs), common: { ...common, path: [dirname(abs)] } };
}

/** Runs `cnikit version`. */
export async function versionCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const cmd = parseCommand(argv, {}, USAGE);
  if (booleanFlag(cmd.values, 'help')) return showHelp(io, VERSION_HELP);
  const [plugin] = expectPositionals(cmd.positionals, ['plugin?'], USAGE);
  const common = resolveCommon(cmd.values, io.env, USAGE);
  if (plugin === undefined) {
    const own = { cnikit: cnikitVersion(), supportedVersions: [...SUPPORTED_VERSIONS] };
    if (common.json) printJson(io, own);
    else io.stdout.write(`cnikit ${own.cnikit}\nCNI spec versions: ${own.supportedVersions.join(', ')}\n`);
    return ExitCode.Ok;
  }
  const target = lookup(plugin, common);
  const info = await makeCNI(target.common).getVersionInfo(target.type, { signal: io.signal });
  if (common.json) {
    printJson(io, { plugin, cniVersion: info.cniVersion, supportedVersions: info.supportedVersions });
  } else {
    io.stdout.write(
      `${plugin}: CNI spec versions ${info.supportedVersions.join(', ')} (answered as ${info.cniVersion})\n`,
    );
  }
  return ExitCode.Ok;
}
