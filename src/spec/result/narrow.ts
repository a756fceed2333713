// Hand-written narrowing for result fields: each reader names the JSON path at fault (code 6), treats null as
// absent (Go's decoder leaves the zero value for null) and returns undefined for Go's omitempty zero values.
import { CNIError, ErrorCode } from '../errors.ts';
import { clipValue } from '../go-quote.ts';
import { parseCidr, parseIp } from '../ip-address.ts';
import { isRecord, ownField, type UnknownRecord } from '../json-input.ts';

/** The JSON path of `key` inside `path` ('' is the top level). */
export function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Throws the decoding failure for `path`. */
export function fail(path: string, what: string): never {
  throw new CNIError(ErrorCode.DecodingFailure, `${path}: ${what}`);
}

/** The value at `key`, with JSON null read as absent. */
export function read(obj: UnknownRecord, key: string): unknown {
  const v = ownField(obj, key);
  return v === null ? undefined : v;
}

/** Narrows `v` to an object or fails naming `path`. */
export function asRecord(v: unknown, path: string): UnknownRecord {
  if (!isRecord(v)) fail(path, 'expected an object');
  return v;
}

/** An optional string; '' reads as absent (omitempty). */
export function optString(obj: UnknownRecord, key: string, path: string): string | undefined {
  const v = read(obj, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') fail(at(path, key), 'expected a string');
  return v === '' ? undefined : v;
}

/** A string that is always present in Go's output (missing reads as ''). */
export function plainString(obj: UnknownRecord, key: string, path: string): string {
  return optString(obj, key, path) ?? '';
}

/** An optional integer that fits a Go int on every platform (a safe integer), at least `min`. */
export function optInt(
  obj: UnknownRecord,
  key: string,
  path: string,
  min = Number.MIN_SAFE_INTEGER,
): number | undefined {
  const v = read(obj, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(at(path, key), 'expected an integer');
  if (v < min) fail(at(path, key), `expected an integer >= ${min}`);
  return v;
}

/** An optional array of elements; an empty array reads as absent (omitempty). */
export function optArray<T>(
  obj: UnknownRecord,
  key: string,
  path: string,
  each: (item: unknown, itemPath: string) => T,
): readonly T[] | undefined {
  const v = read(obj, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) fail(at(path, key), 'expected an array');
  if (v.length === 0) return undefined;
  const base = at(path, key);
  return v.map((item: unknown, i) => each(item, `${base}[${i}]`));
}

/** An optional array of strings; empty reads as absent. */
export function optStringArray(obj: UnknownRecord, key: string, path: string): readonly string[] | undefined {
  return optArray(obj, key, path, (item, itemPath) => {
    if (typeof item !== 'string') fail(itemPath, 'expected a string');
    return item;
  });
}

/** A required CIDR string ("ip/len"), checked with Go's ParseCIDR rules. */
export function cidrField(obj: UnknownRecord, key: string, path: string): string {
  const v = read(obj, key);
  if (v === undefined) fail(at(path, key), 'missing');
  if (typeof v !== 'string') fail(at(path, key), 'expected a string');
  if (parseCidr(v) === undefined) fail(at(path, key), `invalid CIDR address: ${clipValue(v)}`);
  return v;
}

/** An optional IP address ('' reads as absent, as Go's net.IP does). */
export function optIpField(obj: UnknownRecord, key: string, path: string): string | undefined {
  const v = optString(obj, key, path);
  if (v === undefined) return undefined;
  if (parseIp(v) === undefined) fail(at(path, key), `invalid IP address: ${clipValue(v)}`);
  return v;
}

/** A writable view of a readonly result type, used only while building a fresh object. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
