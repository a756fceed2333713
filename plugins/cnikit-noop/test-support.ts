// Shared by the noop's tests: a fresh bundle, a temp dir, and exec of the bundled plugin as a real process.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
/** The bundled plugin the tests exec. */
export const NOOP = join(ROOT, 'plugins/bin/cnikit-noop');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/** Rebuilds the bundle when it is missing or older than any source it is built from. */
export function ensureFreshBundle(): void {
  const sources = ['src/spec', 'src/skel', 'plugins/cnikit-noop'].map((d) => newestMtime(join(ROOT, d)));
  if (!existsSync(NOOP) || statSync(NOOP).mtimeMs < Math.max(...sources)) {
    execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { stdio: 'inherit' });
  }
}

export interface Exec {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly env?: Record<string, string>;
  readonly stdin?: string;
}

/** A minimal environment: PATH plus the given CNI_* variables, nothing inherited that could change behaviour. */
function envOf(env: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
}

/** Runs the bundled noop synchronously. */
export function execNoop(opts: ExecOptions = {}): Exec {
  const r = spawnSync(NOOP, [], { env: envOf(opts.env), input: opts.stdin ?? '', encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the bundled noop and resolves when it exits (for concurrent and in-flight tests). */
export function startNoop(opts: ExecOptions = {}): { readonly pid: number | undefined; readonly done: Promise<Exec> } {
  const child = spawn(NOOP, [], { env: envOf(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdin.end(opts.stdin ?? '');
  const done = new Promise<Exec>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  return { pid: child.pid, done };
}

export interface Sandbox {
  readonly dir: string;
  /** Writes a debug file (JSON of `behaviour`, or raw text) and returns its path. */
  debug(name: string, behaviour: Record<string, unknown> | string): string;
  /** The records appended to `log`, oldest first. */
  records(log: string): Record<string, unknown>[];
  cleanup(): void;
}

/** A temp dir for debug files and logs. */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'cnikit-noop-'));
  return {
    dir,
    debug(name, behaviour) {
      const p = join(dir, name);
      writeFileSync(p, typeof behaviour === 'string' ? behaviour : JSON.stringify(behaviour));
      return p;
    },
    records(log) {
      if (!existsSync(log)) return [];
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The CNI_* variables of a full ADD/CHECK/DEL call. */
export function cniEnv(command: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CNI_COMMAND: command,
    CNI_CONTAINERID: 'ctr-1',
    CNI_NETNS: '/var/run/netns/cnikit-noop-test-absent',
    CNI_IFNAME: 'eth0',
    CNI_PATH: join(ROOT, 'plugins/bin'),
    ...extra,
  };
}
