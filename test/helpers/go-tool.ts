// Go libcni 1.1.2 through the interop program test/interop/go/cnigo-tool (built by scripts/build-go.sh into
// bench/go/bin): the contrast and the interop partner for cnikit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ToolEnv, toolEnv } from './cli.ts';
import type { HostNetns } from './netns.ts';
import { REPO_ROOT } from './paths.ts';
import type { RunResult } from './run.ts';

/** Where scripts/build-go.sh puts the Go interop tool. */
export const GO_TOOL_PATH = join(REPO_ROOT, 'bench', 'go', 'bin', 'cnigo-tool');

/** True when the Go tool has been built (`scripts/build-go.sh`). */
export function hasGoTool(): boolean {
  return existsSync(GO_TOOL_PATH);
}

/** `cnigo-tool <args>` inside the host netns, with cnitool's environment. */
export function runGoTool(host: HostNetns, args: readonly string[], env: ToolEnv): Promise<RunResult> {
  return host.exec(GO_TOOL_PATH, args, { env: toolEnv(env), timeoutMs: 60_000 });
}
