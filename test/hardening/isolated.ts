// Runs a probe in a child process with a hard time limit, so a call that hangs (reading a FIFO, /dev/zero) fails the
// test instead of hanging the suite, and its memory is measured apart from the test runner's.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** What a probe reported, or how it failed to report. */
export type ProbeOutcome =
  | { readonly kind: 'reported'; readonly report: Record<string, unknown>; readonly ms: number }
  | { readonly kind: 'hung'; readonly ms: number }
  | { readonly kind: 'crashed'; readonly code: number | null; readonly stderr: string };

const PROBE = join(new URL('.', import.meta.url).pathname, 'probe-main.ts');

/** Runs `probe-main.ts <name> <args...>` under tsx; kills it after `limitMs`. The probe prints one JSON line. */
export function runProbe(name: string, args: readonly string[], limitMs: number): Promise<ProbeOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', PROBE, name, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      const line = out.trim().split('\n').at(-1) ?? '';
      if (signal === 'SIGKILL' && line === '') return resolve({ kind: 'hung', ms });
      try {
        resolve({ kind: 'reported', report: JSON.parse(line) as Record<string, unknown>, ms });
      } catch {
        resolve({ kind: 'crashed', code, stderr: err.slice(-2000) });
      }
    });
  });
}
