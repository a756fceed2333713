// Which runChild backend runs plugins: posix_spawn through koffi where it loads (Linux with glibc), child_process
// elsewhere. CNIKIT_SPAWN=child|posix forces one (tests, benchmarks, or to rule the FFI path out in the field).
import { loadLibc } from './libc.ts';
import { type ChildLimits, type ChildOutcome, runChild as runChildProcess } from './spawn-child.ts';
import { runChildPosix } from './spawn-posix.ts';

/** The two ways a plugin can be started. */
export type SpawnBackend = 'posix' | 'child';

/** The backend the next runChild call will use (loads koffi on first call unless CNIKIT_SPAWN=child). */
export async function spawnBackend(): Promise<SpawnBackend> {
  if (process.env.CNIKIT_SPAWN === 'child') return 'child';
  return (await loadLibc()) === undefined ? 'child' : 'posix';
}

/** runChild on the selected backend; CNIKIT_SPAWN=posix where libc cannot load falls back to child_process. */
export async function runChild(
  file: string,
  stdin: Uint8Array,
  env: Readonly<Record<string, string>>,
  limits: ChildLimits,
): Promise<ChildOutcome> {
  // Read per call, not cached: a test or embedder may switch backends at run time, and the lookup costs ~0.1 µs.
  if (process.env.CNIKIT_SPAWN === 'child') return runChildProcess(file, stdin, env, limits);
  const libc = await loadLibc();
  if (libc === undefined) return runChildProcess(file, stdin, env, limits);
  return runChildPosix(libc, file, stdin, env, limits);
}
