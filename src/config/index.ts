export { listConfFiles } from './conf-files.ts';
export { configListFromConfig, type NetworkConfigList, parseConfigList } from './config-list.ts';
export {
  ConfDirMissingError,
  type ConfigErrorOptions,
  ConfigParseError,
  ConfigReadError,
  NetworkNotFoundError,
  NoConfigsFoundError,
} from './errors.ts';
export { injectConf } from './inject-conf.ts';
export { loadConfigListFile, loadNetworkConfigList, loadPluginConfigFile } from './load.ts';
export { type NetworkConfig, parsePluginConfig, pluginConfFromObject } from './plugin-config.ts';
export { buildPluginStdin, type PluginStdinOptions, runtimeConfigFor } from './plugin-stdin.ts';
