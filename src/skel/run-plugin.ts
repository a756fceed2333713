// The entry point a plugin's main calls: dispatch one CNI call, print its outcome, exit with the code runtimes expect.
import { dispatch } from './dispatch.ts';
import { formatError } from './output.ts';
import { type PluginIO, processIO } from './plugin-io.ts';
import type { PluginFuncs } from './types.ts';

// A broken pipe or closed stdout must not turn into an unhandled exception with a stack on the way out.
function safely(write: (text: string) => void, text: string): void {
  if (text === '') return;
  try {
    write(text);
  } catch {
    // Nothing left to report to: the runtime stopped listening.
  }
}

function stackOf(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.stack ?? `${thrown.name}: ${thrown.message}`;
  return String(thrown);
}

/**
 * Runs one CNI call: prints the result (exit 0) or the spec's error JSON on stdout (exit 1); an unexpected
 * exception becomes code 999 with its message on stdout and its stack on stderr. `io` parts default to the process.
 */
export async function runPlugin(funcs: PluginFuncs, io: Partial<PluginIO> = {}): Promise<void> {
  const full: PluginIO = { ...processIO(), ...io };
  const outcome = await dispatch(funcs, full);
  switch (outcome.kind) {
    case 'success':
      safely(full.writeStdout, outcome.stdout);
      full.exit(0);
      return;
    case 'about':
      safely(full.writeStderr, outcome.stderr);
      full.exit(0);
      return;
    case 'failure':
      if (outcome.thrown !== undefined) safely(full.writeStderr, `${stackOf(outcome.thrown)}\n`);
      safely(full.writeStdout, formatError(outcome.error));
      full.exit(1);
      return;
  }
}
