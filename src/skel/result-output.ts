// ADD's stdout: the handler's result checked, converted to the config's cniVersion and printed as upstream's
// types.PrintResult prints it.
import { CNIError, convertResult, ErrorCode, parseResult, printResult, type Result } from '../spec/index.ts';

/**
 * The result re-read through the spec's parser (so a plain-JS plugin returning a malformed object gets a message
 * naming the field, not a TypeError), converted to `version` and rendered exactly as a Go plugin prints it.
 */
export function formatResult(result: Result, version: string): string {
  let checked: Result;
  try {
    checked = parseResult(result);
  } catch (e) {
    const code = CNIError.is(e) ? e.code : ErrorCode.Internal;
    throw new CNIError(code, `invalid ADD result: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return printResult(convertResult(checked, version));
}
