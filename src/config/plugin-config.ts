// One plugin's config (a .conf file or one element of a list's `plugins`), parsed as libcni's
// NetworkPluginConfFromBytes does: `type` required, the typed fields checked, every other key kept.
import { ErrorCode } from '../spec/errors.ts';
import type { PluginConf } from '../spec/types.ts';
import { ConfigParseError } from './errors.ts';
import { goTypeName, isRawObject, type RawObject, readJsonObject } from './json-object.ts';

/** A parsed plugin config with the bytes it came from (they go to the plugin and into the cache). */
export interface NetworkConfig {
  readonly network: PluginConf;
  readonly bytes: Uint8Array;
}

const PREFIX = 'error parsing configuration';

/** Throws ConfigParseError (code 7) naming the field and what was found; a JSON `null` counts as absent. */
function fieldError(field: string, want: string, got: unknown, source: string | undefined): ConfigParseError {
  return new ConfigParseError(
    ErrorCode.InvalidNetworkConfig,
    `${PREFIX}: field "${field}" must be ${want}, not ${goTypeName(got)}`,
    { file: source },
  );
}

function isStringArray(v: unknown): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

// Each typed field's check; `null` is skipped before (Go leaves a field alone when the JSON value is null).
const CHECKS: ReadonlyArray<readonly [string, string, (v: unknown) => boolean]> = [
  ['cniVersion', 'a string', (v) => typeof v === 'string'],
  ['name', 'a string', (v) => typeof v === 'string'],
  ['type', 'a string', (v) => typeof v === 'string'],
  [
    'capabilities',
    'an object of booleans',
    (v) => isRawObject(v) && Object.values(v).every((b) => typeof b === 'boolean'),
  ],
  ['ipam', 'an object', isRawObject],
  ['dns', 'an object', isRawObject],
  ['args', 'an object', isRawObject],
  ['runtimeConfig', 'an object', isRawObject],
  ['prevResult', 'an object', isRawObject],
  ['cni.dev/valid-attachments', 'an array of objects', (v) => Array.isArray(v) && v.every(isRawObject)],
];

function checkNested(raw: RawObject, source: string | undefined): void {
  const ipam = raw.ipam;
  if (isRawObject(ipam) && ipam.type !== undefined && ipam.type !== null && typeof ipam.type !== 'string') {
    throw fieldError('ipam.type', 'a string', ipam.type, source);
  }
  const dns = raw.dns;
  if (!isRawObject(dns)) return;
  for (const key of ['nameservers', 'search', 'options']) {
    const v = dns[key];
    if (v !== undefined && v !== null && !isStringArray(v)) {
      throw fieldError(`dns.${key}`, 'an array of strings', v, source);
    }
  }
  if (dns.domain !== undefined && dns.domain !== null && typeof dns.domain !== 'string') {
    throw fieldError('dns.domain', 'a string', dns.domain, source);
  }
}

/** Narrows a decoded object to a plugin config or throws ConfigParseError naming the field at fault. */
export function pluginConfFromObject(raw: RawObject, source?: string): PluginConf {
  for (const [field, want, ok] of CHECKS) {
    const v = raw[field];
    if (v !== undefined && v !== null && !ok(v)) throw fieldError(field, want, v, source);
  }
  checkNested(raw, source);
  const type = raw.type;
  if (typeof type !== 'string' || type === '') {
    throw new ConfigParseError(ErrorCode.InvalidNetworkConfig, `${PREFIX}: missing 'type'`, { file: source });
  }
  // Typed keys whose JSON value is null are dropped from the typed view (the bytes keep them).
  const entries = Object.entries(raw).filter(([k, v]) => v !== null || !CHECKS.some(([f]) => f === k));
  const conf: { [key: string]: unknown } = Object.fromEntries(entries);
  return { ...conf, type };
}

/** Parses one plugin config; the bytes are kept as given. Throws ConfigParseError (6 bad JSON, 7 bad field). */
export function parsePluginConfig(bytes: Uint8Array | string, source?: string): NetworkConfig {
  const read = readJsonObject(bytes);
  if (!read.ok) {
    throw new ConfigParseError(ErrorCode.DecodingFailure, `${PREFIX}: ${read.reason}`, { file: source });
  }
  const network = pluginConfFromObject(read.value, source);
  return { network, bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes };
}
