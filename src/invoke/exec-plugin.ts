// Running one plugin command and decoding what it printed, as libcni's ExecPluginWithResult,
// ExecPluginWithoutResult and GetVersionInfo do (pkg/invoke exec.go).
import { CNIError, ErrorCode } from '../spec/errors.ts';
import { LEGACY_VERSION_INFO, parseResult, parseVersionInfo } from '../spec/index.ts';
import type { Result, VersionInfo } from '../spec/types.ts';
import { CURRENT_VERSION } from '../spec/version.ts';
import { buildPluginEnv } from './env.ts';
import type { Exec, ExecOptions, InvokeArgs } from './types.ts';

const decoder = new TextDecoder();

/** The config's cniVersion, which a result that names none is read as (upstream's fixupResultVersion, #895). */
function configVersion(stdin: Uint8Array): string {
  let conf: unknown;
  try {
    conf = JSON.parse(decoder.decode(stdin));
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    throw new CNIError(ErrorCode.DecodingFailure, `decoding version from network config: ${m}`, { cause: e });
  }
  const v =
    typeof conf === 'object' && conf !== null && Object.hasOwn(conf, 'cniVersion')
      ? (conf as { cniVersion: unknown }).cniVersion
      : undefined;
  return typeof v === 'string' && v !== '' ? v : '0.1.0';
}

/** Runs the plugin and decodes its stdout as a result of its cniVersion (or the config's when it names none). */
export async function execPluginWithResult(
  exec: Exec,
  pluginPath: string,
  stdin: Uint8Array,
  args: InvokeArgs,
  opts: ExecOptions,
): Promise<Result> {
  const version = configVersion(stdin);
  const stdout = await exec.execPlugin(pluginPath, stdin, buildPluginEnv(args), opts);
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(stdout));
  } catch (e) {
    // An ADD that prints nothing (or garbage) and exits 0 is an error, in upstream's words.
    const m = stdout.length === 0 ? 'unexpected end of JSON input' : e instanceof Error ? e.message : String(e);
    throw new CNIError(ErrorCode.DecodingFailure, `failed to unmarshal raw result: ${m}`, {
      details: `plugin ${pluginPath} (CNI_COMMAND=${args.command})`,
      cause: e,
    });
  }
  return parseResult(raw, { version });
}

/** Runs the plugin and ignores its stdout (CHECK, DEL, GC, STATUS). */
export async function execPluginWithoutResult(
  exec: Exec,
  pluginPath: string,
  stdin: Uint8Array,
  args: InvokeArgs,
  opts: ExecOptions,
): Promise<void> {
  await exec.execPlugin(pluginPath, stdin, buildPluginEnv(args), opts);
}

/**
 * Asks the plugin which spec versions it supports. A plugin that predates VERSION (it answers exactly
 * `unknown CNI_COMMAND: VERSION`) supports 0.1.0, as upstream reads it.
 */
export async function getVersionInfo(exec: Exec, pluginPath: string, opts: ExecOptions): Promise<VersionInfo> {
  const stdin = Buffer.from(JSON.stringify({ cniVersion: CURRENT_VERSION }));
  let stdout: Uint8Array;
  try {
    stdout = await exec.execPlugin(pluginPath, stdin, buildPluginEnv({ command: 'VERSION', path: [] }), opts);
  } catch (e) {
    if (CNIError.is(e) && e.message === 'unknown CNI_COMMAND: VERSION') return LEGACY_VERSION_INFO;
    throw e;
  }
  return parseVersionInfo(stdout);
}
