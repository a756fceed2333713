// Typed failures of plugin lookup and exec. Messages keep upstream libcni's wording (pkg/invoke) so operators'
// greps and runtimes' string matches keep working; everything needed to act travels on the error.
import { CNIError, type CNIErrorJSON, ErrorCode } from '../spec/errors.ts';

/** Why a plugin call failed. */
export type PluginFailure =
  /** The plugin exited non-zero and printed the spec's error JSON (code, msg, details are its own). */
  | 'reported'
  /** It exited non-zero (or died by a signal we did not send) without a readable error object. */
  | 'exit'
  /** The caller's AbortSignal fired; the process group was killed. */
  | 'aborted'
  /** The time-out passed; the process group was killed. */
  | 'timeout'
  /** It wrote more than the cap to stdout or stderr; the process group was killed. */
  | 'output-limit'
  /** It could not be started (missing, not executable, bad interpreter, bad environment). */
  | 'spawn'
  /** Starting it kept failing with ETXTBSY (the file is open for writing, e.g. being replaced). */
  | 'text-busy';

/** What PluginError carries besides code and message. */
export interface PluginErrorInit {
  readonly reason: PluginFailure;
  readonly pluginPath: string;
  readonly command: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly stderrTail?: string;
  readonly details?: string;
  readonly cause?: unknown;
  /** For reason 'reported': the msg exactly as the plugin printed it, even when empty (toJSON gives it back). */
  readonly reportedMsg?: string;
}

// A plugin's msg and details may be as long as its output cap allows; the Error message keeps this many characters
// of each (two parts and their notes stay under 64 KiB). The whole texts stay on .msg and .details.
const MESSAGE_PART_MAX = 32_000;

function clipPart(s: string): string {
  if (s.length <= MESSAGE_PART_MAX) return s;
  // Never end on half of a surrogate pair.
  const c = s.charCodeAt(MESSAGE_PART_MAX - 1);
  const end = c >= 0xd800 && c <= 0xdbff ? MESSAGE_PART_MAX - 1 : MESSAGE_PART_MAX;
  return `${s.slice(0, end)}... (clipped, ${s.length} chars)`;
}

/** A plugin exec that failed: the plugin, the command, how it ended, and the tail of its stderr. */
export class PluginError extends CNIError {
  override name = 'PluginError' as const;
  readonly reason: PluginFailure;
  readonly pluginPath: string;
  /** The CNI_COMMAND it was run with. */
  readonly command: string;
  /** Its exit status, or null when it died by a signal or never ran. */
  readonly exitCode: number | null;
  /** The signal that ended it (e.g. SIGKILL), or null. */
  readonly signal: string | null;
  /** The last bytes it wrote to stderr (UTF-8, up to a few KiB). */
  readonly stderrTail: string;
  /** For a 'reported' failure, the plugin's msg exactly (possibly empty, when .msg is a fallback); else null. */
  readonly reportedMsg: string | null;

  /** `.msg` and `.details` are kept whole; `.message` keeps at most 32,000 characters of each, saying "(clipped)". */
  constructor(code: number, msg: string, init: PluginErrorInit) {
    super(code, msg, { ...(init.details ? { details: init.details } : {}), cause: init.cause });
    if (msg.length > MESSAGE_PART_MAX || this.details.length > MESSAGE_PART_MAX) {
      this.message = this.details ? `${clipPart(msg)}; ${clipPart(this.details)}` : clipPart(msg);
    }
    this.reason = init.reason;
    this.pluginPath = init.pluginPath;
    this.command = init.command;
    this.exitCode = init.exitCode ?? null;
    this.signal = init.signal ?? null;
    this.stderrTail = init.stderrTail ?? '';
    this.reportedMsg = init.reportedMsg ?? null;
  }

  /** The spec's error object; for a 'reported' failure, the plugin's own code, msg and details unchanged. */
  override toJSON(cniVersion?: string): CNIErrorJSON {
    const json = super.toJSON(cniVersion);
    return this.reportedMsg === null ? json : { ...json, msg: this.reportedMsg };
  }
}

/** A plugin type that may not be looked up: empty, or able to leave the search dirs (code 7). */
export class InvalidPluginTypeError extends CNIError {
  override name = 'InvalidPluginTypeError' as const;
  readonly pluginType: string;

  constructor(pluginType: string, msg: string) {
    super(ErrorCode.InvalidNetworkConfig, msg);
    this.pluginType = pluginType;
  }
}

/** No regular file named after the plugin type in any search dir (code 7): upstream's FindInPath message. */
export class PluginNotFoundError extends CNIError {
  override name = 'PluginNotFoundError' as const;
  readonly pluginType: string;
  readonly paths: readonly string[];

  constructor(pluginType: string, paths: readonly string[], msg: string) {
    super(ErrorCode.InvalidNetworkConfig, msg);
    this.pluginType = pluginType;
    this.paths = paths;
  }
}
