// Bytes of one cache file → a read outcome. Pure and total: any byte string yields a state, never a throw.
//
// Where we differ from Go libcni's getCachedResult, on purpose (Go would hand DEL an empty prevResult for these):
// - a `kind` other than "cniCacheV1" is corrupt, not a legacy result;
// - a cniCacheV1 record whose fields have the wrong JSON types is corrupt (Go falls back to the legacy reader);
// - JSON that is not an object (an array, a string, `null`) is corrupt;
// - 0 bytes or only whitespace is `empty` rather than a JSON error (the intent of upstream PR #1150).
// Like Go: a file without `kind` is a legacy bare result, so `{}` reads as an empty 0.1.0 result (ok, legacy);
// a cniCacheV1 record without `result` (or with `"result": null`) is our intent record; field names match
// ASCII-case-insensitively, the last matching key winning, as encoding/json does.
// Reasons never copy file content whole: a quoted value is clipped (quoteValue/clipValue), so a hostile 16 MiB file
// cannot turn into a 16 MiB log line, quarantine note or doctor report.
import { clipValue, quoteValue } from '../spec/go-quote.ts';
import { parseResult } from '../spec/index.ts';
import { checkBytesDigest, DIGEST_KEY, entryDigest, isBytesDigest } from './digest.ts';
import type { CacheEntry, CacheRead } from './types.ts';

/** Files larger than this are reported corrupt without being parsed (a cache entry is a few KiB). */
export const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const NO_BYTES = new Uint8Array(0);
const NOT_BASE64_CHAR = /[^A-Za-z0-9+/]/;
const HAS_CAPITAL = /[A-Z]/;
const CAPITALS = /[A-Z]/g;
const asciiLower = (c: string): string => c.toLowerCase();

/** Top-level members by ASCII-lower-cased name. */
interface Fields {
  get(lowerName: string): unknown;
}

// What we and Go write, by folded name: a file with only these keys needs no folding.
const CANONICAL = new Map(
  [
    'kind',
    'containerId',
    'config',
    'ifName',
    'networkName',
    'netns',
    'cniArgs',
    'capabilityArgs',
    'result',
    'cnikitDigest',
  ].map((k) => [k.toLowerCase(), k] as const),
);
const CANONICAL_KEYS = new Set(CANONICAL.values());

/** A field that Go would not decode into cachedInfo; caught inside decodeEntry and reported as corrupt. */
class BadField extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}

/** An error's message, clipped: parsers' messages may quote the input they refused. */
function messageOf(e: unknown): string {
  return clipValue(e instanceof Error ? e.message : String(e));
}

/** A JSON value for a reason: a string quoted and clipped, a scalar as is, a container by its type only. */
function describeValue(v: unknown): string {
  if (typeof v === 'string') return quoteValue(v);
  if (typeof v === 'number' || typeof v === 'boolean') return clipValue(String(v));
  return Array.isArray(v) ? 'an array' : 'an object';
}

/** Top-level keys folded to ASCII lower case; a later key replaces an earlier one, as in Go's decoder. */
function foldFields(obj: Record<string, unknown>): Fields {
  const keys = Object.keys(obj);
  if (keys.every((k) => CANONICAL_KEYS.has(k))) {
    // The usual file: read members in place instead of building a map (a listing decodes 100,000 of these).
    return {
      get: (lower) => {
        const k = CANONICAL.get(lower);
        return k !== undefined && Object.hasOwn(obj, k) ? obj[k] : undefined;
      },
    };
  }
  const m = new Map<string, unknown>();
  for (const k of keys) m.set(HAS_CAPITAL.test(k) ? k.replace(CAPITALS, asciiLower) : k, obj[k]);
  return m;
}

function stringField(f: Fields, name: string): string {
  const v = f.get(name.toLowerCase());
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new BadField(`field ${name} is not a string`);
  return v;
}

/**
 * Go's StdEncoding shape: whole 4-character groups, the standard alphabet, at most two '=' at the very end. Checked
 * without a repeating regex group, whose backtracking overflows V8's stack on a config of a few MiB.
 */
function isStdBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return !NOT_BASE64_CHAR.test(text.slice(0, text.length - pad));
}

function configField(f: Fields): Uint8Array {
  const v = f.get('config');
  if (v === undefined || v === null) return NO_BYTES;
  if (typeof v !== 'string') throw new BadField('field config is not a base64 string');
  // Go's StdEncoding: padding required, only the standard alphabet; it skips CR and LF.
  const text = v.includes('\n') || v.includes('\r') ? v.replace(/[\r\n]/g, '') : v;
  if (!isStdBase64(text)) throw new BadField('field config is not valid base64');
  // Its own memory: a slice of Node's shared pool would keep the whole 8 KiB slab alive as long as the entry.
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'base64'));
  const n = out.write(text, 'base64');
  return new Uint8Array(out.buffer, out.byteOffset, n);
}

function cniArgsField(f: Fields): (readonly [string, string])[] {
  const v = f.get('cniargs');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new BadField('field cniArgs is not an array');
  return (v as unknown[]).map((p) => {
    // Go decodes into [2]string: null is ["",""], extra elements are dropped, missing ones stay "".
    if (p === null) return ['', ''] as const;
    if (!Array.isArray(p)) throw new BadField('field cniArgs holds a pair that is not an array');
    const [k = '', val = ''] = (p as unknown[]).slice(0, 2).map((x) => (x === null ? '' : x));
    if (typeof k !== 'string' || typeof val !== 'string') throw new BadField('field cniArgs holds a non-string');
    return [k, val] as const;
  });
}

function capabilityArgsField(f: Fields): Record<string, unknown> {
  const v = f.get('capabilityargs');
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw new BadField('field capabilityArgs is not an object');
  return v;
}

function cacheV1Entry(f: Fields): CacheEntry {
  const base: CacheEntry = {
    kind: 'cniCacheV1',
    containerId: stringField(f, 'containerId'),
    config: configField(f),
    ifName: stringField(f, 'ifName'),
    networkName: stringField(f, 'networkName'),
    cniArgs: cniArgsField(f),
    capabilityArgs: capabilityArgsField(f),
  };
  const netns = stringField(f, 'netns');
  const withNetns: CacheEntry = netns === '' ? base : { ...base, netns };
  const raw = f.get('result');
  if (raw === undefined || raw === null) return withNetns;
  if (!isRecord(raw)) throw new BadField('field result is not an object');
  return { ...withNetns, result: raw };
}

/** Decodes one cache file's bytes (`path` and `mtimeMs` are only carried into the outcome); never throws. */
export function decodeEntry(bytes: Uint8Array, path: string, mtimeMs = 0): CacheRead {
  try {
    const read = decode(bytes, path, mtimeMs);
    if (read.state !== 'unparsed') return read;
    const { entry } = read;
    try {
      return { state: 'ok', path, entry, result: parseResult(entry.result), legacy: false, mtimeMs };
    } catch (e) {
      return { state: 'corrupt', path, reason: `unparsable result: ${messageOf(e)}`, mtimeMs };
    }
  } catch (e) {
    // Only a pathological input gets here (nesting deep enough to exhaust the stack while hashing or parsing).
    return { state: 'corrupt', path, reason: `undecodable: ${messageOf(e)}`, mtimeMs };
  }
}

/** A cniCacheV1 record whose fields and digest are checked but whose result (an object) is not parsed yet. */
interface UnparsedRead {
  readonly state: 'unparsed';
  readonly entry: CacheEntry;
}

/**
 * The attachment a cache file records, for listings that need no result: a cniCacheV1 record (`complete` when it
 * has a result) whose fields and digest check, its result only known to be an object, as Go's GetCachedAttachments
 * sees it. Undefined for anything else (bad, empty, legacy), which decodeEntry describes. Never throws.
 */
export function decodeRecord(
  bytes: Uint8Array,
  path: string,
): { readonly entry: CacheEntry; readonly complete: boolean } | undefined {
  try {
    const read = decode(bytes, path, 0);
    if (read.state === 'unparsed') return { entry: read.entry, complete: true };
    return read.state === 'intent' ? { entry: read.entry, complete: false } : undefined;
  } catch {
    return undefined;
  }
}

function decode(bytes: Uint8Array, path: string, mtimeMs: number): CacheRead | UnparsedRead {
  const corrupt = (reason: string): CacheRead => ({ state: 'corrupt', path, reason, mtimeMs });
  if (bytes.byteLength > MAX_ENTRY_BYTES) return corrupt(`too large (${bytes.byteLength} bytes)`);
  // Raw NUL can never appear in JSON; a run of them is what a torn write on some file systems leaves.
  if (bytes.includes(0)) return corrupt('contains NUL bytes (a torn write)');
  if (isBlank(bytes)) return { state: 'empty', path, mtimeMs };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return corrupt('not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return corrupt(`bad JSON: ${messageOf(e)}`);
  }
  if (!isRecord(value)) return corrupt('bad JSON: not an object');
  const fields = foldFields(value);
  const kind = fields.get('kind');

  // Go decodes `"kind": null` as "", which is the legacy path too.
  if (kind === undefined || kind === null) {
    // A pre-cniCacheV1 file: the whole object is the result (libcni's getLegacyCachedResult).
    try {
      const result = parseResult(value);
      const entry: CacheEntry = {
        kind: 'cniCacheV1',
        containerId: '',
        config: NO_BYTES,
        ifName: '',
        networkName: '',
        cniArgs: [],
        capabilityArgs: {},
        result: value,
      };
      return { state: 'ok', path, entry, result, legacy: true, mtimeMs };
    } catch (e) {
      return corrupt(`unparsable result: ${messageOf(e)}`);
    }
  }
  if (kind !== 'cniCacheV1') return corrupt(`wrong kind: ${describeValue(kind)}`);

  let entry: CacheEntry;
  try {
    entry = cacheV1Entry(fields);
  } catch (e) {
    return corrupt(messageOf(e));
  }
  const stored = Object.hasOwn(value, DIGEST_KEY) ? value[DIGEST_KEY] : undefined;
  if (stored !== undefined) {
    if (typeof stored !== 'string') return corrupt(`field ${DIGEST_KEY} is not a string`);
    if (isBytesDigest(stored)) {
      const check = checkBytesDigest(bytes, stored);
      if (!check.ok && check.reason === 'misplaced') {
        return corrupt(`field ${DIGEST_KEY} is not the last member of the file, where cnikit writes it (rewritten)`);
      }
      if (!check.ok) return corrupt(`digest mismatch (stored ${quoteValue(stored)}, computed ${check.computed})`);
    } else {
      const computed = entryDigest(entry);
      if (stored !== computed) {
        const shown = /^sha256:[0-9a-f]{64}$/.test(stored) ? stored : quoteValue(stored);
        return corrupt(`digest mismatch (stored ${shown}, computed ${computed})`);
      }
    }
  }
  return entry.result === undefined ? { state: 'intent', path, entry, mtimeMs } : { state: 'unparsed', entry };
}
