// Setting top-level keys in a plugin's config, as libcni's InjectConf does (the base of every plugin's stdin).
import { ErrorCode } from '../spec/errors.ts';
import { clipValue } from '../spec/go-quote.ts';
import { ConfigParseError } from './errors.ts';
import { encodeJson, readJsonObject } from './json-object.ts';
import type { NetworkConfig } from './plugin-config.ts';

/** The plugin's config bytes as a fresh mutable object (own keys only, `__proto__` kept as a plain key). */
export function pluginConfObject(plugin: NetworkConfig): Record<string, unknown> {
  const read = readJsonObject(plugin.bytes);
  if (!read.ok) {
    throw new ConfigParseError(ErrorCode.DecodingFailure, `unmarshal existing network bytes: ${read.reason}`);
  }
  return Object.fromEntries(Object.entries(read.value));
}

/** Sets a key as an own data property, so a key named `__proto__` can never reach a prototype. */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The plugin's config with `values` set (existing keys are replaced in place, new ones appended), as JSON bytes.
 * As upstream: an empty key fails with `keys cannot be empty`, an undefined or null value with
 * `key '<k>' value must not be nil` (code 7).
 */
export function injectConf(plugin: NetworkConfig, values: Readonly<Record<string, unknown>>): Uint8Array {
  const conf = pluginConfObject(plugin);
  for (const [key, value] of Object.entries(values)) {
    if (key === '') throw new ConfigParseError(ErrorCode.InvalidNetworkConfig, 'keys cannot be empty');
    if (value === undefined || value === null) {
      throw new ConfigParseError(ErrorCode.InvalidNetworkConfig, `key '${clipValue(key)}' value must not be nil`);
    }
    setKey(conf, key, value);
  }
  return encodeJson(conf, 'injecting into the plugin config');
}
