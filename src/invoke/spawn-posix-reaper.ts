// Waking up when a posix_spawn'd plugin exits, without blocking the event loop or spinning. A plugin's pipes reach
// EOF a little before the kernel makes it a zombie (fds close first), so the first waitpid after EOF often finds it
// still running (1 in 4 here). Each exit raises SIGCHLD: on every one we re-check the pids we wait for, at the very
// moment they become reapable. libuv multiplexes SIGCHLD between its own child watcher and ours, and its watcher
// waits only for the pids it spawned, so neither side steals the other's children.

/** A waiter's check: true when it has what it waited for (it is then dropped). */
export type ExitCheck = () => boolean;

const watched = new Map<number, ExitCheck>();
// A safety net for a missed signal (someone else's handler, SIGCHLD masked) and what keeps the event loop alive
// while a reap is pending: signal listeners are unref'd, and our pipes may already be closed.
const SWEEP_MS = 20;
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  for (const [pid, check] of watched) if (check()) watched.delete(pid);
  if (watched.size === 0) stop();
}

function onSigchld(): void {
  sweep();
}

function tick(): void {
  sweeper = undefined;
  sweep();
  if (watched.size > 0) sweeper = setTimeout(tick, SWEEP_MS);
}

function stop(): void {
  process.removeListener('SIGCHLD', onSigchld);
  clearTimeout(sweeper);
  sweeper = undefined;
}

/** Runs `check` now, then on every SIGCHLD (and every SWEEP_MS) until it returns true or `unwatchExit(pid)`. */
export function watchExit(pid: number, check: ExitCheck): void {
  if (check()) return;
  if (watched.size === 0) process.on('SIGCHLD', onSigchld);
  watched.set(pid, check);
  sweeper ??= setTimeout(tick, SWEEP_MS);
}

/** Stops watching `pid`. */
export function unwatchExit(pid: number): void {
  if (watched.delete(pid) && watched.size === 0) stop();
}
