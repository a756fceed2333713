// The posix_spawn backend of runChild: same contract and outcomes as spawn-child.ts, but the plugin starts through
// glibc's posix_spawn (clone with CLONE_VM|CLONE_VFORK, like Go) instead of child_process's fork(), which costs
// 1.4-2.4 ms more per plugin and grows with our RSS. libuv does not know this child: we reap it ourselves with
// non-blocking waitpid calls on SIGCHLD (spawn-posix-reaper.ts).
import type { Libc } from './libc.ts';
import { decodeWaitStatus, type ExitStatus } from './libc-wait-status.ts';
import { type ChildLimits, type ChildOutcome, FORCE_CLOSE_MS, STDERR_TAIL_BYTES } from './spawn-child.ts';
import { unwatchExit, watchExit } from './spawn-posix-reaper.ts';
import { type PosixChild, startPosix } from './spawn-posix-start.ts';

// The same grace as spawn-child.ts: after the plugin exits, how long a descendant may keep our pipes open.
const LINGER_MS = 250;
const MAX_TIMER_MS = 2 ** 31 - 1;

type Ending =
  | { readonly kind: 'aborted'; readonly reason: unknown }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'output-limit'; readonly stream: 'stdout' | 'stderr'; readonly limit: number };

/** SIGKILLs the plugin's process group. Only ever called before we reap the leader, so neither id can be reused. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone; the leader alone may still be signalled (an unreaped pid is still ours).
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs `file` with argv [file], `env` and `stdin` through posix_spawn; resolves once it is reaped and drained. */
export function runChildPosix(
  libc: Libc,
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
  const started = startPosix(libc, file, env, stdin);
  if (!started.ok) return Promise.resolve({ kind: 'spawn-error', code: started.code, error: started.error });
  return new Promise((resolve) => collect(libc, started.child, limits, resolve));
}

function collect(libc: Libc, child: PosixChild, limits: ChildLimits, resolve: (o: ChildOutcome) => void): void {
  const { pid, stdout, stderr, stdin: input } = child;
  const chunks: Buffer[] = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let tail = Buffer.alloc(0);
  let ending: Ending | undefined;
  let exit: ExitStatus | undefined;
  let open = 2;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  let linger: NodeJS.Timeout | undefined;

  const stop = (why: Ending): void => {
    if (ending !== undefined || done) return;
    ending = why;
    killGroup(pid);
  };
  const onAbort = (): void => stop({ kind: 'aborted', reason: limits.signal?.reason });
  const finish = (): void => {
    if (done || exit === undefined) return;
    done = true;
    clearTimeout(timer);
    clearTimeout(linger);
    unwatchExit(pid);
    limits.signal?.removeEventListener('abort', onAbort);
    input?.destroy(); // a plugin that never read a large stdin may have left our write pending
    const captured = { stdout: Buffer.concat(chunks), stderrTail: tail };
    resolve({ ...(ending ?? { kind: 'exited' }), ...captured, exitCode: exit.exitCode, signal: exit.signal });
  };
  // Watched from spawn until done: while the pipes are open, for an exit without reaping (only a daemonising plugin
  // exits before closing them), so the group id stays ours until the linger kill; once both are at EOF, to reap.
  const check = (): boolean => {
    if (done) return true;
    if (open > 0) {
      if (libc.hasExited(pid) === 'running') return false;
      // Kill the descendants holding our pipes and let EOF arrive after what is still buffered (see spawn-child.ts);
      // close the pipes ourselves only for a descendant that left the group.
      linger ??= setTimeout(() => {
        killGroup(pid);
        linger = setTimeout(() => {
          stdout.destroy(); // their 'close' events reap and finish
          stderr.destroy();
        }, FORCE_CLOSE_MS);
      }, LINGER_MS);
      return true;
    }
    const w = libc.waitpid(pid);
    if (w.state === 'running') return false;
    // 'error' is ECHILD: someone reaped it behind our back (SIGCHLD set to SIG_IGN); the status is lost.
    exit = w.state === 'exited' ? decodeWaitStatus(w.status) : { exitCode: null, signal: null };
    finish();
    return true;
  };
  const closed = (): void => {
    open -= 1;
    if (open > 0) return;
    unwatchExit(pid);
    watchExit(pid, check);
  };

  stdout.on('data', (chunk: Buffer) => {
    if (ending !== undefined) return;
    stdoutBytes += chunk.length;
    if (stdoutBytes > limits.maxOutputBytes)
      return stop({ kind: 'output-limit', stream: 'stdout', limit: limits.maxOutputBytes });
    chunks.push(chunk);
  });
  stderr.on('data', (chunk: Buffer) => {
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
  // A read error (none expected on a pipe) ends the stream like EOF; 'close' follows either way.
  stdout.on('error', () => {});
  stderr.on('error', () => {});
  stdout.once('close', closed);
  stderr.once('close', closed);

  limits.signal?.addEventListener('abort', onAbort, { once: true });
  if (limits.timeoutMs > 0 && Number.isFinite(limits.timeoutMs)) {
    // setTimeout fires at once for delays past 2^31-1 ms; ~24.8 days is "never" for a plugin call.
    const ms = Math.min(limits.timeoutMs, MAX_TIMER_MS);
    timer = setTimeout(() => stop({ kind: 'timeout', timeoutMs: limits.timeoutMs }), ms);
  }
  watchExit(pid, check);
}
