// A config list (.conflist), parsed as libcni's NetworkConfFromBytes does, with upstream's error texts.
import { ErrorCode } from '../spec/errors.ts';
import { clipValue, quoteValue } from '../spec/go-quote.ts';
import { parseVersion, selectCniVersion } from '../spec/version.ts';
import { ConfigParseError, causeText } from './errors.ts';
import { encodeText, goTypeName, MAX_JSON_DEPTH, type RawObject, readJsonObject } from './json-object.ts';
import { type NetworkConfig, parsePluginConfig } from './plugin-config.ts';

/** A parsed config list with the bytes it came from (those bytes go into the result cache). */
export interface NetworkConfigList {
  readonly name: string;
  readonly cniVersion: string;
  readonly disableCheck: boolean;
  readonly disableGC: boolean;
  readonly loadOnlyInlinedPlugins: boolean;
  readonly plugins: readonly NetworkConfig[];
  readonly bytes: Uint8Array;
  /** The file it came from, for messages. */
  readonly source?: string;
}

const PREFIX = 'error parsing configuration list';

function listError(msg: string, source: string | undefined, cause?: unknown): ConfigParseError {
  return new ConfigParseError(ErrorCode.InvalidNetworkConfig, `${PREFIX}: ${msg}`, { file: source, cause });
}

/** A boolean that may also be written "true"/"false" in any case (upstream lower-cases before checking). */
function readFlag(raw: RawObject, key: string, source: string | undefined): boolean {
  const v = raw[key];
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw listError(`invalid type ${goTypeName(v)} for ${key}`, source);
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw listError(`invalid value ${quoteValue(lower)} for ${key}`, source);
}

/**
 * Applies `cniVersions`: the highest entry cnikit supports wins, `cniVersion` itself counting as a candidate;
 * with none supported, `cniVersion` stays as written. Entries are type- and syntax-checked as upstream does.
 */
function negotiateVersion(raw: RawObject, cniVersion: string, source: string | undefined): string {
  const list = raw.cniVersions;
  if (list === undefined) return cniVersion;
  if (!Array.isArray(list)) throw listError(`invalid type for cniVersions: ${goTypeName(list)}`, source);
  const candidates: string[] = [];
  list.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string')
      throw listError(`invalid type for cniVersions index ${i}: ${goTypeName(entry)}`, source);
    try {
      parseVersion(entry);
    } catch (e) {
      throw listError(`invalid cniVersions entry ${clipValue(entry)} at index ${i}: ${causeText(e)}`, source, e);
    }
    candidates.push(entry);
  });
  try {
    parseVersion(cniVersion);
  } catch (e) {
    throw listError(`invalid cniVersion ${clipValue(cniVersion)}: ${causeText(e)}`, source, e);
  }
  return selectCniVersion([...candidates, cniVersion]) ?? cniVersion;
}

function readPlugins(raw: RawObject, onlyInlined: boolean, source: string | undefined): NetworkConfig[] {
  const plugins = raw.plugins;
  if (plugins === undefined) {
    if (onlyInlined) throw listError("`loadOnlyInlinedPlugins` is true, and no 'plugins' key", source);
    return [];
  }
  if (!Array.isArray(plugins)) throw listError(`invalid 'plugins' type ${goTypeName(plugins)}`, source);
  if (plugins.length === 0) throw listError('no plugins in list', source);
  return plugins.map((p: unknown, i) => {
    try {
      // Re-encoded from the parsed value, as upstream re-marshals each element (a non-object fails here too).
      return parsePluginConfig(JSON.stringify(p), source);
    } catch (e) {
      const code = e instanceof ConfigParseError ? e.code : ErrorCode.InvalidNetworkConfig;
      throw new ConfigParseError(code, `failed to parse plugin config ${i}: ${msgOf(e)}`, { file: source, cause: e });
    }
  });
}

function msgOf(e: unknown): string {
  return e instanceof ConfigParseError ? e.msg : causeText(e);
}

/**
 * Parses a config list from bytes (pure: only inlined plugins). A list with no `plugins` key and
 * `loadOnlyInlinedPlugins` false comes back with zero plugins; loadConfigListFile adds `<dir>/<name>/*.conf`.
 */
export function parseConfigList(bytes: Uint8Array | string, source?: string): NetworkConfigList {
  return parseList(bytes, source, MAX_JSON_DEPTH);
}

function parseList(bytes: Uint8Array | string, source: string | undefined, maxDepth: number): NetworkConfigList {
  const read = readJsonObject(bytes, maxDepth);
  if (!read.ok) {
    throw new ConfigParseError(ErrorCode.DecodingFailure, `${PREFIX}: ${read.reason}`, { file: source });
  }
  const raw = read.value;
  if (!Object.hasOwn(raw, 'name')) throw listError('no name', source);
  const name = raw.name;
  if (typeof name !== 'string') throw listError(`invalid name type ${goTypeName(name)}`, source);
  const version = Object.hasOwn(raw, 'cniVersion') ? raw.cniVersion : '';
  if (typeof version !== 'string') throw listError(`invalid cniVersion type ${goTypeName(version)}`, source);
  const cniVersion = negotiateVersion(raw, version, source);
  const disableCheck = readFlag(raw, 'disableCheck', source);
  const disableGC = readFlag(raw, 'disableGC', source);
  const loadOnlyInlinedPlugins = readFlag(raw, 'loadOnlyInlinedPlugins', source);
  const plugins = readPlugins(raw, loadOnlyInlinedPlugins, source);
  return {
    name,
    cniVersion,
    disableCheck,
    disableGC,
    loadOnlyInlinedPlugins,
    plugins,
    bytes: typeof bytes === 'string' ? encodeText(bytes) : bytes,
    ...(source === undefined ? {} : { source }),
  };
}

/** Lifts a single-plugin config (.conf/.json) into a one-plugin list, as libcni's ConfListFromConf does. */
export function configListFromConfig(conf: NetworkConfig, source?: string): NetworkConfigList {
  const read = readJsonObject(conf.bytes);
  if (!read.ok) {
    throw new ConfigParseError(ErrorCode.DecodingFailure, `error parsing configuration: ${read.reason}`, {
      file: source,
    });
  }
  const lifted = {
    name: conf.network.name ?? '',
    cniVersion: conf.network.cniVersion ?? '',
    plugins: [read.value],
  };
  // Lifting puts the plugin two levels down (`plugins: [...]`), so a plugin that parsed alone still fits.
  return parseList(JSON.stringify(lifted), source, MAX_JSON_DEPTH + 2);
}
