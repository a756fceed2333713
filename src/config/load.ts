// Loading networks from a conf dir the way libcni's NetworkConfFromFile / LoadNetworkConf do.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ErrorCode } from '../spec/errors.ts';
import { isValidName } from '../spec/names.ts';
import { isMissing, listConfFiles, readConfigFile } from './conf-files.ts';
import { configListFromConfig, type NetworkConfigList, parseConfigList } from './config-list.ts';
import {
  ConfDirMissingError,
  ConfigParseError,
  ConfigReadError,
  causeText,
  NetworkNotFoundError,
  NoConfigsFoundError,
} from './errors.ts';
import { type NetworkConfig, parsePluginConfig } from './plugin-config.ts';

/** Reads and parses one .conf/.json file. */
export async function loadPluginConfigFile(path: string): Promise<NetworkConfig> {
  return parsePluginConfig(await readConfigFile(path), path);
}

/** Plugin configs from `<dir>/<name>/*.conf`, sorted; a missing subdirectory yields []. */
async function loadPluginDir(dir: string): Promise<NetworkConfig[]> {
  let files: string[];
  try {
    files = await listConfFiles(dir, ['.conf']);
  } catch (e) {
    throw new ConfigReadError(
      dir,
      e,
      `failed to read plugin config files in ${dir}: ${causeText(e instanceof ConfigReadError ? e.cause : e)}`,
    );
  }
  const out: NetworkConfig[] = [];
  for (const f of files) out.push(await loadPluginConfigFile(f));
  return out;
}

/**
 * Reads a .conflist file. Unless `loadOnlyInlinedPlugins`, the configs in `<dir>/<name>/*.conf` are appended
 * after the inlined plugins (spec 1.1.0). A list that ends up with no plugin is an error.
 */
export async function loadConfigListFile(path: string): Promise<NetworkConfigList> {
  const list = parseConfigList(await readConfigFile(path), path);
  let plugins = list.plugins;
  // The name becomes a path; one that is not a valid network name (empty, "..", "a/b") is never used as a dir.
  if (!list.loadOnlyInlinedPlugins && isValidName(list.name)) {
    const extra = await loadPluginDir(join(dirname(path), list.name));
    if (extra.length > 0) plugins = [...plugins, ...extra];
  }
  if (plugins.length === 0) {
    throw new ConfigParseError(ErrorCode.InvalidNetworkConfig, 'no plugin configs found', { file: path });
  }
  return plugins === list.plugins ? list : { ...list, plugins };
}

async function dirExists(dir: string): Promise<boolean> {
  try {
    await readdir(dir);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw new ConfigReadError(dir, e);
  }
}

/**
 * Finds network `name` in `dir`: .conflist files first (sorted; the first whose name matches wins), then .conf
 * and .json files lifted into a one-plugin list. As upstream, the first malformed file met aborts the search.
 */
export async function loadNetworkConfigList(dir: string, name: string): Promise<NetworkConfigList> {
  const lists = await listConfFiles(dir, ['.conflist']);
  for (const f of lists) {
    const list = await loadConfigListFile(f);
    if (list.name === name) return list;
  }
  const confs = await listConfFiles(dir, ['.conf', '.json']);
  if (confs.length === 0) {
    if (lists.length > 0) throw new NetworkNotFoundError(dir, name);
    if (!(await dirExists(dir))) throw new ConfDirMissingError(dir);
    throw new NoConfigsFoundError(dir);
  }
  for (const f of confs) {
    const conf = await loadPluginConfigFile(f);
    if (conf.network.name === name) return configListFromConfig(conf, f);
  }
  throw new NetworkNotFoundError(dir, name);
}
