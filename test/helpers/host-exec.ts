// The runtime library runs in the test process, which sits in the machine's root netns; plugins must run in the
// test's private host netns. This Exec finds plugins as usual and runs each through a shim that does
// `exec ip netns exec <host> <plugin>` (same pid, so time-outs and process-group kills still reach the plugin).
// The plugin's CNI_PATH stays the real one, so bridge's own exec of host-local already happens inside the netns.
import { createExec, type Exec } from '../../src/invoke/index.ts';
import type { HostNetns } from './netns.ts';

/** An Exec that runs every plugin inside `host`, wrapping `inner` (default: cnikit's own child-process exec). */
export function hostExec(host: HostNetns, inner: Exec = createExec()): Exec {
  return {
    findInPath: (pluginType, paths) => inner.findInPath(pluginType, paths),
    execPlugin: async (pluginPath, stdin, env, opts) => inner.execPlugin(await host.shim(pluginPath), stdin, env, opts),
  };
}
