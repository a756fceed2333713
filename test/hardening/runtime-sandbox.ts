// A runtime over the bundled cnikit-noop plugin with its cache in a fresh dir, the noop's debug file and call log
// kept OUTSIDE that dir (so a snapshot of the cache's parent sees only what the runtime did), and a recursive
// snapshot that shows any file created, removed, rewritten or re-moded, and any directory whose entries changed.
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type NetworkConfigList, parseConfigList } from '../../src/config/index.ts';
import { CNI } from '../../src/runtime/index.ts';
import type { CNIOptions, RuntimeConf } from '../../src/runtime/types.ts';
import { ensureBundled, PLUGIN_DIR } from '../fixtures/runtime.ts';

/** One recorded plugin call of cnikit-noop. */
export interface NoopCall {
  readonly command: string;
  readonly env: Readonly<Record<string, string>>;
}

/** A cache parent dir, a runtime on it, and the noop's instructions and call log elsewhere. */
export interface RuntimeSandbox {
  /** The cache dir's parent: everything the runtime may touch lives under it. */
  readonly parent: string;
  readonly cacheDir: string;
  readonly cni: CNI;
  /** The noop's debug file (outside `parent`). */
  readonly debugFile: string;
  /** A one-plugin (or n-plugin) noop list named `name`. */
  list(name: string, plugins?: number, version?: string): NetworkConfigList;
  rt(containerId: string, ifName?: string): RuntimeConf;
  /** Replaces the noop's instructions. */
  instruct(behaviour: Record<string, unknown>): void;
  /** Every plugin call so far, oldest first. */
  calls(): NoopCall[];
  /** Forgets the calls so far. */
  clearCalls(): void;
  cleanup(): void;
}

/** A fresh sandbox; bundles the noop first if needed. */
export function runtimeSandbox(options: Partial<CNIOptions> = {}): RuntimeSandbox {
  ensureBundled();
  const parent = mkdtempSync(join(tmpdir(), 'cnikit-hard-'));
  const side = mkdtempSync(join(tmpdir(), 'cnikit-hard-log-'));
  const cacheDir = options.cacheDir ?? join(parent, 'cache');
  const debugFile = join(side, 'noop.json');
  const log = `${debugFile}.log`;
  writeFileSync(debugFile, '{}');
  const cni = new CNI({ path: [PLUGIN_DIR], cacheDir, timeoutMs: 10_000, stderr: () => {}, ...options });
  return {
    parent,
    cacheDir,
    cni,
    debugFile,
    list: (name, plugins = 1, version = '1.0.0') =>
      parseConfigList(
        JSON.stringify({
          cniVersion: version,
          name,
          plugins: Array.from({ length: plugins }, () => ({ type: 'cnikit-noop', debugFile })),
        }),
      ),
    rt: (containerId, ifName = 'eth0') => ({ containerId, netns: '/var/run/netns/hardening', ifName }),
    instruct: (behaviour) => writeFileSync(debugFile, JSON.stringify(behaviour)),
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l) as NoopCall)
        : [],
    clearCalls: () => rmSync(log, { force: true }),
    cleanup: () => {
      rmSync(parent, { recursive: true, force: true });
      rmSync(side, { recursive: true, force: true });
    },
  };
}

/**
 * Every path under `root` with its type, mode, size, content hash (files), target (symlinks) and its mtime and
 * ctime in nanoseconds: a directory whose entries were added or removed, even if put back, shows a new ctime.
 */
export function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = lstatSync(p, { bigint: true });
    const rel = relative(root, p) || '.';
    const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : 'other';
    let extra = '';
    if (kind === 'file') extra = createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16);
    if (kind === 'link') extra = `-> ${readlinkSync(p)}`;
    out.push(`${rel} ${kind} ${(st.mode & 0o7777n).toString(8)} ${st.size} m${st.mtimeNs} c${st.ctimeNs} ${extra}`);
    if (kind === 'dir') for (const name of readdirSync(p).sort()) walk(join(p, name));
  };
  if (existsSync(root)) walk(root);
  return out;
}
