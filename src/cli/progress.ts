// Progress for long work, shown only to a person: when stdout and stderr are terminals. Written to stderr and
// erased when the work ends, so piped output and logs never contain spinner frames.
import type { CliIO } from './io.ts';

const FRAMES = ['|', '/', '-', '\\'];
// Quick calls finish before anything is drawn; a spinner that flashes for 50 ms is noise.
const DELAY_MS = 300;

/** Runs `work`, showing `label` with a spinner and elapsed seconds while it takes longer than a moment. */
export async function withProgress<T>(io: CliIO, label: string, work: Promise<T>): Promise<T> {
  if (!io.stdout.isTTY || !io.stderr.isTTY) return work;
  const started = Date.now();
  let frame = 0;
  let drawn = false;
  const timer = setInterval(() => {
    if (Date.now() - started < DELAY_MS) return;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr.write(`\r${FRAMES[frame++ % FRAMES.length] ?? ''} ${label} ${secs}s`);
    drawn = true;
  }, 100);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    // \x1b[2K clears the whole line, whatever length the label had.
    if (drawn) io.stderr.write('\r\x1b[2K');
  }
}

/** A running count for work over many items ("verified 12000 entries"); drawn at most every 100 ms, on a terminal. */
export interface CountProgress {
  tick(): void;
  done(): void;
}

/** A counter shown as `label N` on stderr while the work runs; a no-op when not on a terminal. */
export function countProgress(io: CliIO, label: string): CountProgress {
  if (!io.stdout.isTTY || !io.stderr.isTTY) return { tick: () => {}, done: () => {} };
  let count = 0;
  let last = 0;
  let drawn = false;
  return {
    tick: () => {
      count++;
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      io.stderr.write(`\r${label} ${count}`);
      drawn = true;
    },
    done: () => {
      if (drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}
