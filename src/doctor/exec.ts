// The doctor reads and changes the kernel only through ip(8) and iptables(8): one small seam to run them, so unit
// tests can answer with canned output and integration tests run the real tools inside a private netns.
import { spawn } from 'node:child_process';

/** What a finished command left. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one command run. */
export interface CommandOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Runs a command (no shell) and resolves with its output whatever the exit code; rejects if it cannot start. */
export type RunCommand = (cmd: string, args: readonly string[], opts?: CommandOptions) => Promise<CommandResult>;

const DEFAULT_TIMEOUT_MS = 60_000;
// iptables-save of a busy node is a few MB; anything far beyond that is not output we can use.
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** The real runner: spawn, collect stdout/stderr, SIGKILL on time-out or abort. */
export const runCommand: RunCommand = (cmd, args, opts = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const collect =
      (into: Buffer[]) =>
      (b: Buffer): void => {
        size += b.length;
        if (size > MAX_OUTPUT_BYTES) kill();
        else into.push(b);
      };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(kill, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    opts.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });

/** Runs a command and returns its stdout; throws naming the command line, exit code and stderr on failure. */
export async function runChecked(
  run: RunCommand,
  cmd: string,
  args: readonly string[],
  opts?: CommandOptions,
): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const why = r.stderr.trim() || r.stdout.trim() || 'no output';
    throw new Error(`${[cmd, ...args].join(' ')} exited ${r.code ?? 'on a signal'}: ${why}`);
  }
  return r.stdout;
}
