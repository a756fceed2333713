// ADD's stdout: the handler's result converted to the config's cniVersion and printed as upstream's
// types.PrintResult prints it.
import { convertResult, printResult, type Result } from '../spec/index.ts';

/** The result converted to `version` and rendered exactly as a Go plugin prints it. */
export function formatResult(result: Result, version: string): string {
  return printResult(convertResult(result, version));
}
