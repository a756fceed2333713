// The VERSION answer: decoding a plugin's reply as pkg/version's PluginDecoder does, and encoding our own.
import { CNIError, ErrorCode } from './errors.ts';
import { decodeJsonInput, isRecord, ownField } from './json-input.ts';
import type { VersionInfo } from './types.ts';
import { CURRENT_VERSION } from './version.ts';

const PREFIX = 'decoding version info';

function fail(what: string): never {
  throw new CNIError(ErrorCode.DecodingFailure, `${PREFIX}: ${what}`);
}

/** What a plugin that predates VERSION supports (libcni's answer when it says `unknown CNI_COMMAND: VERSION`). */
export const LEGACY_VERSION_INFO: VersionInfo = { cniVersion: '0.1.0', supportedVersions: ['0.1.0'] };

/**
 * Decodes a VERSION answer (bytes, text or a parsed value). Code 6 for bad JSON, a missing cniVersion, or a
 * missing supportedVersions — except that a 0.2.0 plugin without one supports 0.1.0 and 0.2.0, as upstream reads it.
 */
export function parseVersionInfo(input: unknown): VersionInfo {
  const value = decodeJsonInput(input, PREFIX);
  const obj = value === null ? {} : value;
  if (!isRecord(obj)) fail('expected a JSON object');
  const cniVersion = ownField(obj, 'cniVersion') ?? '';
  if (typeof cniVersion !== 'string') fail('cniVersion: expected a string');
  if (cniVersion === '') fail('missing field cniVersion');
  const raw = ownField(obj, 'supportedVersions') ?? [];
  if (!Array.isArray(raw)) fail('supportedVersions: expected an array of strings');
  const supportedVersions = raw.map((v: unknown, i) => {
    if (typeof v !== 'string') fail(`supportedVersions[${i}]: expected a string`);
    return v;
  });
  if (supportedVersions.length === 0) {
    if (cniVersion === '0.2.0') return { cniVersion, supportedVersions: ['0.1.0', '0.2.0'] };
    fail('missing field supportedVersions');
  }
  return { cniVersion, supportedVersions };
}

/** The line a plugin prints for VERSION: `{"cniVersion":"1.1.0","supportedVersions":[...]}` and a newline. */
export function encodeVersionInfo(supportedVersions: readonly string[]): string {
  if (supportedVersions.length === 0) {
    throw new CNIError(ErrorCode.Internal, 'programmer error: you must support at least one version');
  }
  return `${JSON.stringify({ cniVersion: CURRENT_VERSION, supportedVersions })}\n`;
}
