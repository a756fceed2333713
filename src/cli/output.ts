// How results and failures reach the user. Errors always go to stderr: as upstream cnitool's plain message, or with
// --json as the spec's error object ({code, msg, details}) on the last line, so scripts can branch on the code.
// Stdout carries only a command's product (a result, a table, a report): `cnikit add ... > result.json` stays clean.
import { type CNIErrorJSON, printResult, type Result, toCNIError } from '../spec/index.ts';
import type { CliIO } from './io.ts';
import { UsageError } from './usage-error.ts';

/** Writes a value as 2-space JSON plus newline to stdout. */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes a plugin result exactly as Go's result.Print (4-space indent, Go's escaping, no trailing newline),
 * so piped output is byte-identical to cnitool's; a terminal gets a final newline so the prompt starts clean.
 */
export function printPluginResult(io: CliIO, result: Result): void {
  io.stdout.write(printResult(result) + (io.stdout.isTTY ? '\n' : ''));
}

/** The spec error object for any thrown value. */
export function errorObject(err: unknown): CNIErrorJSON {
  return toCNIError(err).toJSON();
}

/** Reports a failure on stderr; usage errors also show the synopsis and where to find --help. */
export function reportError(io: CliIO, err: unknown, json: boolean, command: string): void {
  if (json) {
    // One line, and always the last one: plugins' own stderr passes through above it, so `tail -n 1` finds it.
    io.stderr.write(`${JSON.stringify(errorObject(err))}\n`);
    return;
  }
  if (err instanceof UsageError) {
    const where = command === '' ? 'cnikit' : `cnikit ${command}`;
    const usage = err.usage === '' ? '' : `${err.usage}\n`;
    io.stderr.write(`${where}: ${err.message}\n${usage}Run '${where} --help' for more.\n`);
    return;
  }
  // Upstream cnitool prints the bare message; operators' greps match on it.
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`${message}\n`);
}
