// The plugin's view of its process (env, stdin, stdout, stderr, exit), injectable so the dispatcher can be tested
// in-process. The defaults use synchronous fd calls on purpose: touching process.stdout / process.stdin builds stream
// objects (and loads net for pipes), which costs milliseconds at every plugin start.
import { readSync, statSync, writeSync } from 'node:fs';
import { CNIError, ErrorCode } from '../spec/index.ts';

/** Everything the dispatcher needs from the process; tests pass their own. */
export interface PluginIO {
  /** The process environment (only the CNI_* variables are read). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of stdin; never called for VERSION. */
  readonly readStdin: () => Uint8Array | Promise<Uint8Array>;
  /** Writes text to stdout (results and error JSON). */
  readonly writeStdout: (text: string) => void;
  /** Writes text to stderr (the about text, diagnostics). */
  readonly writeStderr: (text: string) => void;
  /** Ends the process with `code`; an in-process test records it instead. */
  readonly exit: (code: number) => void;
  /** True when `netnsPath` is the plugin's own network namespace; throws code 8 when that cannot be known. */
  readonly isOwnNetns: (netnsPath: string) => boolean;
}

const CHUNK = 64 * 1024;

function errnoCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null || !('code' in e)) return undefined;
  return typeof e.code === 'string' ? e.code : undefined;
}

// A non-blocking fd inherited from the parent answers EAGAIN; a 1 ms synchronous pause keeps the fast path sync.
// Created on first use: most runs never see EAGAIN.
let pauseCell: Int32Array | undefined;
function pause(): void {
  pauseCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(pauseCell, 0, 0, 1);
}

/** Reads fd until EOF with blocking reads (retrying EAGAIN), as Go's io.ReadAll(os.Stdin) does. */
export function readAllFd(fd: number): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK);
    let n: number;
    try {
      n = readSync(fd, buf, 0, CHUNK, null);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EAGAIN') {
        pause();
        continue;
      }
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, total);
}

/** Writes all of `text` to fd, looping over short writes and EAGAIN. */
export function writeAllFd(fd: number, text: string): void {
  const data = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off, data.length - off);
    } catch (e) {
      if (errnoCode(e) !== 'EAGAIN') throw e;
      pause();
    }
  }
}

/** libcni's ns.CheckNetNS: an unopenable path is fine; the plugin's own netns is not (dev+inode compared). */
export function isOwnNetns(netnsPath: string): boolean {
  if (process.platform !== 'linux') return false;
  let target: ReturnType<typeof statSync>;
  try {
    target = statSync(netnsPath);
  } catch {
    return false;
  }
  let own: ReturnType<typeof statSync>;
  try {
    own = statSync('/proc/thread-self/ns/net');
  } catch (e) {
    throw new CNIError(ErrorCode.InvalidNetNS, "get plugin's netns failed", { cause: e });
  }
  return target.dev === own.dev && target.ino === own.ino;
}

/** The real process: fd 0/1/2 with synchronous calls, process.exit. */
export function processIO(): PluginIO {
  return {
    env: process.env,
    readStdin: () => readAllFd(0),
    writeStdout: (text) => writeAllFd(1, text),
    writeStderr: (text) => writeAllFd(2, text),
    exit: (code) => process.exit(code),
    isOwnNetns,
  };
}
