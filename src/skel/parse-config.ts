// Narrows a plugin's stdin to a PluginConf. Upstream skel only decodes `name` here; we also check the types of the
// spec's own keys so `config` is honest about its type, and leave plugin-specific keys untouched.
import {
  CNIError,
  decodeJsonInput,
  ErrorCode,
  isRecord,
  ownField,
  type PluginConf,
  validateNetworkName,
} from '../spec/index.ts';

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function decodeFailure(reason: string): CNIError {
  return new CNIError(ErrorCode.DecodingFailure, `error unmarshall network config: ${reason}`);
}

// Spec keys whose JSON type we check; anything else is the plugin's business.
// `cniVersion` is checked at dispatch, as upstream's version decoder does, with its own message.
const STRING_KEYS = ['name', 'type'] as const;
const OBJECT_KEYS = ['capabilities', 'ipam', 'dns', 'args', 'runtimeConfig'] as const;

/**
 * Parses stdin as a network config: code 6 for bad JSON or a spec key of the wrong type, code 7 for a missing or
 * invalid network name (upstream skel's messages).
 */
export function parsePluginConf(stdin: Uint8Array): PluginConf {
  const value = decodeJsonInput(stdin, 'error unmarshall network config');
  // Go decodes `null` into an empty struct, which then fails the name check below.
  const record = value === null ? {} : value;
  if (!isRecord(record)) throw decodeFailure(`network config must be a JSON object, got ${kindOf(record)}`);
  for (const key of STRING_KEYS) {
    const v = ownField(record, key);
    // JSON null leaves Go's string field empty, so it is not a type error.
    if (v !== undefined && v !== null && typeof v !== 'string')
      throw decodeFailure(`field "${key}" must be a string, got ${kindOf(v)}`);
  }
  for (const key of OBJECT_KEYS) {
    const v = ownField(record, key);
    if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) {
      throw decodeFailure(`field "${key}" must be an object, got ${kindOf(v)}`);
    }
  }
  const name = ownField(record, 'name') ?? '';
  if (name === '') throw new CNIError(ErrorCode.InvalidNetworkConfig, 'missing network name');
  validateNetworkName(String(name));
  // `type` may be absent when a plugin is run by hand; the checks above make the remaining cast sound.
  return Object.freeze({ ...record, type: ownField(record, 'type') ?? '' }) as PluginConf;
}
