// A private "host" network namespace per test, so bridges, veths and iptables rules never touch the machine's own
// network, and everything a test made disappears with it (the namespaces, their processes, the temp dir).
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type RunOptions, type RunResult, run, runOk } from './run.ts';

/** Where named network namespaces are mounted by `ip netns add`. */
export const NETNS_DIR = '/var/run/netns';

/** A container network namespace made inside a test. */
export interface ContainerNetns {
  readonly name: string;
  /** The bind-mount path a runtime passes as CNI_NETNS. */
  readonly path: string;
}

/** The private host namespace a test runs in, with its temp dir and helpers to act inside it. */
export interface HostNetns {
  readonly name: string;
  readonly path: string;
  /** A temp dir for conf, cache and IPAM data; removed at the end. */
  readonly dir: string;
  /** Runs a command inside the host namespace (`ip netns exec <host> cmd args`). */
  exec(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** `ip -n <host> -j <args>` parsed as JSON. */
  ipJson(args: readonly string[]): Promise<unknown>;
  /** Creates a container namespace that is deleted with the host; `lo` is brought up. */
  addContainer(label?: string): Promise<ContainerNetns>;
  /** Deletes a container namespace now (kills whatever still runs in it); missing is fine. */
  removeContainer(c: ContainerNetns): Promise<void>;
  /** Wipes kernel state as a reboot does: every container netns and the host netns (bridge, veths, iptables) are
   *  deleted and the host netns is re-created empty. Files on disk stay. */
  reboot(): Promise<void>;
  /** A directory of shell shims, one per plugin found in `sourceDirs`, each running the real plugin inside this
   *  host namespace: put it on a CLI's or Go tool's CNI_PATH. Created on first call. */
  shimDir(sourceDirs?: readonly string[]): Promise<string>;
  /** The shim that runs the executable at `realPath` inside this host namespace (written once, then reused). */
  shim(realPath: string): Promise<string>;
}

/** Where Debian installs the reference plugins. */
export const REFERENCE_PLUGIN_DIR = '/usr/lib/cni';

function randomName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

async function netnsAdd(name: string): Promise<void> {
  await runOk('ip', ['netns', 'add', name]);
  await runOk('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Kills every process left inside a namespace we created (listeners, a killed run's orphans), then deletes it. */
async function netnsDelete(name: string): Promise<void> {
  const pids = await run('ip', ['netns', 'pids', name]);
  if (pids.code === 0) {
    for (const p of pids.stdout.split(/\s+/).filter((s) => /^\d+$/.test(s))) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await run('ip', ['netns', 'del', name]);
}

/** Writes one `exec ip netns exec <ns> <real>` shim per executable found in the source dirs (first dir wins). */
async function writeShims(dir: string, nsName: string, sourceDirs: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const done = new Set<string>();
  for (const src of sourceDirs) {
    let names: string[];
    try {
      names = await readdir(src);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (done.has(name) || !/^[A-Za-z0-9._-]+$/.test(name)) continue;
      const real = join(src, name);
      const s = await stat(real).catch(() => undefined);
      if (s === undefined || !s.isFile() || (s.mode & 0o111) === 0) continue;
      done.add(name);
      await writeShim(dir, nsName, real);
    }
  }
}

/**
 * Creates a private host netns (`cnikit-t-<rand>`, lo up) and a temp dir, runs `fn`, and always deletes both
 * and every container netns made through it, even when `fn` throws.
 */
export async function withHostNetns<T>(fn: (host: HostNetns) => Promise<T>): Promise<T> {
  const name = randomName('cnikit-t-');
  const dir = await mkdtemp(join(tmpdir(), `${name}-`));
  const containers = new Set<string>();
  const shimDirs = new Map<string, string>();
  // One promise per plugin path: rewriting a shim while another call execs it would fail with ETXTBSY.
  const shims = new Map<string, Promise<string>>();
  await netnsAdd(name);
  const host: HostNetns = {
    name,
    path: join(NETNS_DIR, name),
    dir,
    exec: (cmd, args, opts) => run('ip', ['netns', 'exec', name, cmd, ...args], opts),
    async ipJson(args) {
      return JSON.parse((await runOk('ip', ['-n', name, '-j', ...args])) || '[]') as unknown;
    },
    async addContainer(label = 'c') {
      const ctr = `${name}-${label}${randomBytes(2).toString('hex')}`;
      containers.add(ctr);
      await netnsAdd(ctr);
      return { name: ctr, path: join(NETNS_DIR, ctr) };
    },
    async removeContainer(c) {
      await netnsDelete(c.name);
      containers.delete(c.name);
    },
    async reboot() {
      for (const c of containers) await netnsDelete(c);
      containers.clear();
      await netnsDelete(name);
      await netnsAdd(name);
    },
    async shimDir(sourceDirs = [REFERENCE_PLUGIN_DIR]) {
      const key = sourceDirs.join('\0');
      const known = shimDirs.get(key);
      if (known !== undefined) return known;
      const d = join(dir, `shims-${shimDirs.size}`);
      await writeShims(d, name, sourceDirs);
      shimDirs.set(key, d);
      return d;
    },
    shim(realPath) {
      let p = shims.get(realPath);
      if (p === undefined) {
        p = writeShim(join(dir, 'shims-exec', String(shims.size)), name, realPath);
        shims.set(realPath, p);
      }
      return p;
    },
  };
  try {
    return await fn(host);
  } finally {
    for (const c of containers) await netnsDelete(c);
    await netnsDelete(name);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Quotes a word for /bin/sh. */
function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

async function writeShim(dir: string, nsName: string, realPath: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const shim = join(dir, basename(realPath));
  await writeFile(shim, `#!/bin/sh\nexec ip netns exec ${shQuote(nsName)} ${shQuote(realPath)} "$@"\n`);
  await chmod(shim, 0o755);
  return shim;
}
