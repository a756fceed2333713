// Upstream's error wording for a plugin in a list, so runtimes' string matches keep working.
import type { NetworkConfig } from '../config/index.ts';
import { CNIError, ErrorCode } from '../spec/index.ts';

/** `type="T"` plus ` name="N"` when the plugin object itself has a name (libcni's pluginDescription). */
export function pluginDescription(plugin: NetworkConfig | undefined): string {
  if (plugin === undefined) return '<missing>';
  const name = plugin.network.name;
  return name ? `type="${plugin.network.type}" name="${name}"` : `type="${plugin.network.type}"`;
}

/** Wraps a cause as `plugin type="T" failed (<verb>): <cause>`, keeping the cause's CNI code. */
export function pluginFailed(plugin: NetworkConfig | undefined, verb: 'add' | 'delete', cause: unknown): CNIError {
  const text = cause instanceof Error ? cause.message : String(cause);
  const code = CNIError.is(cause) ? cause.code : ErrorCode.Internal;
  const details = CNIError.is(cause) ? cause.details : '';
  const err = new CNIError(code, `plugin ${pluginDescription(plugin)} failed (${verb}): ${text}`, { cause });
  // The message already carries the cause's details; keep them structured for toJSON too.
  Object.defineProperty(err, 'details', { value: details });
  return err;
}
