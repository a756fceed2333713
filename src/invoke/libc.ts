// glibc's posix_spawn, pipe2, close and waitpid through koffi (FFI), for the posix_spawn exec backend. Node's
// child_process starts each plugin with a full fork(), whose cost grows with our RSS; glibc's posix_spawn uses
// clone(CLONE_VM|CLONE_VFORK), as Go's os/exec does, and costs the same whatever our size. koffi is loaded lazily,
// once: plugins and short CLI runs that never exec pay nothing for it.

/** What one posix_spawn asked for: the child's argv, envp and the fds put onto its 0/1/2. */
export interface SpawnRequest {
  readonly path: string;
  readonly argv: readonly string[];
  readonly envp: readonly string[];
  /** [from, to] pairs: the child gets dup2(from, to); `from` may be CLOEXEC (dup2 clears it on `to`). */
  readonly dup2: readonly (readonly [number, number])[];
}

/** How waitpid(WNOHANG) answered. */
export type WaitResult =
  | { readonly state: 'running' }
  | { readonly state: 'exited'; readonly status: number }
  | { readonly state: 'error'; readonly errno: number };

/** The handful of libc calls the posix_spawn backend needs; every failure is an errno, never a throw. */
export interface Libc {
  /** A pipe with O_CLOEXEC on both ends, as [read, write], or the errno. */
  pipe(): readonly [number, number] | number;
  /** close(2), ignoring errors: used on fds that are ours alone. */
  close(fd: number): void;
  /** posix_spawn in a new session (own process group), all signals default, empty mask: the pid, or the errno. */
  spawn(req: SpawnRequest): { readonly pid: number } | { readonly errno: number };
  /** waitpid(pid, WNOHANG): reaps the child if it has exited; never blocks the event loop. */
  waitpid(pid: number): WaitResult;
  /** Whether the child has exited, without reaping it (waitid WNOWAIT): its pid, and so its group id, stay ours. */
  hasExited(pid: number): 'running' | 'exited' | 'gone';
}

// <spawn.h> flags, glibc values (Linux, every architecture).
const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80; // glibc >= 2.26
const O_CLOEXEC = 0o2000000;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x01000000;
const P_PID = 1;
// Opaque glibc structs are passed as zeroed buffers at least as large as the real ones (x86_64: file actions 80,
// attr 336, sigset_t 128 bytes), so no layout is hard-coded here.
const OPAQUE_BYTES = 1024;
const SIGSET_BYTES = 128;
const SIGINFO_BYTES = 128; // si_signo, the only field read, is the first int on every architecture

type KoffiFunction = (...args: unknown[]) => unknown;

const num = (v: unknown): number => (typeof v === 'number' ? v : -1);

let loaded: Promise<Libc | undefined> | undefined;
let settled: Libc | 'unavailable' | undefined;

/** Loads koffi and binds glibc once; resolves undefined off Linux-glibc or when koffi cannot load. */
export function loadLibc(): Promise<Libc | undefined> {
  loaded ??= (process.platform === 'linux' ? bind().catch(() => undefined) : Promise.resolve(undefined)).then((l) => {
    settled = l ?? 'unavailable';
    return l;
  });
  return loaded;
}

/** What loadLibc has settled on so far, without starting or awaiting it: undefined while unknown. */
export function loadedLibc(): Libc | 'unavailable' | undefined {
  return settled;
}

async function bind(): Promise<Libc | undefined> {
  const koffi = await import('koffi');
  const lib = koffi.load('libc.so.6');
  const fn = (decl: string): KoffiFunction => lib.func(decl);
  // Only glibc has gnu_get_libc_version; musl (or a libc.so.6 shim over it) has other spawn flags and struct sizes.
  const version = String(fn('const char *gnu_get_libc_version(void)')());
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < 2 || (major === 2 && minor < 26)) return undefined; // no POSIX_SPAWN_SETSID before 2.26
  const pipe2 = fn('int pipe2(_Out_ int *fds, int flags)');
  const close = fn('int close(int fd)');
  const waitpid = fn('int waitpid(int pid, _Out_ int *status, int options)');
  const waitid = fn('int waitid(int idtype, int id, void *info, int options)');
  const faInit = fn('int posix_spawn_file_actions_init(void *fa)');
  const faDup2 = fn('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)');
  const faDestroy = fn('int posix_spawn_file_actions_destroy(void *fa)');
  const posixSpawn = fn(
    'int posix_spawn(_Out_ int *pid, const char *path, void *fa, void *attr, const char **argv, const char **envp)',
  );

  // One attr for every spawn: the settings never change. libuv's child resets every signal to SIG_DFL and clears
  // the mask before exec; we do the same. Node ignores SIGPIPE, and a plugin must not inherit SIG_IGN for it.
  const attr = Buffer.alloc(OPAQUE_BYTES);
  const none = Buffer.alloc(SIGSET_BYTES);
  // Every bit set, as glibc's sigfillset does before it clears its two internal signals (32, 33): left out of the
  // default set, posix_spawn would hand them to the plugin as SIG_IGN. libuv's fork child leaves none ignored.
  const all = Buffer.alloc(SIGSET_BYTES, 0xff);
  const setup = [
    num(fn('int posix_spawnattr_init(void *attr)')(attr)),
    num(fn('int sigemptyset(void *set)')(none)),
    num(fn('int posix_spawnattr_setsigmask(void *attr, void *set)')(attr, none)),
    num(fn('int posix_spawnattr_setsigdefault(void *attr, void *set)')(attr, all)),
    // SETSID, as child_process's `detached: true` does: the plugin leads its own session and process group, so
    // kill(-pid) reaches its children too, and a terminal's ^C to our group does not.
    num(
      fn('int posix_spawnattr_setflags(void *attr, short flags)')(
        attr,
        POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK,
      ),
    ),
  ];
  if (setup.some((r) => r !== 0)) return undefined;

  const fds = new Int32Array(2);
  const pid = new Int32Array(1);
  const status = new Int32Array(1);
  const fa = Buffer.alloc(OPAQUE_BYTES);
  const info = Buffer.alloc(SIGINFO_BYTES);

  return {
    pipe() {
      if (num(pipe2(fds, O_CLOEXEC)) !== 0) return koffi.errno();
      return [fds[0] ?? -1, fds[1] ?? -1];
    },
    close(fd) {
      close(fd);
    },
    spawn(req) {
      // posix_spawn reports a failed exec (ENOENT, EACCES, ETXTBSY, ...) as its return value: with CLONE_VFORK the
      // parent resumes only once the child has exec'd or failed to.
      let err = num(faInit(fa));
      if (err !== 0) return { errno: err };
      try {
        for (const [from, to] of req.dup2) {
          err = num(faDup2(fa, from, to));
          if (err !== 0) return { errno: err };
        }
        err = num(posixSpawn(pid, req.path, fa, attr, [...req.argv, null], [...req.envp, null]));
        return err === 0 ? { pid: pid[0] ?? -1 } : { errno: err };
      } finally {
        faDestroy(fa);
      }
    },
    waitpid(p) {
      const r = num(waitpid(p, status, WNOHANG));
      if (r === 0) return { state: 'running' };
      if (r === p) return { state: 'exited', status: status[0] ?? 0 };
      return { state: 'error', errno: koffi.errno() };
    },
    hasExited(p) {
      // With WNOHANG and nothing to report, Linux writes si_signo = 0; an exited child gives SIGCHLD.
      info.writeInt32LE(0, 0);
      if (num(waitid(P_PID, p, info, WEXITED | WNOHANG | WNOWAIT)) !== 0) return 'gone'; // ECHILD: reaped elsewhere
      return info.readInt32LE(0) === 0 ? 'running' : 'exited';
    },
  };
}
