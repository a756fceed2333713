// Turning a failed plugin run into an error: the plugin's own error JSON when it printed one, otherwise upstream's
// "netplugin failed ..." wording (pkg/invoke raw_exec.go pluginErr) with the stderr tail and what happened.
import { ErrorCode } from '../spec/errors.ts';
import { goQuote, quoteValue } from '../spec/go-quote.ts';
import { PluginError, type PluginErrorInit } from './errors.ts';
import type { ChildOutcome } from './spawn-child.ts';

type Ended = Exclude<ChildOutcome, { kind: 'spawn-error' }>;

// Go's text for the signals a plugin is likely to die of (syscall.Signal.String()).
const GO_SIGNALS: Readonly<Record<string, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGPIPE: 'broken pipe',
  SIGQUIT: 'quit',
  SIGTRAP: 'trace/breakpoint trap',
  SIGUSR1: 'user defined signal 1',
  SIGUSR2: 'user defined signal 2',
  SIGXCPU: 'CPU time limit exceeded',
};

// Go's strerror text for the errnos a failed exec reports.
const GO_ERRNOS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOEXEC: 'exec format error',
  ETXTBSY: 'text file busy',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  E2BIG: 'argument list too long',
  ENOMEM: 'cannot allocate memory',
  EISDIR: 'is a directory',
  EPERM: 'operation not permitted',
};

/** Go's `*exec.ExitError` text: `exit status N` or `signal: killed`. */
export function exitText(exitCode: number | null, signal: string | null): string {
  if (signal !== null) return `signal: ${GO_SIGNALS[signal] ?? signal}`;
  return `exit status ${exitCode ?? -1}`;
}

/** Go's fork/exec error text for a plugin that could not start. */
export function spawnText(pluginPath: string, code: string, error: Error): string {
  return `fork/exec ${pluginPath}: ${GO_ERRNOS[code] ?? error.message}`;
}

type Decoded = { ok: true; code: number; msg: string; details: string } | { ok: false; reason: string };

/** Reads stdout as the spec's error object, with Go's field types (code uint, msg and details strings). */
export function decodeErrorJson(stdout: string): Decoded {
  let v: unknown;
  try {
    v = JSON.parse(stdout);
  } catch (e) {
    const m = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: m.charAt(0).toLowerCase() + m.slice(1) };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, reason: 'not a JSON object' };
  const o = v as { readonly [key: string]: unknown };
  const code = Object.hasOwn(o, 'code') ? o.code : undefined;
  const msg = Object.hasOwn(o, 'msg') ? o.msg : undefined;
  const details = Object.hasOwn(o, 'details') ? o.details : undefined;
  if (code !== undefined && !(Number.isSafeInteger(code) && typeof code === 'number' && code >= 0)) {
    return { ok: false, reason: 'field "code" must be a non-negative integer' };
  }
  if (msg !== undefined && typeof msg !== 'string') return { ok: false, reason: 'field "msg" must be a string' };
  if (details !== undefined && typeof details !== 'string') {
    return { ok: false, reason: 'field "details" must be a string' };
  }
  if (code === undefined && msg === undefined) return { ok: false, reason: 'no "code" or "msg": not a CNI error' };
  return { ok: true, code: code ?? ErrorCode.Internal, msg: msg ?? '', details: details ?? '' };
}

function base(o: Ended, pluginPath: string, command: string, stderrTail: string): Omit<PluginErrorInit, 'reason'> {
  return { pluginPath, command, exitCode: o.exitCode, signal: o.signal, stderrTail };
}

function context(pluginPath: string, command: string, stderrTail: string, extra?: string): string {
  const parts = [`plugin ${pluginPath} (CNI_COMMAND=${command})`];
  if (extra !== undefined) parts.push(extra);
  if (stderrTail !== '') parts.push(`stderr: ${goQuote(stderrTail)}`);
  return parts.join('; ');
}

/** The error for a run that ended other than by exit 0. */
export function failureOf(o: Ended, pluginPath: string, command: string): PluginError {
  const stderrTail = o.stderrTail.toString();
  const init = base(o, pluginPath, command, stderrTail);
  const killed = exitText(null, 'SIGKILL');
  switch (o.kind) {
    case 'aborted':
      return new PluginError(ErrorCode.Internal, `netplugin failed with no error message: ${killed}`, {
        ...init,
        reason: 'aborted',
        details: context(pluginPath, command, stderrTail, 'aborted by the caller; its process group was killed'),
        cause: o.reason,
      });
    case 'timeout':
      return new PluginError(ErrorCode.Internal, `netplugin failed with no error message: ${killed}`, {
        ...init,
        reason: 'timeout',
        details: context(
          pluginPath,
          command,
          stderrTail,
          `timed out after ${o.timeoutMs} ms; its process group was killed`,
        ),
      });
    case 'output-limit':
      return new PluginError(ErrorCode.Internal, `netplugin wrote more than ${o.limit} bytes to ${o.stream}`, {
        ...init,
        reason: 'output-limit',
        details: context(pluginPath, command, o.stream === 'stderr' ? '' : stderrTail, 'its process group was killed'),
      });
    case 'exited':
      return exitFailure(o, init, pluginPath, command, stderrTail);
  }
}

function exitFailure(
  o: Ended,
  init: Omit<PluginErrorInit, 'reason'>,
  pluginPath: string,
  command: string,
  stderrTail: string,
): PluginError {
  const status = exitText(o.exitCode, o.signal);
  if (o.stdout.length === 0) {
    // Upstream puts stderr in the message itself when stdout is empty.
    const msg =
      stderrTail === ''
        ? `netplugin failed with no error message: ${status}`
        : `netplugin failed: ${goQuote(stderrTail)}: ${status}`;
    return new PluginError(ErrorCode.Internal, msg, {
      ...init,
      reason: 'exit',
      details: context(pluginPath, command, ''),
    });
  }
  const text = o.stdout.toString();
  const decoded = decodeErrorJson(text);
  if (decoded.ok) {
    // Upstream passes an empty msg on as an empty error; ours always says something (the plugin's own object, empty
    // msg included, is still what toJSON gives back).
    const msg =
      decoded.msg === '' ? `plugin ${pluginPath} reported error code ${decoded.code} with no message` : decoded.msg;
    return new PluginError(decoded.code, msg, {
      ...init,
      reason: 'reported',
      details: decoded.details,
      reportedMsg: decoded.msg,
    });
  }
  return new PluginError(
    ErrorCode.Internal,
    `netplugin failed but error parsing its diagnostic message ${quoteValue(text)}: ${decoded.reason}`,
    { ...init, reason: 'exit', details: context(pluginPath, command, stderrTail, status) },
  );
}
