// The posix_spawn backend of runChild: same contract and outcomes as spawn-child.ts, but the plugin starts through
// glibc's posix_spawn (clone with CLONE_VM|CLONE_VFORK, like Go) instead of child_process's fork(), which costs
// 1.4-2.4 ms more per plugin and grows with our RSS. libuv does not know this child: we reap it ourselves with
// non-blocking waitpid calls on SIGCHLD (spawn-posix-reaper.ts).
import type { Libc } from './libc.ts';
import { decodeWaitStatus, type ExitStatus } from './libc-wait-status.ts';
import {
  abortedBeforeStart,
  type ChildLimits,
  type ChildOutcome,
  FORCE_CLOSE_MS,
  LINGER_MS,
  OutputCapture,
} from './output-capture.ts';
import { unwatchExit, watchExit } from './spawn-posix-reaper.ts';
import { type PosixChild, startPosix } from './spawn-posix-start.ts';

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
  if (limits.signal?.aborted) return Promise.resolve(abortedBeforeStart(limits.signal));
  const started = startPosix(libc, file, env, stdin);
  if (!started.ok) return Promise.resolve({ kind: 'spawn-error', code: started.code, error: started.error });
  return new Promise((resolve) => collect(libc, started.child, limits, resolve));
}

function collect(libc: Libc, child: PosixChild, limits: ChildLimits, resolve: (o: ChildOutcome) => void): void {
  const { pid, stdout, stderr, stdin: input } = child;
  let exit: ExitStatus | undefined;
  let open = 2;
  let done = false;
  let linger: NodeJS.Timeout | undefined;
  const capture = new OutputCapture(limits, () => {
    if (!done) killGroup(pid);
  });

  const finish = (): void => {
    if (done || exit === undefined) return;
    done = true;
    clearTimeout(linger);
    unwatchExit(pid);
    input?.destroy(); // a plugin that never read a large stdin may have left our write pending
    resolve(capture.outcome(exit.exitCode, exit.signal));
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

  stdout.on('data', (chunk: Buffer) => capture.stdout(chunk));
  stderr.on('data', (chunk: Buffer) => capture.stderr(chunk));
  // A read error (none expected on a pipe) ends the stream like EOF; 'close' follows either way.
  stdout.on('error', () => {});
  stderr.on('error', () => {});
  stdout.once('close', closed);
  stderr.once('close', closed);

  watchExit(pid, check);
}
