// The process mechanics of one plugin run, kept in one file so another backend (e.g. posix_spawn through FFI)
// can replace it behind the same Exec interface. It never throws: every ending is a ChildOutcome.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  abortedBeforeStart,
  type ChildLimits,
  type ChildOutcome,
  FORCE_CLOSE_MS,
  LINGER_MS,
  OutputCapture,
} from './output-capture.ts';

export type { ChildLimits, ChildOutcome } from './output-capture.ts';

function errnoOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** SIGKILLs the plugin's whole process group (it leads its own: spawned detached, so setsid()). */
function killGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone. Fall back to the leader alone in case the group could not be signalled.
    try {
      child.kill('SIGKILL');
    } catch {
      // already reaped
    }
  }
}

/** Runs `file` with no argv, `env`, and `stdin`; resolves once it has exited and its pipes are drained. */
export function runChild(
  file: string,
  stdin: Uint8Array,
  env: Readonly<Record<string, string>>,
  limits: ChildLimits,
): Promise<ChildOutcome> {
  if (limits.signal?.aborted) return Promise.resolve(abortedBeforeStart(limits.signal));
  let child: ChildProcess;
  try {
    child = spawn(file, [], { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  } catch (e) {
    // ETXTBSY, E2BIG and invalid env values (NUL) throw synchronously.
    return Promise.resolve({
      kind: 'spawn-error',
      code: errnoOf(e),
      error: e instanceof Error ? e : new Error(String(e)),
    });
  }
  return new Promise((resolve) => collect(child, stdin, limits, resolve));
}

function collect(
  child: ChildProcess,
  stdin: Uint8Array,
  limits: ChildLimits,
  resolve: (o: ChildOutcome) => void,
): void {
  const { stdout, stderr, stdin: input } = child;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let open = 2;
  let done = false;
  let linger: NodeJS.Timeout | undefined;
  const capture = new OutputCapture(limits, () => {
    if (!done) killGroup(child);
  });

  const finish = (): void => {
    if (done || exit === undefined) return;
    done = true;
    clearTimeout(linger);
    resolve(capture.outcome(exit.code, exit.signal));
  };
  const closed = (): void => {
    open -= 1;
    if (open === 0) finish();
  };

  child.on('error', (e) => {
    if (child.pid !== undefined || done) return; // a kill error after start; the exit path still reports
    done = true;
    capture.dispose();
    resolve({ kind: 'spawn-error', code: errnoOf(e), error: e });
  });
  child.once('exit', (code, sig) => {
    exit = { code, signal: sig };
    if (open === 0) return finish();
    linger = setTimeout(() => {
      // Kill the descendants holding our pipes, then let EOF arrive: output still in the pipe is read first. Only
      // a descendant that left the group can keep them open; past FORCE_CLOSE_MS we stop waiting for it. (Closing
      // the pipes here, as a first version did, lost a plugin's whole result when the event loop lagged > LINGER_MS.)
      killGroup(child);
      linger = setTimeout(() => {
        stdout?.destroy();
        stderr?.destroy();
        finish();
      }, FORCE_CLOSE_MS);
    }, LINGER_MS);
  });

  stdout?.on('data', (chunk: Buffer) => capture.stdout(chunk));
  stderr?.on('data', (chunk: Buffer) => capture.stderr(chunk));
  stdout?.once('close', closed);
  stderr?.once('close', closed);

  input?.on('error', () => {
    // EPIPE: the plugin exited (or closed stdin) without reading it all; its exit status tells the story.
  });
  input?.end(stdin);
}
