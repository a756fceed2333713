// Runs the BUILT cnikit CLI (bin/cnikit.cjs) as a process, and makes throw-away conf dirs with shell-script plugins
// that record what they receive. Nothing here needs root.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(REPO_ROOT, 'bin', 'cnikit.cjs');

function newestMtime(dir: string, skip: ReadonlySet<string>): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (skip.has(name) || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p, skip) : st.mtimeMs);
  }
  return newest;
}

function bundleIsFresh(): boolean {
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    return false;
  }
  const sources = Math.max(
    newestMtime(join(REPO_ROOT, 'src'), new Set()),
    newestMtime(join(REPO_ROOT, 'plugins'), new Set(['bin'])),
  );
  return built >= sources;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs scripts/bundle.mjs unless bin/cnikit.cjs is newer than every source. Test files run in parallel, so the
 * build is serialised by a lock dir: a second file waits, then finds the bundle fresh and leaves it alone
 * (rebuilding would rewrite the file while the first file's tests execute it).
 */
export function ensureBuilt(): void {
  const lock = join(REPO_ROOT, '.tmp', 'cli-bundle.lock');
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after two minutes.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleep(100);
    }
  }
  try {
    if (!bundleIsFresh()) {
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle.mjs')], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`bundle failed: ${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** How one CLI run ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI with exactly `env` (plus PATH), so the caller's CNI_* variables never leak in. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}, cwd = REPO_ROOT): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Records each call as COMMAND|CONTAINERID|IFNAME|NETNS|ARGS and its stdin as stdin-<COMMAND>; answers VERSION and
// ADD with a 1.1.0 result that names the interface and netns it was given.
const RECORDER = `#!/bin/sh
dir=$(dirname "$0")
stdin=$(cat)
printf '%s|%s|%s|%s|%s\\n' "$CNI_COMMAND" "$CNI_CONTAINERID" "$CNI_IFNAME" "$CNI_NETNS" "$CNI_ARGS" >> "$dir/calls.log"
printf '%s\\n' "$stdin" > "$dir/stdin-$CNI_COMMAND"
case "$CNI_COMMAND" in
  VERSION) printf '{"cniVersion":"1.1.0","supportedVersions":["0.4.0","1.0.0","1.1.0"]}' ;;
  ADD) printf '{"cniVersion":"1.1.0","interfaces":[{"name":"%s","sandbox":"%s"}],"ips":[{"address":"10.1.2.3/24","gateway":"10.1.2.1","interface":0}],"dns":{"nameservers":["10.1.2.1"]}}' "$CNI_IFNAME" "$CNI_NETNS" ;;
esac
`;

// Fails every command but VERSION with the spec's error object, as a plugin does.
const FAILER = `#!/bin/sh
cat >/dev/null
if [ "$CNI_COMMAND" = VERSION ]; then printf '{"cniVersion":"1.1.0","supportedVersions":["1.0.0","1.1.0"]}'; exit 0; fi
printf '{"cniVersion":"1.1.0","code":11,"msg":"try again later","details":"busy <&>"}'
exit 1
`;

/** One call a recorder plugin saw. */
export interface RecordedCall {
  readonly command: string;
  readonly containerId: string;
  readonly ifName: string;
  readonly netns: string;
  readonly args: string;
}

/** A temp dir with plugins (recorder, failer), a conf dir (networks "rec" and "bad") and a cache dir. */
export interface Fixture {
  readonly dir: string;
  readonly pluginDir: string;
  readonly confDir: string;
  readonly cacheDir: string;
  readonly resultsDir: string;
  /** NETCONFPATH, CNI_PATH and CNI_CACHE_DIR pointing at this fixture. */
  readonly env: Readonly<Record<string, string>>;
  calls(): RecordedCall[];
  /** The stdin the recorder got for its last `command`, parsed. */
  stdin(command: string): Record<string, unknown>;
  cleanup(): void;
}

/** Makes a fixture; call cleanup() when done. */
export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'cnikit-cli-test-'));
  const pluginDir = join(dir, 'plugins');
  const confDir = join(dir, 'net.d');
  const cacheDir = join(dir, 'cache');
  mkdirSync(pluginDir);
  mkdirSync(confDir);
  for (const [name, text] of [
    ['recorder', RECORDER],
    ['failer', FAILER],
  ] as const) {
    writeFileSync(join(pluginDir, name), text);
    chmodSync(join(pluginDir, name), 0o755);
  }
  const rec = {
    cniVersion: '1.1.0',
    name: 'rec',
    plugins: [{ type: 'recorder', capabilities: { portMappings: true } }],
  };
  writeFileSync(join(confDir, '10-rec.conflist'), JSON.stringify(rec));
  writeFileSync(
    join(confDir, '20-bad.conflist'),
    JSON.stringify({ cniVersion: '1.1.0', name: 'bad', plugins: [{ type: 'failer' }] }),
  );
  return {
    dir,
    pluginDir,
    confDir,
    cacheDir,
    resultsDir: join(cacheDir, 'results'),
    env: { NETCONFPATH: confDir, CNI_PATH: pluginDir, CNI_CACHE_DIR: cacheDir },
    calls: () => {
      let text = '';
      try {
        text = readFileSync(join(pluginDir, 'calls.log'), 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [command = '', containerId = '', ifName = '', netns = '', args = ''] = l.split('|');
          return { command, containerId, ifName, netns, args };
        });
    },
    stdin: (command) =>
      JSON.parse(readFileSync(join(pluginDir, `stdin-${command}`), 'utf8')) as Record<string, unknown>,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
