// Decoding outside bytes into a plain JSON object, with error texts close to Go's encoding/json.
import { ErrorCode } from '../spec/errors.ts';
import { ConfigParseError, causeText } from './errors.ts';

/** A JSON object as parsed from outside bytes, before any field is trusted. */
export type RawObject = { readonly [key: string]: unknown };

/** Outcome of reading bytes as one JSON object. */
export type JsonObjectRead =
  | { readonly ok: true; readonly value: RawObject }
  | { readonly ok: false; readonly reason: string };

/** Decodes UTF-8 bytes (invalid sequences become U+FFFD, as Go's decoder does) or passes a string through. */
export function decodeText(input: Uint8Array | string): string {
  return typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString();
}

/** Encodes a string as UTF-8 bytes. */
export function encodeText(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** True for a non-null, non-array object. */
export function isRawObject(v: unknown): v is RawObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's `%T` of a decoded JSON value, so messages read as upstream's (`invalid name type float64`). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'object':
      return 'map[string]interface {}';
    default:
      return typeof v;
  }
}

/**
 * Deepest nesting of arrays and objects a config may have. JSON.parse takes any depth, but JSON.stringify (which
 * lifting, injecting and building a plugin's stdin all need) recurses and overflows the stack near 4,000 levels;
 * no real config comes anywhere near 512.
 */
export const MAX_JSON_DEPTH = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * True when `text` opens more than `max` arrays/objects at once, counting brackets outside strings. A loop, not
 * recursion, so any depth is measured safely; it looks at syntax only as far as strings and brackets go.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/**
 * Parses text as JSON; never throws (nesting deeper than MAX_JSON_DEPTH, bad syntax and empty input all become a
 * reason).
 */
export function parseJson(
  text: string,
  maxDepth: number = MAX_JSON_DEPTH,
): { readonly ok: true; readonly value: unknown } | JsonObjectFailure {
  // Checked first: a value too deep to re-encode must never get past the parser.
  if (nestsDeeperThan(text, maxDepth)) {
    return { ok: false, reason: `JSON nesting too deep (more than ${maxDepth} levels of arrays and objects)` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Go says "unexpected end of JSON input"; keep that spelling for the one message both share.
    return { ok: false, reason: message === 'Unexpected end of JSON input' ? 'unexpected end of JSON input' : message };
  }
}
type JsonObjectFailure = { readonly ok: false; readonly reason: string };

/**
 * Reads bytes as one JSON object; another JSON type, or nesting deeper than `maxDepth` (default MAX_JSON_DEPTH), is
 * a failure saying so.
 */
export function readJsonObject(input: Uint8Array | string, maxDepth: number = MAX_JSON_DEPTH): JsonObjectRead {
  const parsed = parseJson(decodeText(input), maxDepth);
  if (!parsed.ok) return parsed;
  if (!isRawObject(parsed.value)) {
    return { ok: false, reason: `expected a JSON object, got ${goTypeName(parsed.value)}` };
  }
  return { ok: true, value: parsed.value };
}

/**
 * JSON.stringify as UTF-8 bytes, failing with ConfigParseError (code 7) instead of a RangeError or TypeError when a
 * value handed in by the caller (a capability arg, a prevResult) is too deep, too big, cyclic or holds a BigInt.
 */
export function encodeJson(value: unknown, what: string): Uint8Array {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new ConfigParseError(ErrorCode.InvalidNetworkConfig, `${what}: cannot encode as JSON: ${causeText(e)}`, {
      cause: e,
    });
  }
  return encodeText(text);
}
