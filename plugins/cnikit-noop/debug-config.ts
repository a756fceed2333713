// The noop's control file: where it is named (CNI_ARGS, config, env) and what it may ask the plugin to do.
import { readFileSync } from 'node:fs';

/** What a test asks cnikit-noop to do, read from the debug file (every key optional). */
export interface DebugConfig {
  /** ADD's output: "PASSTHROUGH", "INJECT-DNS", or a result (object or text) printed verbatim for any command. */
  readonly reportResult?: unknown;
  /** When set, every command fails with this message and reportErrorCode (default 999). */
  readonly reportError?: string;
  readonly reportErrorCode?: number;
  readonly reportErrorDetails?: string;
  /** Written to stderr on every command. */
  readonly reportStderr?: string;
  /** The versions VERSION reports and the dispatcher accepts (default: every spec version). */
  readonly reportVersionSupport?: readonly string[];
  /** After printing the output, exit with this code instead of 0. */
  readonly exitWithCode?: number;
  /** Sleep this long after recording the call and before answering, so tests can watch in-flight states. */
  readonly sleepMs?: number;
}

/** Env fallback naming the debug file, for callers that cannot set CNI_ARGS (a runtime's VERSION probe). */
export const DEBUG_ENV = 'CNIKIT_NOOP_DEBUG';

/** The DEBUG=<path> entry of CNI_ARGS, read loosely: a malformed CNI_ARGS is the runtime's test, not ours. */
export function debugPathFromArgs(cniArgs: string | undefined): string | undefined {
  if (!cniArgs) return undefined;
  for (const pair of cniArgs.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === 'DEBUG' && eq < pair.length - 1) return pair.slice(eq + 1);
  }
  return undefined;
}

function optString(obj: Readonly<Record<string, unknown>>, key: string, file: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`debug file ${file}: "${key}" must be a string`);
  return v;
}

function optNumber(obj: Readonly<Record<string, unknown>>, key: string, file: string): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new Error(`debug file ${file}: "${key}" must be a non-negative integer`);
  }
  return v;
}

function optStrings(obj: Readonly<Record<string, unknown>>, key: string, file: string): string[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) {
    throw new Error(`debug file ${file}: "${key}" must be an array of strings`);
  }
  return v;
}

/** Reads the debug file: a missing file means "no special behaviour"; a malformed one throws naming the file. */
export function readDebugConfig(file: string): DebugConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return {};
    throw e;
  }
  if (text.trim() === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`debug file ${file}: expected a JSON object`);
  }
  const obj = value as Readonly<Record<string, unknown>>;
  const out: { -readonly [K in keyof DebugConfig]: DebugConfig[K] } = {};
  if (obj.reportResult !== undefined && obj.reportResult !== null) out.reportResult = obj.reportResult;
  const reportError = optString(obj, 'reportError', file);
  const reportErrorCode = optNumber(obj, 'reportErrorCode', file);
  const reportErrorDetails = optString(obj, 'reportErrorDetails', file);
  const reportStderr = optString(obj, 'reportStderr', file);
  const reportVersionSupport = optStrings(obj, 'reportVersionSupport', file);
  const exitWithCode = optNumber(obj, 'exitWithCode', file);
  const sleepMs = optNumber(obj, 'sleepMs', file);
  if (reportError !== undefined) out.reportError = reportError;
  if (reportErrorCode !== undefined) out.reportErrorCode = reportErrorCode;
  if (reportErrorDetails !== undefined) out.reportErrorDetails = reportErrorDetails;
  if (reportStderr !== undefined) out.reportStderr = reportStderr;
  if (reportVersionSupport !== undefined) out.reportVersionSupport = reportVersionSupport;
  if (exitWithCode !== undefined) out.exitWithCode = exitWithCode;
  if (sleepMs !== undefined) out.sleepMs = sleepMs;
  return out;
}
