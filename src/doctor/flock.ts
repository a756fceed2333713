// host-local serialises every allocation and release with flock(2) on `<dataDir>/<network>/lock`. A reservation file
// may only be removed while holding that same lock: a mkdir- or lockfile-style lock would not exclude host-local.
// Two ways to take it: libc's flock through koffi (FFI, loaded lazily), or util-linux flock(1) locking a descriptor
// we lend it — flock locks belong to the open file description, so the lock stays ours after flock(1) exits.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CNIError, ErrorCode } from '../spec/index.ts';

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EINTR = 4;
const EWOULDBLOCK = 11;

/** How the lock is taken. 'auto' tries koffi, then flock(1). */
export type LockBackend = 'auto' | 'koffi' | 'flock-cmd';

/** Options of one lock acquisition. */
export interface LockOptions {
  readonly timeoutMs?: number;
  readonly backend?: LockBackend;
  readonly signal?: AbortSignal | undefined;
}

/** A held host-local store lock. */
export interface StoreLock {
  readonly path: string;
  readonly backend: 'koffi' | 'flock-cmd';
  /** Releases the lock (closing our descriptor); safe to call twice. */
  release(): Promise<void>;
}

type FlockFn = (fd: number, op: number) => number;
type KoffiModule = typeof import('koffi');

let koffiFlock: Promise<{ flock: FlockFn; errno: () => number } | undefined> | undefined;

function loadKoffiFlock(): Promise<{ flock: FlockFn; errno: () => number } | undefined> {
  koffiFlock ??= import('koffi').then(
    (m) => {
      // A CommonJS module seen from ESM: the API is its default export (in the CJS bundle, the module itself).
      const k: KoffiModule = (m as KoffiModule & { default?: KoffiModule }).default ?? m;
      const fn = k.load('libc.so.6').func('int flock(int fd, int op)');
      const flock: FlockFn = (fd, op) => {
        const r: unknown = fn(fd, op);
        return typeof r === 'number' ? r : -1;
      };
      return { flock, errno: () => k.errno() };
    },
    () => undefined,
  );
  return koffiFlock;
}

function timeoutError(path: string, ms: number): CNIError {
  return new CNIError(ErrorCode.TryAgainLater, `timed out after ${ms} ms waiting for host-local's lock ${path}`);
}

async function lockWithKoffi(
  fh: FileHandle,
  path: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const lib = await loadKoffiFlock();
  if (lib === undefined) return false;
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  // Non-blocking tries with back-off: a blocking flock would stall the event loop (or a pool thread) and could not be
  // cancelled; host-local holds the lock for milliseconds.
  for (;;) {
    if (lib.flock(fh.fd, LOCK_EX | LOCK_NB) === 0) return true;
    const errno = lib.errno();
    if (errno !== EWOULDBLOCK && errno !== EINTR) {
      throw new CNIError(ErrorCode.IOFailure, `flock ${path} failed: errno ${errno}`);
    }
    if (Date.now() >= deadline) throw timeoutError(path, timeoutMs);
    if (signal?.aborted === true) throw new CNIError(ErrorCode.Internal, `interrupted waiting for ${path}`);
    await sleep(wait);
    wait = Math.min(wait * 2, 50);
  }
}

async function lockWithCommand(
  fh: FileHandle,
  path: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const secs = Math.max(0.001, timeoutMs / 1000).toFixed(3);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('flock', ['-x', '-w', secs, '3'], { stdio: ['ignore', 'ignore', 'pipe', fh.fd] });
    const kill = (): void => void child.kill('SIGKILL');
    signal?.addEventListener('abort', kill, { once: true });
    child.stderr?.resume();
    child.on('error', reject);
    child.on('close', (c) => {
      signal?.removeEventListener('abort', kill);
      resolve(c);
    });
  });
  if (code === 0) return;
  if (code === 1) throw timeoutError(path, timeoutMs);
  throw new CNIError(ErrorCode.IOFailure, `flock(1) on ${path} exited ${code ?? 'on a signal'}`);
}

/**
 * Takes host-local's exclusive lock for the store `storeDir` (the file `lock` in it, created if missing as
 * host-local would). Throws code 11 on time-out.
 */
export async function lockStore(storeDir: string, opts: LockOptions = {}): Promise<StoreLock> {
  const path = join(storeDir, 'lock');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const backend = opts.backend ?? 'auto';
  // O_NOFOLLOW: a symlink planted as `lock` must not make us create or lock some other file.
  const fh = await open(path, constants.O_RDONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  let used: 'koffi' | 'flock-cmd';
  try {
    if (backend !== 'flock-cmd' && (await lockWithKoffi(fh, path, timeoutMs, opts.signal))) {
      used = 'koffi';
    } else if (backend === 'koffi') {
      throw new CNIError(ErrorCode.IOFailure, 'koffi is not available to call flock(2)');
    } else {
      await lockWithCommand(fh, path, timeoutMs, opts.signal);
      used = 'flock-cmd';
    }
  } catch (e) {
    await fh.close().catch(() => {});
    throw e;
  }
  let released = false;
  return {
    path,
    backend: used,
    async release() {
      if (released) return;
      released = true;
      if (used === 'koffi') (await loadKoffiFlock())?.flock(fh.fd, LOCK_UN);
      // Closing our descriptor drops the lock either way (flock(1)'s copy closed when it exited).
      await fh.close();
    },
  };
}

/** Runs `fn` while holding the store's lock. */
export async function withStoreLock<T>(storeDir: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await lockStore(storeDir, opts);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
