// Starting a plugin with posix_spawn: three CLOEXEC pipes, the child's ends dup2'd onto its 0/1/2, ours wrapped as
// non-blocking libuv pipes (net.Socket over a pipe fd is a uv_pipe_t on epoll: no thread pool, no extra copies).
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Libc } from './libc.ts';
import { spawnError } from './libc-wait-status.ts';

/** A started plugin: its pid (leader of its own process group) and our ends of its stdio. */
export interface PosixChild {
  readonly pid: number;
  /** Still sending a large stdin (ended already); undefined when stdin was small and is already written and closed. */
  readonly stdin: Socket | undefined;
  readonly stdout: Socket;
  readonly stderr: Socket;
}

/** The child, or why it could not start (code as child_process gives it: 'ENOENT', 'ERR_INVALID_ARG_VALUE', ...). */
export type PosixStart =
  | { readonly ok: true; readonly child: PosixChild }
  | { readonly ok: false; readonly code: string; readonly error: Error };

/** child_process's check: a NUL would silently cut the string short at the C boundary. */
function nulError(what: string, value: string): PosixStart {
  const error: NodeJS.ErrnoException = new TypeError(
    `The ${what} must be a string without null bytes. Received ${JSON.stringify(value)}`,
  );
  error.code = 'ERR_INVALID_ARG_VALUE';
  return { ok: false, code: 'ERR_INVALID_ARG_VALUE', error };
}

type Pair = readonly [number, number];

// A pipe holds at least one page even when the user's pipe-buffer quota is spent (fs/pipe.c), so a write of up to
// this many bytes into the fresh, empty pipe completes at once on the blocking fd: no socket, no event-loop write.
// CNI configs, prevResult included, are mostly smaller.
const SMALL_STDIN = 4096;

/** Sends `stdin` on our write end `fd` and closes it (small: at once), or returns the socket still sending it. */
function feed(fd: number, stdin: Uint8Array, libc: Libc): Socket | undefined {
  if (stdin.length > SMALL_STDIN) {
    const socket = new Socket({ fd, readable: false, writable: true });
    socket.on('error', () => {
      // EPIPE: the plugin exited (or closed stdin) without reading it all; its exit status tells the story.
    });
    socket.end(stdin);
    return socket;
  }
  try {
    for (let off = 0; off < stdin.length; ) off += writeSync(fd, stdin, off);
  } catch {
    // EPIPE, as above (Node ignores SIGPIPE, so it is an error here, not a signal)
  }
  libc.close(fd);
  return undefined;
}

function closePair(libc: Libc, [r, w]: Pair): void {
  libc.close(r);
  libc.close(w);
}

/** Pipes for stdin, stdout and stderr, or the errno of the one that failed (the others closed). */
function threePipes(libc: Libc): { readonly input: Pair; readonly output: Pair; readonly errput: Pair } | number {
  const input = libc.pipe();
  if (typeof input === 'number') return input;
  const output = libc.pipe();
  if (typeof output === 'number') {
    closePair(libc, input);
    return output;
  }
  const errput = libc.pipe();
  if (typeof errput === 'number') {
    closePair(libc, input);
    closePair(libc, output);
    return errput;
  }
  return { input, output, errput };
}

/** Spawns `file` (absolute path, argv = [file]) with `env` and sends it `stdin`; never throws. */
export function startPosix(
  libc: Libc,
  file: string,
  env: Readonly<Record<string, string>>,
  stdin: Uint8Array,
): PosixStart {
  if (file.includes('\0')) return nulError("argument 'file'", file);
  const envp: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue; // as child_process: an env object built from process.env may hold undefined
    if (key.includes('\0') || value.includes('\0')) return nulError(`property 'options.env['${key}']'`, value);
    envp.push(`${key}=${value}`);
  }

  const made = threePipes(libc);
  if (typeof made === 'number') {
    const error = spawnError(file, made);
    return { ok: false, code: error.code, error };
  }
  const { input, output, errput } = made;
  // Node keeps fds 0-2 open (it reopens /dev/null over closed ones at start-up), so every pipe fd here is >= 3 and
  // no dup2 below overwrites another's source.
  const started = libc.spawn({
    path: file,
    argv: [file],
    envp,
    dup2: [
      [input[0], 0],
      [output[1], 1],
      [errput[1], 2],
    ],
  });
  if ('errno' in started) {
    for (const pair of [input, output, errput]) closePair(libc, pair);
    const error = spawnError(file, started.errno);
    return { ok: false, code: error.code, error };
  }
  // The child holds its own copies now; ours of its ends must go, or we would never see EOF.
  libc.close(input[0]);
  libc.close(output[1]);
  libc.close(errput[1]);
  return {
    ok: true,
    child: {
      pid: started.pid,
      stdin: feed(input[1], stdin, libc),
      stdout: new Socket({ fd: output[0], readable: true, writable: false }),
      stderr: new Socket({ fd: errput[0], readable: true, writable: false }),
    },
  };
}
