// The process mechanics of one plugin run, kept in one file so another backend (e.g. posix_spawn through FFI)
// can replace it behind the same Exec interface. It never throws: every ending is a ChildOutcome.
import { type ChildProcess, spawn } from 'node:child_process';

/** Limits and sinks of one run. */
export interface ChildLimits {
  readonly signal: AbortSignal | undefined;
  /** Milliseconds before the group is killed; <= 0 or Infinity means none. */
  readonly timeoutMs: number;
  /** Cap on stdout bytes, and separately on stderr bytes. */
  readonly maxOutputBytes: number;
  /** Receives stderr chunks as they arrive. */
  readonly stderr: (chunk: Uint8Array) => void;
}

/** What the run left behind, whatever the ending. */
interface Captured {
  readonly stdout: Buffer;
  /** The last STDERR_TAIL_BYTES bytes of stderr. */
  readonly stderrTail: Buffer;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How one run ended. */
export type ChildOutcome =
  | ({ readonly kind: 'exited' } & Captured)
  | ({ readonly kind: 'aborted'; readonly reason: unknown } & Captured)
  | ({ readonly kind: 'timeout'; readonly timeoutMs: number } & Captured)
  | ({ readonly kind: 'output-limit'; readonly stream: 'stdout' | 'stderr'; readonly limit: number } & Captured)
  | { readonly kind: 'spawn-error'; readonly code: string; readonly error: Error };

/** How much of stderr is kept for error messages. */
export const STDERR_TAIL_BYTES = 2048;
// After the plugin exits, how long a descendant may keep our pipes open before the group is killed. A plugin
// that daemonises without closing stdout would otherwise hang the call (Go's exec waits forever there).
const LINGER_MS = 250;
/** After the linger kill, how long to wait for EOF before closing the pipes on a descendant outside the group. */
export const FORCE_CLOSE_MS = 5000;
const MAX_TIMER_MS = 2 ** 31 - 1;

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

type Ending =
  | { readonly kind: 'aborted'; readonly reason: unknown }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'output-limit'; readonly stream: 'stdout' | 'stderr'; readonly limit: number };

/** Runs `file` with no argv, `env`, and `stdin`; resolves once it has exited and its pipes are drained. */
export function runChild(
  file: string,
  stdin: Uint8Array,
  env: Readonly<Record<string, string>>,
  limits: ChildLimits,
): Promise<ChildOutcome> {
  const { signal } = limits;
  if (signal?.aborted) {
    const empty = Buffer.alloc(0);
    return Promise.resolve({
      kind: 'aborted',
      reason: signal.reason,
      stdout: empty,
      stderrTail: empty,
      exitCode: null,
      signal: null,
    });
  }
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
  const chunks: Buffer[] = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let tail = Buffer.alloc(0);
  let ending: Ending | undefined;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let open = 2;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let linger: NodeJS.Timeout | undefined;

  const stop = (why: Ending): void => {
    if (ending !== undefined || done) return;
    ending = why;
    killGroup(child);
  };
  const onAbort = (): void => stop({ kind: 'aborted', reason: limits.signal?.reason });
  const finish = (): void => {
    if (done || exit === undefined) return;
    done = true;
    clearTimeout(timer);
    clearTimeout(linger);
    limits.signal?.removeEventListener('abort', onAbort);
    const captured = { stdout: Buffer.concat(chunks), stderrTail: tail };
    resolve({ ...(ending ?? { kind: 'exited' }), ...captured, exitCode: exit.code, signal: exit.signal });
  };
  const closed = (): void => {
    open -= 1;
    if (open === 0) finish();
  };

  child.on('error', (e) => {
    if (child.pid !== undefined || done) return; // a kill error after start; the exit path still reports
    done = true;
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onAbort);
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

  stdout?.on('data', (chunk: Buffer) => {
    if (ending !== undefined) return;
    stdoutBytes += chunk.length;
    if (stdoutBytes > limits.maxOutputBytes)
      return stop({ kind: 'output-limit', stream: 'stdout', limit: limits.maxOutputBytes });
    chunks.push(chunk);
  });
  stderr?.on('data', (chunk: Buffer) => {
    if (ending !== undefined) return;
    stderrBytes += chunk.length;
    if (stderrBytes > limits.maxOutputBytes)
      return stop({ kind: 'output-limit', stream: 'stderr', limit: limits.maxOutputBytes });
    const joined = Buffer.concat([tail, chunk]);
    tail = joined.length <= STDERR_TAIL_BYTES ? joined : joined.subarray(-STDERR_TAIL_BYTES);
    try {
      limits.stderr(chunk);
    } catch {
      // a failing sink must not break the plugin call
    }
  });
  stdout?.once('close', closed);
  stderr?.once('close', closed);

  input?.on('error', () => {
    // EPIPE: the plugin exited (or closed stdin) without reading it all; its exit status tells the story.
  });
  input?.end(stdin);

  limits.signal?.addEventListener('abort', onAbort, { once: true });
  if (limits.timeoutMs > 0 && Number.isFinite(limits.timeoutMs)) {
    // setTimeout fires at once for delays past 2^31-1 ms; ~24.8 days is "never" for a plugin call.
    const ms = Math.min(limits.timeoutMs, MAX_TIMER_MS);
    timer = setTimeout(() => stop({ kind: 'timeout', timeoutMs: limits.timeoutMs }), ms);
  }
}
