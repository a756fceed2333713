// What a plugin author needs from the spec, so `cnikit/skel` alone is enough to write a plugin.
export {
  CNIError,
  ErrorCode,
  type GCAttachment,
  type PluginConf,
  parseCniArgs,
  parseKnownArgs,
  type Result,
  SUPPORTED_VERSIONS,
} from '../spec/index.ts';
export { prevResultOf, runtimeConfigOf, validAttachmentsOf } from './config-access.ts';
export type { Outcome } from './dispatch.ts';
export { dispatch } from './dispatch.ts';
export type { PluginIO } from './plugin-io.ts';
export { isOwnNetns, processIO, readAllFd, writeAllFd } from './plugin-io.ts';
export { runPlugin } from './run-plugin.ts';
export type { CmdArgs, PluginFuncs } from './types.ts';
export { configVersionOf } from './version-gate.ts';
