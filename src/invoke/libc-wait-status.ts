// Decoding waitpid's status word the way child_process reports an exit: a code, or the name of the killing signal.
import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';

const SIGNAL_NAMES: ReadonlyMap<number, NodeJS.Signals> = new Map(
  (Object.entries(constants.signals) as [NodeJS.Signals, number][]).map(([name, n]) => [n, name]),
);

/** An exit as child_process's 'exit' event gives it: exactly one of the two is non-null. */
export interface ExitStatus {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** WIFEXITED/WEXITSTATUS/WIFSIGNALED/WTERMSIG by bit operations (Linux's layout on every architecture). */
export function decodeWaitStatus(status: number): ExitStatus {
  const low = status & 0x7f;
  if (low === 0) return { exitCode: (status >> 8) & 0xff, signal: null };
  // 0x7f in the low bits is a stopped child; we never ask for WUNTRACED, so anything else was a terminating signal.
  return { exitCode: null, signal: SIGNAL_NAMES.get(low) ?? null };
}

/** The symbolic name of a positive errno ('ETXTBSY'), or 'UNKNOWN'. */
export function errnoName(errno: number): string {
  try {
    const name = getSystemErrorName(-errno);
    return /^E[A-Z0-9]+$/.test(name) ? name : 'UNKNOWN';
  } catch {
    return 'UNKNOWN';
  }
}

/** An Error shaped like child_process's spawn errors (`spawn <file> <CODE>`, with code, errno, syscall, path). */
export function spawnError(file: string, errno: number): NodeJS.ErrnoException & { readonly code: string } {
  const code = errnoName(errno);
  return Object.assign(new Error(`spawn ${file} ${code}`), {
    code,
    errno: -errno,
    syscall: `spawn ${file}`,
    path: file,
  });
}
