// The `cnikit` (alias `cnitool`) entry point: dispatch to one file per subcommand, turn failures into exit codes.
// Bundled to bin/cnikit.cjs (CJS): no import.meta, no top-level await.
import { addCommand } from './add.ts';
import { cacheCommand } from './cache.ts';
import { checkCommand } from './check.ts';
import { delCommand } from './del.ts';
import { demoCommand } from './demo.ts';
import { doctorCommand } from './doctor-entry.ts';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes.ts';
import { gcCommand } from './gc.ts';
import { type CliIO, processIO } from './io.ts';
import { COMMON_FLAGS_HELP } from './options.ts';
import { reportError } from './output.ts';
import { cnikitVersion } from './package-root.ts';
import { statusCommand } from './status.ts';
import { UsageError } from './usage-error.ts';
import { versionCommand } from './version.ts';

type Command = (argv: readonly string[], io: CliIO) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  add: addCommand,
  check: checkCommand,
  del: delCommand,
  gc: gcCommand,
  status: statusCommand,
  version: versionCommand,
  cache: cacheCommand,
  demo: demoCommand,
  doctor: doctorCommand,
};

const USAGE = 'Usage: cnikit <command> [args] [flags]';

/** `cnikit --help`. */
export const MAIN_HELP = `${USAGE}

Add, check, remove, garbage-collect or query network interfaces of a network namespace with CNI plugins.
cnitool-compatible: same arguments, environment and container IDs; also installed as 'cnitool'.

Commands:
  add <network> <netns>      attach; prints the result JSON
  check <network> <netns>    verify an attachment (CHECK)
  del <network> <netns>      detach; never blocked by a missing, empty or corrupt cache entry
  gc <network> --valid ...   remove cached attachments not in the valid set (or --all)
  status <network>           ask the network's plugins whether they are ready (STATUS)
  version [<plugin>]         a plugin's supported spec versions (or cnikit's own version)
  cache ls|show|verify       inspect the result cache
  doctor                     find and repair what crashes left behind
  demo                       (root) show a crash-damaged cache being cleaned up, in a private namespace

Run 'cnikit <command> --help' for a command's flags and environment.

${COMMON_FLAGS_HELP}

${EXIT_CODES_HELP}
`;

/** True when --json appears among the flags (before any '--'), so even a usage error can be reported as JSON. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Runs one command line and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  const json = wantsJson(argv);
  try {
    if (name === undefined) throw new UsageError('missing command', USAGE);
    if (name === '-h' || name === '--help' || name === 'help') {
      const [topic] = rest;
      const sub = topic === undefined || !Object.hasOwn(COMMANDS, topic) ? undefined : COMMANDS[topic];
      if (sub !== undefined) return await sub(['--help'], io);
      io.stdout.write(MAIN_HELP);
      return ExitCode.Ok;
    }
    if (name === '-V' || name === '--version') {
      io.stdout.write(`cnikit ${cnikitVersion()}\n`);
      return ExitCode.Ok;
    }
    const run = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (run === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`, USAGE);
    return await run(rest, io);
  } catch (err) {
    reportError(
      io,
      err,
      json,
      err instanceof UsageError && name !== undefined && Object.hasOwn(COMMANDS, name) ? name : '',
    );
    if (io.signal.aborted) return ExitCode.Interrupted;
    return err instanceof UsageError ? ExitCode.Usage : ExitCode.Failed;
  }
}

function start(): void {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts++;
    // The first signal aborts the running operation (plugins' process groups are killed, cleanup runs);
    // a second one means "stop now".
    if (interrupts > 1) process.exit(ExitCode.Interrupted);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `cnikit cache ls | head -1` closes our stdout early: that is the reader's choice, not a failure to report.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.Ok);
    throw err;
  });
  main(process.argv.slice(2), processIO(controller.signal)).then(
    (code) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `cnikit: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = ExitCode.Failed;
    },
  );
}

start();
