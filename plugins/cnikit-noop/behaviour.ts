// What cnikit-noop does for ADD, CHECK, DEL, GC and STATUS once skel has validated the call.
import type { CmdArgs } from '../../src/skel/index.ts';
import { configVersionOf, prevResultOf } from '../../src/skel/index.ts';
import { CNIError, convertResult, ErrorCode, isSpecVersion, type Result } from '../../src/spec/index.ts';
import type { DebugConfig } from './debug-config.ts';

/** The noop's state for one process: its debug config (or why it could not be read) and how to print verbatim. */
export interface NoopContext {
  readonly debug: DebugConfig;
  /** A set-up failure (unreadable debug file, unwritable log) reported as the plugin's error on any command. */
  readonly setupError: unknown;
  readonly writeStdout: (text: string) => void;
  readonly writeStderr: (text: string) => void;
}

/** An empty result of `version`'s shape, for a plugin with nothing to pass through. */
export function emptyResult(version: string): Result {
  if (!isSpecVersion(version)) {
    throw new CNIError(
      ErrorCode.IncompatibleVersion,
      `cnikit-noop: no result type for version ${JSON.stringify(version)}`,
    );
  }
  return { cniVersion: version } as Result;
}

// Upstream noop's INJECT-DNS: prevResult seen as 1.1.0 with nameservers ["1.2.3.4"]; skel converts it back.
function injectDns(prev: Result | undefined): Result {
  const base = prev === undefined ? emptyResult('1.1.0') : convertResult(prev, '1.1.0');
  return { ...base, dns: { ...base.dns, nameservers: ['1.2.3.4'] } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Answers one command as the debug config says; with no instructions ADD passes prevResult through. */
export async function behave(ctx: NoopContext, command: string, args: CmdArgs): Promise<Result | undefined> {
  if (ctx.setupError !== undefined) throw ctx.setupError;
  const { debug } = ctx;
  if (debug.reportStderr) ctx.writeStderr(debug.reportStderr);
  if (debug.sleepMs) await sleep(debug.sleepMs);
  if (debug.reportError !== undefined) {
    const details = debug.reportErrorDetails;
    throw new CNIError(debug.reportErrorCode || ErrorCode.Internal, debug.reportError, details ? { details } : {});
  }
  const report = debug.reportResult;
  if (report !== undefined && report !== 'PASSTHROUGH' && report !== 'INJECT-DNS') {
    // Verbatim, for any command (as upstream's noop): lets runtime tests feed odd or foreign-version output.
    ctx.writeStdout(typeof report === 'string' ? report : JSON.stringify(report));
    return undefined;
  }
  if (command !== 'ADD') return undefined;
  const prev = prevResultOf(args.config);
  if (report === 'INJECT-DNS') return injectDns(prev);
  return prev ?? emptyResult(configVersionOf(args.config));
}
