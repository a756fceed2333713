// Generators of hostile input for the parser fuzz: arbitrary bytes, arbitrary JSON, and structure-aware mutations
// of valid documents (wrong types, huge numbers, deep nesting, 1 MB strings, NUL, invalid UTF-8, duplicate keys,
// prototype keys). JSON is built as text, not through JSON.stringify, so it can hold what a JS value cannot:
// duplicate keys, 1e400, 10,000 levels of nesting, raw invalid UTF-8.
import fc from 'fast-check';

/** A JSON document as a tree whose leaves are raw JSON text (any token, valid or not). */
export type Tree =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'arr'; readonly items: readonly Tree[] }
  | { readonly kind: 'obj'; readonly entries: readonly (readonly [string, Tree])[] };

/** Where rendered text holds this marker, the bytes of BAD_UTF8_BYTES go instead (JSON text cannot hold them). */
export const BAD_UTF8_MARK = '\u0001BAD-UTF8\u0001';
const BAD_UTF8_BYTES = [0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xc0, 0xaf];

/** Nesting deeper than V8's JSON.stringify can recurse (~4,000 levels here); JSON.parse takes it. */
export const DEEP = 10_000;
/** One mebibyte. */
export const MIB = 1 << 20;

const deepArray = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const deepObject = `${'{"a":'.repeat(DEEP)}0${'}'.repeat(DEEP)}`;
const longString = `"${'a'.repeat(MIB)}"`;
const longEscapes = `"${'\\u0000'.repeat(MIB / 6)}"`;
const wideArray = `[${'0,'.repeat(100_000)}0]`;
const manyKeys = `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
const manyDupKeys = `{${'"cniVersion":"1.0.0",'.repeat(20_000)}"cniVersion":"0.4.0"}`;

/** Big fragments: each is cheap to parse once but hostile in size or depth. */
export const BIG_FRAGMENTS: readonly string[] = [
  deepArray,
  deepObject,
  longString,
  longEscapes,
  wideArray,
  manyKeys,
  manyDupKeys,
];

/** Small hostile JSON fragments: odd numbers, odd strings, prototype keys, wrong types. */
export const SMALL_FRAGMENTS: readonly string[] = [
  'null',
  'true',
  'false',
  '0',
  '-0',
  '-0.0',
  '1e308',
  '-1e308',
  '1e400',
  '-1e400',
  '5e-324',
  '1E2',
  '0.1',
  '-1',
  '4294967296',
  '9007199254740993',
  '123456789012345678901234567890',
  '""',
  '"NaN"',
  '"Infinity"',
  '"-0"',
  '"1e308"',
  '"\\u0000"',
  '"a\\u0000b"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"../../etc/passwd"',
  '"a/b"',
  '"/"',
  '"."',
  '".."',
  '"__proto__"',
  '"constructor"',
  '"n\u0435t"', // Cyrillic е
  '"\\uff0fetc"', // fullwidth solidus
  '"a\\u2215b"', // division slash
  '"\\u202eexe.txt"',
  '"0.4.0"',
  '"1.1.0"',
  '"1.0.0"',
  '"0.2.0"',
  '"9.9.9"',
  '"1.0"',
  '"01.0.0"',
  '"1.0.0 "',
  '"+1.0.0"',
  '"-1.0.0"',
  '"1.0.0.0"',
  '"99999999999999999999.0.0"',
  '"10.0.0.1/24"',
  '"::1/128"',
  '"10.0.0.256/24"',
  '"1.2.3.4/33"',
  '"true"',
  '"FALSE"',
  '"host-local"',
  `"${BAD_UTF8_MARK}"`,
  `"x${BAD_UTF8_MARK}y"`,
  '[]',
  '{}',
  '[[]]',
  '[null]',
  '[{}]',
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":null}',
  '{"a":1,"a":2}',
];

/** Keys mutations add: prototype keys, known field names in odd case, names of every parser's fields. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'cniVersion',
  'CNIVERSION',
  'Kind',
  'kind',
  'name',
  'type',
  'plugins',
  'result',
  'config',
  'ips',
  'interfaces',
  'routes',
  'dns',
  'code',
  'msg',
  'details',
  'supportedVersions',
  'capabilities',
  'runtimeConfig',
  'prevResult',
  'cniArgs',
  'capabilityArgs',
  'cnikitDigest',
  '',
  '\u0000',
];

/** Turns a JSON-safe value into a tree. */
export function toTree(v: unknown): Tree {
  if (Array.isArray(v)) return { kind: 'arr', items: v.map(toTree) };
  if (typeof v === 'object' && v !== null) {
    return { kind: 'obj', entries: Object.entries(v).map(([k, x]) => [k, toTree(x)] as const) };
  }
  return { kind: 'raw', text: JSON.stringify(v) ?? 'null' };
}

/** The tree's JSON text (keys quoted by JSON.stringify, leaves as they are). */
export function render(t: Tree): string {
  switch (t.kind) {
    case 'raw':
      return t.text;
    case 'arr':
      return `[${t.items.map(render).join(',')}]`;
    case 'obj':
      return `{${t.entries.map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`).join(',')}}`;
  }
}

/** One structural edit at a path picked by `sel` (each number picks a child, modulo the count). */
export interface Mutation {
  readonly sel: readonly number[];
  readonly op: 'replace' | 'delete' | 'duplicate' | 'wrap' | 'add-key';
  readonly fragment: string;
  readonly key: string;
}

function edit(t: Tree, sel: readonly number[], m: Mutation): Tree {
  const [first, ...rest] = sel;
  const fragment: Tree = { kind: 'raw', text: m.fragment };
  if (t.kind === 'obj' && first !== undefined && t.entries.length > 0) {
    const i = first % t.entries.length;
    const entry = t.entries[i];
    if (entry === undefined) return t;
    const [k, v] = entry;
    if (rest.length > 0 && v.kind !== 'raw') {
      const entries = [...t.entries];
      entries[i] = [k, edit(v, rest, m)];
      return { kind: 'obj', entries };
    }
    const entries = [...t.entries];
    switch (m.op) {
      case 'replace':
        entries[i] = [k, fragment];
        break;
      case 'delete':
        entries.splice(i, 1);
        break;
      case 'duplicate':
        // The same key again, later: JSON.parse and Go keep the last one.
        entries.push([k, fragment]);
        break;
      case 'wrap':
        entries[i] = [k, { kind: 'arr', items: [v] }];
        break;
      case 'add-key':
        entries.splice(i, 0, [m.key, fragment]);
        break;
    }
    return { kind: 'obj', entries };
  }
  if (t.kind === 'arr' && first !== undefined && t.items.length > 0) {
    const i = first % t.items.length;
    const item = t.items[i];
    if (item === undefined) return t;
    const items = [...t.items];
    if (rest.length > 0 && item.kind !== 'raw') {
      items[i] = edit(item, rest, m);
      return { kind: 'arr', items };
    }
    if (m.op === 'delete') items.splice(i, 1);
    else if (m.op === 'wrap') items[i] = { kind: 'arr', items: [item] };
    else if (m.op === 'duplicate') items.push(fragment);
    else items[i] = fragment;
    return { kind: 'arr', items };
  }
  if (t.kind === 'obj' && m.op === 'add-key') return { kind: 'obj', entries: [...t.entries, [m.key, fragment]] };
  return m.op === 'wrap' ? { kind: 'arr', items: [t] } : fragment;
}

/** Applies a mutation to a tree. */
export function mutate(t: Tree, m: Mutation): Tree {
  return edit(t, m.sel, m);
}

/** A byte-level edit of the rendered text: truncation, or hostile bytes spliced in. */
export interface ByteEdit {
  readonly op: 'none' | 'truncate' | 'insert' | 'flip';
  /** Where, as a fraction of the length. */
  readonly at: number;
  readonly bytes: readonly number[];
}

/** Encodes JSON text as UTF-8, putting invalid UTF-8 where the marker is, then applies the byte edit. */
export function toBytes(text: string, b: ByteEdit = { op: 'none', at: 0, bytes: [] }): Uint8Array {
  const parts = text.split(BAD_UTF8_MARK);
  const bufs: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) bufs.push(Buffer.from(BAD_UTF8_BYTES));
    bufs.push(Buffer.from(p, 'utf8'));
  });
  const buf = Buffer.concat(bufs);
  const at = Math.min(buf.length, Math.floor(b.at * buf.length));
  switch (b.op) {
    case 'none':
      return buf;
    case 'truncate':
      return buf.subarray(0, at);
    case 'insert':
      return Buffer.concat([buf.subarray(0, at), Buffer.from(b.bytes), buf.subarray(at)]);
    case 'flip': {
      const out = Buffer.from(buf);
      if (at < out.length) out[at] = (out[at] ?? 0) ^ (b.bytes[0] ?? 0xff);
      return out;
    }
  }
}

/** A JSON fragment: mostly small hostile ones, now and then a big one. */
export const fragment: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SMALL_FRAGMENTS), weight: 20 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map((s) => JSON.stringify(s)), weight: 4 },
  { arbitrary: fc.double().map((d) => (Number.isFinite(d) ? String(d) : '1e999')), weight: 2 },
  { arbitrary: fc.constantFrom(...BIG_FRAGMENTS), weight: 1 },
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  sel: fc.array(fc.nat(40), { minLength: 0, maxLength: 5 }),
  op: fc.constantFrom('replace', 'replace', 'delete', 'duplicate', 'wrap', 'add-key'),
  fragment,
  key: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 })),
});

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  { arbitrary: fc.constant<ByteEdit>({ op: 'none', at: 0, bytes: [] }), weight: 12 },
  {
    arbitrary: fc.record({
      op: fc.constantFrom('truncate', 'insert', 'flip'),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      bytes: fc.oneof(
        fc.constantFrom([0], [0, 0, 0, 0], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0x22], [0x5c]),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }),
      ),
    }),
    weight: 3,
  },
);

/** Arbitrary JSON text with duplicate keys, prototype keys and hostile leaves (small depth). */
export const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fragment,
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 6 })), tie('value')), {
        maxLength: 5,
      })
      .map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** The valid document with 1-4 structural mutations and maybe one byte edit, as bytes. */
export function mutatedBytes(seeds: readonly unknown[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), byteEdit)
    .map(([seed, ms, b]) => toBytes(render(ms.reduce(mutate, toTree(seed))), b));
}

/**
 * What a parser of outside bytes is fed: arbitrary bytes, arbitrary JSON, the valid seeds themselves (so the
 * happy path is counted too) and, mostly, structure-aware mutations of them.
 */
export function hostileBytes(seeds: readonly unknown[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 3 },
    { arbitrary: fc.tuple(jsonText, byteEdit).map(([t, b]) => toBytes(t, b)), weight: 4 },
    { arbitrary: fc.constantFrom(...seeds).map((s) => toBytes(JSON.stringify(s))), weight: 1 },
    { arbitrary: mutatedBytes(seeds), weight: 12 },
  );
}

/** The same, as text (for parsers that take a string: invalid UTF-8 arrives already replaced by U+FFFD). */
export function hostileText(seeds: readonly unknown[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: hostileBytes(seeds).map((b) => Buffer.from(b).toString('utf8')), weight: 6 },
    // Lone surrogates and other strings no byte sequence decodes to.
    { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 1 },
  );
}
