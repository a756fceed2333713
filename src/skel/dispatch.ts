// The dispatcher: env → stdin → config → version gate → handler, as libcni's skel pluginMain does it, returning
// what to print instead of printing it, so it can be tested without a process.
import { CNIError, ErrorCode, SUPPORTED_VERSIONS, toCNIError } from '../spec/index.ts';
import { readEnvArgs } from './env-args.ts';
import { formatAbout, formatVersionInfo } from './output.ts';
import { parsePluginConf } from './parse-config.ts';
import type { PluginIO } from './plugin-io.ts';
import { formatResult } from './result-output.ts';
import type { CmdArgs, PluginFuncs } from './types.ts';
import { configVersionOf, gateVerb, reconcile } from './version-gate.ts';

/** What one run produced: text for stdout, the about text for stderr, or an error to print as the spec's JSON. */
export type Outcome =
  | { readonly kind: 'success'; readonly stdout: string }
  | { readonly kind: 'about'; readonly stderr: string }
  | { readonly kind: 'failure'; readonly error: CNIError; readonly thrown?: unknown };

/** Carries a handler's non-CNI exception to the outcome, so runPlugin can log its stack on stderr. */
class HandlerError extends Error {
  constructor(
    readonly error: CNIError,
    readonly thrown: unknown,
  ) {
    super(error.message);
  }
}

/** Runs a handler, turning anything it throws that is not a CNIError into code 999 with its message. */
async function call<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (CNIError.is(e)) throw e;
    throw new HandlerError(toCNIError(e, ErrorCode.Internal), e);
  }
}

// Upstream checks after ADD and DEL that the plugin did not run in the target namespace itself.
function checkNetns(io: PluginIO, args: CmdArgs): void {
  const override = args.netnsOverride;
  if (override.toUpperCase() === 'TRUE' || override === '1') return;
  if (io.isOwnNetns(args.netns)) {
    throw new CNIError(ErrorCode.InvalidNetNS, "plugin's netns and netns from CNI_NETNS should not be the same");
  }
}

async function run(funcs: PluginFuncs, io: PluginIO, versions: readonly string[]): Promise<string> {
  const env = readEnvArgs(io.env);
  // VERSION never reads stdin (a runtime may not send any).
  if (env.command === 'VERSION') return formatVersionInfo(versions);
  let stdinData: Uint8Array;
  try {
    stdinData = await io.readStdin();
  } catch (e) {
    throw new CNIError(ErrorCode.IOFailure, `error reading from stdin: ${e instanceof Error ? e.message : String(e)}`);
  }
  const config = parsePluginConf(stdinData);
  const args: CmdArgs = {
    containerId: env.containerId,
    netns: env.netns,
    ifName: env.ifName,
    args: env.args,
    path: env.path,
    netnsOverride: env.netnsOverride,
    stdinData,
    config,
  };
  switch (env.command) {
    case 'ADD': {
      const configVersion = configVersionOf(config);
      reconcile(configVersion, versions);
      const add = funcs.add;
      const result = add === undefined ? undefined : await call(() => add.call(funcs, args));
      checkNetns(io, args);
      return result === undefined ? '' : await call(() => formatResult(result, configVersion));
    }
    case 'DEL': {
      reconcile(configVersionOf(config), versions);
      const del = funcs.del;
      if (del !== undefined) await call(() => del.call(funcs, args));
      checkNetns(io, args);
      return '';
    }
    case 'CHECK':
    case 'GC':
    case 'STATUS': {
      const command = env.command;
      gateVerb(command, configVersionOf(config), command === 'CHECK' ? '0.4.0' : '1.1.0', versions);
      const fn = command === 'CHECK' ? funcs.check : command === 'GC' ? funcs.gc : funcs.status;
      if (fn !== undefined) await call(() => fn.call(funcs, args));
      return '';
    }
    default:
      throw new CNIError(ErrorCode.InvalidEnvironment, `unknown CNI_COMMAND: ${env.command}`);
  }
}

/** Runs one CNI call against `funcs` and says what to print; never throws. */
export async function dispatch(funcs: PluginFuncs, io: PluginIO): Promise<Outcome> {
  const versions = funcs.versions ?? SUPPORTED_VERSIONS;
  try {
    return { kind: 'success', stdout: await run(funcs, io, versions) };
  } catch (e) {
    if (e instanceof HandlerError) return { kind: 'failure', error: e.error, thrown: e.thrown };
    const error = toCNIError(e, ErrorCode.Internal);
    // Upstream prints the about text instead of the "missing CNI_COMMAND" error when a human runs the binary.
    const noCommand = (io.env.CNI_COMMAND ?? '') === '';
    if (error.code === ErrorCode.InvalidEnvironment && noCommand && funcs.about) {
      return { kind: 'about', stderr: formatAbout(funcs.about, versions) };
    }
    return CNIError.is(e) ? { kind: 'failure', error } : { kind: 'failure', error, thrown: e };
  }
}
