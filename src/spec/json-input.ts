// Turns whatever a caller holds (bytes, text, or an already-parsed value) into a JSON value, failing with
// code 6 and a Go-like reason so messages match what operators see from Go runtimes.
import { CNIError, ErrorCode } from './errors.ts';

const decoder = new TextDecoder('utf-8');

function reasonOf(text: string, err: unknown): string {
  // Go's encoding/json says exactly this for empty input; V8's wording for it differs only in case.
  if (text.trim() === '') return 'unexpected end of JSON input';
  const message = err instanceof Error ? err.message : String(err);
  return message.charAt(0).toLowerCase() + message.slice(1);
}

/** Parses bytes or text as JSON (other values are returned as they are); bad JSON throws code 6 `<prefix>: <reason>`. */
export function decodeJsonInput(input: unknown, prefix: string): unknown {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof Uint8Array) text = decoder.decode(input);
  else return input;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CNIError(ErrorCode.DecodingFailure, `${prefix}: ${reasonOf(text, err)}`, { cause: err });
  }
}

/** A JSON object seen as a record whose properties are read only when they are the object's own. */
export type UnknownRecord = { readonly [key: string]: unknown };

/** True for a non-null, non-array object. */
export function isRecord(v: unknown): v is UnknownRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads an own property only, so `constructor`, `__proto__` or anything inherited never leaks in. */
export function ownField(obj: UnknownRecord, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}
