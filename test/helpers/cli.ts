// Runs cnikit's bundled CLI (bin/cnikit.cjs) inside a test's host netns, cnitool-style (env, not flags).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostNetns } from './netns.ts';
import { REPO_ROOT } from './paths.ts';
import type { RunResult } from './run.ts';

/** Where scripts/bundle.mjs puts the CLI. */
export const CLI_PATH = join(REPO_ROOT, 'bin', 'cnikit.cjs');

/** True when the CLI has been bundled (`node scripts/bundle.mjs`). */
export function hasCli(): boolean {
  return existsSync(CLI_PATH);
}

/** cnitool's environment for one attachment. */
export interface ToolEnv {
  readonly confDir: string;
  readonly cniPath: readonly string[];
  readonly cacheDir: string;
  readonly containerId: string;
  readonly ifName?: string;
  readonly capabilityArgs?: Readonly<Record<string, unknown>>;
}

/** The environment cnitool-compatible tools read: NETCONFPATH, CNI_PATH, CNI_CACHE_DIR, CNI_CONTAINERID, ... */
export function toolEnv(e: ToolEnv): Record<string, string> {
  return {
    NETCONFPATH: e.confDir,
    CNI_PATH: e.cniPath.join(':'),
    CNI_CACHE_DIR: e.cacheDir,
    CNI_CONTAINERID: e.containerId,
    CNI_IFNAME: e.ifName ?? 'eth0',
    ...(e.capabilityArgs === undefined ? {} : { CAP_ARGS: JSON.stringify(e.capabilityArgs) }),
  };
}

/** `cnikit <args>` inside the host netns. */
export function runCli(host: HostNetns, args: readonly string[], env: ToolEnv): Promise<RunResult> {
  return host.exec(process.execPath, [CLI_PATH, ...args], { env: toolEnv(env), timeoutMs: 60_000 });
}
