// One JSON line per invocation, appended with O_APPEND in a single write(2) so concurrent plugin processes
// interleave whole lines, never torn ones.
import { closeSync, openSync, writeSync } from 'node:fs';

/** What the noop records about each call. */
export interface InvocationRecord {
  readonly command: string;
  readonly pid: number;
  /** The CNI_* variables that were set (even to ''). */
  readonly env: Readonly<Record<string, string>>;
  /** Stdin as text ('' for VERSION, whose stdin is not read). */
  readonly stdin: string;
}

const CNI_VARS = [
  'CNI_COMMAND',
  'CNI_CONTAINERID',
  'CNI_NETNS',
  'CNI_IFNAME',
  'CNI_ARGS',
  'CNI_PATH',
  'CNI_NETNS_OVERRIDE',
] as const;

/** The CNI_* variables present in `env`. */
export function cniEnvOf(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of CNI_VARS) {
    const v = env[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Appends `record` as one line to `file` (created 0600 if missing). */
export function appendRecord(file: string, record: InvocationRecord): void {
  const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
  const fd = openSync(file, 'a', 0o600);
  try {
    // A regular file takes an O_APPEND write whole; the loop only guards against a signal-interrupted short write.
    let off = 0;
    while (off < line.length) off += writeSync(fd, line, off, line.length - off);
  } finally {
    closeSync(fd);
  }
}
