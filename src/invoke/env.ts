// The environment a plugin runs with: the caller's own, plus the CNI_* variables of the call (pkg/invoke Args).
import { formatCniArgs } from '../spec/cni-args.ts';
import type { InvokeArgs } from './types.ts';

function set(env: Record<string, string>, key: string, value: string): void {
  // defineProperty: an inherited variable literally named "__proto__" must stay a plain key.
  Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `base` (default process.env) with the CNI_* variables set, overriding inherited ones and set even when empty,
 * as upstream does. ADD/CHECK/DEL send all six. GC and STATUS name no attachment: only CNI_COMMAND and CNI_PATH
 * carry values, the other four are sent empty so the caller's own never leak in. VERSION sends upstream's
 * "dummy" CNI_NETNS/CNI_IFNAME/CNI_PATH, which plugins built on an old skel demand before they will answer.
 */
export function buildPluginEnv(
  args: InvokeArgs,
  base: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) set(env, k, v);
  const attachment = args.command !== 'GC' && args.command !== 'STATUS' && args.command !== 'VERSION';
  set(env, 'CNI_COMMAND', args.command);
  set(env, 'CNI_CONTAINERID', attachment ? (args.containerId ?? '') : '');
  set(env, 'CNI_NETNS', attachment ? (args.netns ?? '') : args.command === 'VERSION' ? 'dummy' : '');
  set(env, 'CNI_IFNAME', attachment ? (args.ifName ?? '') : args.command === 'VERSION' ? 'dummy' : '');
  set(env, 'CNI_ARGS', attachment ? formatCniArgs(args.pluginArgs ?? []) : '');
  set(env, 'CNI_PATH', args.command === 'VERSION' ? 'dummy' : args.path.join(':'));
  return env;
}
