// Runs a command in its own PID namespace so that one SIGKILL takes down the command and every process it started
// (plugins, the tools plugins exec), the way a node crash does: killing a PID namespace's first process makes the
// kernel kill the rest, and that process is reaped only once the namespace is empty.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { RunResult } from './run.ts';

/** A command running in its own PID namespace. */
export interface KillableRun {
  /** Resolves when the command ended (on its own or killed) and every process of its namespace is gone. */
  readonly done: Promise<RunResult>;
  /** True once `done` resolved. */
  finished(): boolean;
  /** SIGKILLs the whole namespace and waits until nothing of it runs; a no-op once finished. */
  killAll(): Promise<RunResult>;
}

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Starts `cmd args` as the first process of a new PID namespace (`unshare --pid --fork --kill-child`). */
export function spawnKillable(
  cmd: string,
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
): KillableRun {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    'unshare',
    ['--pid', '--fork', '--kill-child', '--mount-proc', cmd, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, detached: true },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  let isDone = false;
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      isDone = true;
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
  const pid = child.pid;
  return {
    done,
    finished: () => isDone,
    async killAll() {
      if (isDone || pid === undefined) return done;
      // The namespace's first process is unshare's only child; unshare waits for it, so `done` means "empty".
      const inner = await childrenOf(pid);
      for (const c of inner) kill(c);
      // Not forked yet (or already gone): killing unshare's group leaves nothing, --kill-child covers a late fork.
      if (inner.length === 0) kill(-pid);
      return done;
    },
  };
}
