// Which runChild backend runs plugins: posix_spawn through koffi where it loads (Linux with glibc, main thread),
// child_process elsewhere. CNIKIT_SPAWN=child|posix forces one (tests, benchmarks, or to rule the FFI path out in the
// field). Worker threads get child_process unless forced: signals are not delivered to them, so a posix_spawn'd
// plugin would be reaped by the reaper's 20 ms sweep instead of on its SIGCHLD.
import { isMainThread } from 'node:worker_threads';
import { type Libc, loadedLibc, loadLibc } from './libc.ts';
import { type ChildLimits, type ChildOutcome, runChild as runChildProcess } from './spawn-child.ts';
import { runChildPosix } from './spawn-posix.ts';

let unloadedCalls = 0;

/** The two ways a plugin can be started. */
export type SpawnBackend = 'posix' | 'child';

/** The backend runChild uses once koffi has loaded (loading it unless CNIKIT_SPAWN=child). */
export async function spawnBackend(): Promise<SpawnBackend> {
  const forced = process.env.CNIKIT_SPAWN;
  if (forced === 'child' || (!isMainThread && forced !== 'posix')) return 'child';
  return (await loadLibc()) === undefined ? 'child' : 'posix';
}

/**
 * runChild on the selected backend. By default a process's first calls run on child_process: the second starts
 * loading koffi (once) during the plugin's own run, and the calls after the load run on posix_spawn, so a short CLI
 * run never waits for it. CNIKIT_SPAWN=posix waits for the load instead (child_process only where it cannot load).
 */
export function runChild(
  file: string,
  stdin: Uint8Array,
  env: Readonly<Record<string, string>>,
  limits: ChildLimits,
): Promise<ChildOutcome> {
  // Read per call, not cached: a test or embedder may switch backends at run time.
  const forced = process.env.CNIKIT_SPAWN;
  if (forced === 'child' || (!isMainThread && forced !== 'posix')) return runChildProcess(file, stdin, env, limits);
  const libc = loadedLibc();
  if (libc === 'unavailable') return runChildProcess(file, stdin, env, limits);
  if (libc !== undefined) return runChildPosix(libc, file, stdin, env, limits);
  if (forced === 'posix') return loadLibc().then((l) => posixOrChild(l, file, stdin, env, limits));
  const run = runChildProcess(file, stdin, env, limits); // forks now
  // From the second call on, koffi evaluates on a later tick, while the plugin runs. Not on the first: a one-shot
  // CLI run of a single plugin would wait for the load (~6-15 ms) at exit and gain nothing from it.
  if (++unloadedCalls > 1) void loadLibc();
  return run;
}

function posixOrChild(
  libc: Libc | undefined,
  file: string,
  stdin: Uint8Array,
  env: Readonly<Record<string, string>>,
  limits: ChildLimits,
): Promise<ChildOutcome> {
  return libc === undefined ? runChildProcess(file, stdin, env, limits) : runChildPosix(libc, file, stdin, env, limits);
}
