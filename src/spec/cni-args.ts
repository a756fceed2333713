// CNI_ARGS ("K=V;K2=V2"): cnitool's strict parsing, the runtime's formatting, and pkg/types LoadArgs' rules for
// plugins that read known keys.
import { CNIError, ErrorCode } from './errors.ts';
import { clipValue, quoteValue } from './go-quote.ts';

/** One CNI_ARGS entry. */
export type CniArgPair = readonly [key: string, value: string];

/** Parses CNI_ARGS as cnitool does: '' is no pairs; every pair is exactly `K=V` with both sides non-empty (code 4). */
export function parseCniArgs(s: string): [string, string][] {
  if (s === '') return [];
  return s.split(';').map((pair): [string, string] => {
    const kv = pair.split('=');
    const [key, value] = kv;
    if (kv.length !== 2 || key === undefined || value === undefined || key === '' || value === '') {
      throw new CNIError(ErrorCode.InvalidEnvironment, `invalid CNI_ARGS pair ${quoteValue(pair)}`);
    }
    return [key, value];
  });
}

/**
 * Joins pairs as libcni does (`K=V` joined by ';', no escaping). Throws code 4 for a pair that could not be read
 * back as itself (empty key, '=' in the key, ';' anywhere) or that no environment can hold (NUL).
 */
export function formatCniArgs(pairs: readonly CniArgPair[]): string {
  return pairs
    .map(([key, value]) => {
      if (
        key === '' ||
        key.includes('=') ||
        key.includes(';') ||
        value.includes(';') ||
        `${key}${value}`.includes('\0')
      ) {
        throw new CNIError(ErrorCode.InvalidEnvironment, `invalid CNI_ARGS pair ${quoteValue(`${key}=${value}`)}`);
      }
      return `${key}=${value}`;
    })
    .join(';');
}

// Past this many characters an unknown-args list stops naming entries (100,000 pairs must not make a 1 MB message).
const MAX_LIST_CHARS = 8192;

// Go's %q of a []string (`["a" "b"]`), each entry cut as quoteValue does and the list cut after MAX_LIST_CHARS.
function quoteList(items: readonly string[]): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    if (out.length > MAX_LIST_CHARS) return `[${out} ... (${items.length - i} more)]`;
    out += `${i === 0 ? '' : ' '}${quoteValue(items[i] ?? '')}`;
  }
  return `[${out}]`;
}

function parseBool(pair: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new CNIError(
    ErrorCode.InvalidEnvironment,
    `ARGS: error parsing value of pair ${quoteValue(pair)}: boolean unmarshal error: invalid input ${clipValue(v)}`,
  );
}

/**
 * Reads CNI_ARGS as a plugin using pkg/types LoadArgs does: each pair must split into exactly two parts on '='
 * (empty sides allowed); keys in `known` are kept (the last value wins); `IgnoreUnknown` (1/true/0/false, any case)
 * is always understood; any other key fails with `ARGS: unknown args [...]` unless IgnoreUnknown is true. Code 4.
 */
export function parseKnownArgs(s: string, known: readonly string[]): ReadonlyMap<string, string> {
  const values = new Map<string, string>();
  if (s === '') return values;
  const unknown: string[] = [];
  let ignoreUnknown = false;
  for (const pair of s.split(';')) {
    const kv = pair.split('=');
    const [key, value] = kv;
    if (kv.length !== 2 || key === undefined || value === undefined) {
      throw new CNIError(ErrorCode.InvalidEnvironment, `ARGS: invalid pair ${quoteValue(pair)}`);
    }
    if (key === 'IgnoreUnknown') {
      ignoreUnknown = parseBool(pair, value);
      if (known.includes(key)) values.set(key, value);
    } else if (known.includes(key)) {
      values.set(key, value);
    } else {
      unknown.push(pair);
    }
  }
  if (unknown.length > 0 && !ignoreUnknown) {
    throw new CNIError(ErrorCode.InvalidEnvironment, `ARGS: unknown args ${quoteList(unknown)}`);
  }
  return values;
}
