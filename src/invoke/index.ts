export {
  createExec,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_TIMEOUT_MS,
  type ExecDefaults,
  execFinishChannel,
  execStartChannel,
} from './create-exec.ts';
export { buildPluginEnv } from './env.ts';
export {
  InvalidPluginTypeError,
  PluginError,
  type PluginErrorInit,
  type PluginFailure,
  PluginNotFoundError,
} from './errors.ts';
export { execPluginWithoutResult, execPluginWithResult, getVersionInfo } from './exec-plugin.ts';
export { findInPath } from './find-in-path.ts';
export type { CNICommand, Exec, ExecOptions, InvokeArgs } from './types.ts';
