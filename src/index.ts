// cnikit's public face: the runtime, config loading, the exec seam, cache reading, and the spec layer.
export type { AttachmentKey, CacheEntry, CacheRead, ListedEntry } from './cache/index.ts';
export { DEFAULT_CACHE_DIR, ResultCache } from './cache/index.ts';
export {
  ConfDirMissingError,
  ConfigParseError,
  ConfigReadError,
  configListFromConfig,
  listConfFiles,
  loadConfigListFile,
  loadNetworkConfigList,
  type NetworkConfig,
  type NetworkConfigList,
  NetworkNotFoundError,
  NoConfigsFoundError,
  parseConfigList,
  parsePluginConfig,
} from './config/index.ts';
export { createExec, type Exec, type ExecOptions, PluginError } from './invoke/index.ts';
export * from './runtime/index.ts';
export * from './spec/index.ts';
