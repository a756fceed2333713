// cnikit-noop: the test plugin every suite runs as a real process (the role upstream's `noop` plays).
// It records each call to a log, then answers as a debug file says. Everything here is synchronous fd work
// until dispatch, so its start-up stays close to `node -e 0`.
import { readAllFd, runPlugin, writeAllFd } from '../../src/skel/index.ts';
import { SUPPORTED_VERSIONS } from '../../src/spec/index.ts';
import { behave, type NoopContext } from './behaviour.ts';
import { appendRecord, cniEnvOf } from './command-log.ts';
import { DEBUG_ENV, type DebugConfig, debugPathFromArgs, readDebugConfig } from './debug-config.ts';

const ABOUT = 'cnikit-noop: the cnikit test plugin (records each call, answers as its debug file says)';
// Commands whose stdin skel reads; the noop reads it first to find `debugFile` and `commandLog` in the config.
const READS_CONFIG = new Set(['ADD', 'CHECK', 'DEL', 'GC', 'STATUS']);

function stringKey(config: unknown, key: string): string | undefined {
  if (typeof config !== 'object' || config === null || !Object.hasOwn(config, key)) return undefined;
  const v: unknown = (config as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// A malformed config is skel's to report (code 6); here it only means "no debugFile / commandLog".
function looseConfig(stdin: Uint8Array | undefined): unknown {
  if (stdin === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(stdin).toString('utf8'));
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const command = env.CNI_COMMAND ?? '';
  let stdin: Uint8Array | undefined;
  let stdinError: unknown;
  if (READS_CONFIG.has(command)) {
    try {
      stdin = readAllFd(0);
    } catch (e) {
      stdinError = e;
    }
  }
  const config = looseConfig(stdin);
  const debugPath = debugPathFromArgs(env.CNI_ARGS) ?? stringKey(config, 'debugFile') ?? env[DEBUG_ENV];
  const logPath = stringKey(config, 'commandLog') ?? (debugPath ? `${debugPath}.log` : undefined);

  let setupError: unknown;
  let debug: DebugConfig = {};
  if (debugPath) {
    try {
      debug = readDebugConfig(debugPath);
    } catch (e) {
      setupError = e;
    }
  }
  if (logPath && command !== '') {
    const text = stdin === undefined ? '' : Buffer.from(stdin).toString('utf8');
    try {
      appendRecord(logPath, { command, pid: process.pid, env: cniEnvOf(env), stdin: text });
    } catch (e) {
      setupError ??= e;
    }
  }

  const writeStdout = (text: string): void => writeAllFd(1, text);
  const writeStderr = (text: string): void => writeAllFd(2, text);
  const ctx: NoopContext = { debug, setupError, writeStdout, writeStderr };
  const exitWithCode = debug.exitWithCode ?? 0;
  await runPlugin(
    {
      add: (args) => behave(ctx, 'ADD', args),
      check: async (args) => void (await behave(ctx, 'CHECK', args)),
      del: async (args) => void (await behave(ctx, 'DEL', args)),
      gc: async (args) => void (await behave(ctx, 'GC', args)),
      status: async (args) => void (await behave(ctx, 'STATUS', args)),
      versions: debug.reportVersionSupport ?? SUPPORTED_VERSIONS,
      about: ABOUT,
    },
    {
      readStdin: () => {
        if (stdinError !== undefined) throw stdinError;
        return stdin ?? readAllFd(0);
      },
      writeStdout,
      writeStderr,
      // exitWithCode replaces a successful exit only; an error still exits 1 (as upstream's noop).
      exit: (code) => process.exit(code === 0 && exitWithCode > 0 ? exitWithCode : code),
    },
  );
}

main().catch((e: unknown) => {
  // Only a bug in the noop itself lands here; still answer in the spec's shape rather than with a bare stack.
  const msg = e instanceof Error ? e.message : String(e);
  writeAllFd(1, JSON.stringify({ code: 999, msg }, null, 4));
  process.exit(1);
});
