// JSON text the way Go's encoding/json prints a map: keys sorted by their UTF-8 bytes, no spaces. Used both for
// what we write (so our files match Go's byte for byte, bar HTML escaping) and for the version-1 digest's canonical
// input, which readers still verify on entries written by earlier builds.
import { CNIError, ErrorCode } from '../spec/errors.ts';

/** Orders strings by UTF-8 bytes (= by code point), which is how Go sorts map keys; JS's default sort is UTF-16. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Below the surrogate range UTF-16 order is code-point order; otherwise compare whole code points.
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

// Below U+D800 the default (UTF-16) sort already is UTF-8 order, and it is much faster than a JS comparator.
const NEEDS_CODE_POINT_SORT = /[\ud800-\uffff]/;

/** JSON text of an already JSON-safe value with every object's keys in Go's order. */
export function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => sortedJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.some((k) => NEEDS_CODE_POINT_SORT.test(k))) keys.sort(compareUtf8);
  else keys.sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${sortedJson(obj[k])}`).join(',')}}`;
}

/**
 * The value as it will read back from JSON (undefined members dropped, NaN to null, toJSON applied), so sortedJson,
 * which walks plain JSON values only, prints exactly what JSON.stringify would. Throws code 6 for what JSON cannot
 * hold.
 */
export function jsonRoundTrip(value: unknown, what: string): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new CNIError(ErrorCode.DecodingFailure, `${what} cannot be encoded as JSON`, { cause: e });
  }
  if (text === undefined) throw new CNIError(ErrorCode.DecodingFailure, `${what} cannot be encoded as JSON`);
  return JSON.parse(text);
}
