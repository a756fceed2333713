// The version-directed result decoder: read cniVersion the way libcni does, then narrow that family's shape.
import { CNIError, ErrorCode } from '../errors.ts';
import { quoteValue } from '../go-quote.ts';
import { decodeJsonInput, isRecord, ownField } from '../json-input.ts';
import type { Result } from '../types.ts';
import { is020Version, is040Version, is100Version } from './family.ts';
import { parseResult020 } from './parse-020.ts';
import { parseResult040 } from './parse-040.ts';
import { parseResult100 } from './parse-100.ts';

const PREFIX = 'decoding version from network config';

export interface ParseResultOptions {
  /** The config's cniVersion: used when the result itself names none (libcni's fixupResultVersion). */
  readonly version?: string;
}

function versionOf(raw: unknown, fallback: string | undefined): string {
  if (typeof raw === 'string' && raw !== '') return raw;
  // With a config version, libcni overwrites a missing, empty or non-string cniVersion before decoding.
  if (fallback !== undefined) return fallback === '' ? '0.1.0' : fallback;
  if (raw === undefined || raw === null || raw === '') return '0.1.0';
  throw new CNIError(ErrorCode.DecodingFailure, `${PREFIX}: cniVersion: expected a string`);
}

/**
 * Decodes a result (bytes, JSON text or an already-parsed value) by its cniVersion; code 6 for bad JSON or a
 * malformed field (the message names the field), code 1 for a version no result type implements.
 */
export function parseResult(input: unknown, opts: ParseResultOptions = {}): Result {
  const value = decodeJsonInput(input, PREFIX);
  // Go decodes `null` into an empty struct, so it reads as an empty legacy result.
  const obj = value === null ? {} : value;
  if (!isRecord(obj)) throw new CNIError(ErrorCode.DecodingFailure, `${PREFIX}: expected a JSON object`);
  const version = versionOf(ownField(obj, 'cniVersion'), opts.version);
  if (is020Version(version)) return parseResult020(obj, version);
  if (is040Version(version)) return parseResult040(obj, version);
  if (is100Version(version)) return parseResult100(obj, version);
  throw new CNIError(ErrorCode.IncompatibleVersion, `unsupported CNI result version ${quoteValue(version)}`);
}
