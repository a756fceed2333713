// Go's %q quoting (strconv.Quote), so messages that quote a value read exactly as upstream's do.

const MAX_QUOTED = 256;
// Go's unicode.IsPrint is false for control, format, private-use, unassigned and surrogate code points and
// for every space except U+0020.
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function escapeCodePoint(cp: number): string {
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Quotes `s` as Go's strconv.Quote / `%q` does (printable Unicode kept, the rest escaped). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const short = Object.hasOwn(SHORT_ESCAPES, ch) ? SHORT_ESCAPES[ch] : undefined;
    if (short !== undefined) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeCodePoint(cp);
    else out += ch;
  }
  return `${out}"`;
}

/** Like goQuote, but cuts values longer than 256 characters so a hostile input cannot bloat an error message. */
export function quoteValue(s: string): string {
  if (s.length <= MAX_QUOTED) return goQuote(s);
  return `${goQuote(s.slice(0, MAX_QUOTED))}... (${s.length} chars)`;
}

/** Cuts a value longer than 256 characters for an unquoted mention in a message (as Go's `%s` would print it). */
export function clipValue(s: string): string {
  return s.length <= MAX_QUOTED ? s : `${s.slice(0, MAX_QUOTED)}... (${s.length} chars)`;
}
