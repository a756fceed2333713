// What a command may touch of its process: environment, the two output streams, and the interrupt signal.
// Commands receive it instead of reaching for `process`, so the rules about where output goes live in one place.

/** One output stream: text goes through `write`; `isTTY` decides colour and progress. */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** The process seen by a command. */
export interface CliIO {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Output;
  readonly stderr: Output;
  /** Aborted on SIGINT/SIGTERM; passed to every runtime call so plugin process groups are killed. */
  readonly signal: AbortSignal;
}

/** The real process's streams and environment. */
export function processIO(signal: AbortSignal): CliIO {
  return {
    env: process.env,
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    signal,
  };
}
