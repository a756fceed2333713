// Decoding outside bytes into a plain JSON object, with error texts close to Go's encoding/json.

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

/** Parses text as JSON; never throws (deep nesting, bad syntax and empty input all become a reason). */
export function parseJson(text: string): { readonly ok: true; readonly value: unknown } | JsonObjectFailure {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Go says "unexpected end of JSON input"; keep that spelling for the one message both share.
    return { ok: false, reason: message === 'Unexpected end of JSON input' ? 'unexpected end of JSON input' : message };
  }
}
type JsonObjectFailure = { readonly ok: false; readonly reason: string };

/** Reads bytes as one JSON object; another JSON type is a failure naming the type found. */
export function readJsonObject(input: Uint8Array | string): JsonObjectRead {
  const parsed = parseJson(decodeText(input));
  if (!parsed.ok) return parsed;
  if (!isRawObject(parsed.value)) {
    return { ok: false, reason: `expected a JSON object, got ${goTypeName(parsed.value)}` };
  }
  return { ok: true, value: parsed.value };
}
