// Typed access to the parts of a plugin's config that the runtime fills in: prevResult, runtimeConfig and GC's
// valid attachments. Each narrows `unknown` by hand and names the key at fault.
import {
  CNIError,
  convertResult,
  ErrorCode,
  type GCAttachment,
  type PluginConf,
  parseResult,
  type Result,
} from '../spec/index.ts';
import { configVersionOf } from './version-gate.ts';

function rewrap(prefix: string, e: unknown): CNIError {
  const code = CNIError.is(e) ? e.code : ErrorCode.DecodingFailure;
  const message = e instanceof Error ? e.message : String(e);
  return new CNIError(code, `${prefix}: ${message}`, { cause: e });
}

/**
 * The config's prevResult converted to the config's cniVersion (a prevResult without its own cniVersion is read as
 * the config's), or undefined when there is none; throws "could not parse prevResult: ..." for a bad one.
 */
export function prevResultOf(config: PluginConf): Result | undefined {
  const raw = Object.hasOwn(config, 'prevResult') ? config.prevResult : undefined;
  if (raw === undefined || raw === null) return undefined;
  const version = configVersionOf(config);
  let parsed: Result;
  try {
    parsed = parseResult(raw, { version });
  } catch (e) {
    throw rewrap('could not parse prevResult', e);
  }
  try {
    return convertResult(parsed, version);
  } catch (e) {
    throw rewrap(`could not convert prevResult to version ${version}`, e);
  }
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

/** The config's runtimeConfig object (what the runtime injected from capabilities), or an empty object. */
export function runtimeConfigOf(config: PluginConf): Readonly<Record<string, unknown>> {
  const rc = Object.hasOwn(config, 'runtimeConfig') ? config.runtimeConfig : undefined;
  return isRecord(rc) ? rc : EMPTY;
}

const VALID_ATTACHMENTS = 'cni.dev/valid-attachments';
// The spec's first GC text used this key; libcni sends both, older runtimes only this one.
const ATTACHMENTS = 'cni.dev/attachments';

function parseAttachment(v: unknown, where: string): GCAttachment {
  if (!isRecord(v)) throw new CNIError(ErrorCode.DecodingFailure, `${where}: expected an object`);
  const { containerID, ifname } = v;
  if (typeof containerID !== 'string') {
    throw new CNIError(ErrorCode.DecodingFailure, `${where}.containerID: expected a string`);
  }
  if (typeof ifname !== 'string') throw new CNIError(ErrorCode.DecodingFailure, `${where}.ifname: expected a string`);
  return { containerID, ifname };
}

/** GC's list of attachments still in use (`cni.dev/valid-attachments`, else `cni.dev/attachments`); [] when absent. */
export function validAttachmentsOf(config: PluginConf): GCAttachment[] {
  const key = Object.hasOwn(config, VALID_ATTACHMENTS)
    ? VALID_ATTACHMENTS
    : Object.hasOwn(config, ATTACHMENTS)
      ? ATTACHMENTS
      : undefined;
  if (key === undefined) return [];
  const list = config[key];
  if (list === null) return [];
  if (!Array.isArray(list)) throw new CNIError(ErrorCode.DecodingFailure, `${key}: expected an array`);
  return list.map((v: unknown, i) => parseAttachment(v, `${key}[${i}]`));
}
