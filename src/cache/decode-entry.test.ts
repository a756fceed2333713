import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeEntry } from './decode-entry.ts';
import { entryDigest } from './digest.ts';
import { encodeEntry } from './encode-entry.ts';
import type { CacheEntry, CacheRead } from './types.ts';

const P = '/c/results/net-a-abc-123-eth0';
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (s: string | Uint8Array): CacheRead => decodeEntry(typeof s === 'string' ? bytes(s) : s, P, 7);
const reasonOf = (r: CacheRead): string => (r.state === 'corrupt' ? r.reason : `not corrupt: ${r.state}`);

// Written by hand the way Go libcni 1.1.2's cacheAdd marshals cachedInfo: struct fields in declaration order,
// map keys sorted, []byte as padded base64, no trailing newline. (Checked once against the real Go output.)
const CONFIG = '{"cniVersion":"1.0.0","name":"net-a","plugins":[{"type":"fakeplug"}]}';
const GO_FILE =
  '{"kind":"cniCacheV1","containerId":"abc-123",' +
  '"config":"eyJjbmlWZXJzaW9uIjoiMS4wLjAiLCJuYW1lIjoibmV0LWEiLCJwbHVnaW5zIjpbeyJ0eXBlIjoiZmFrZXBsdWcifV19",' +
  '"ifName":"eth0","networkName":"net-a","cniArgs":[["K","V"],["IgnoreUnknown","1"]],' +
  '"capabilityArgs":{"bandwidth":{"ingressRate":1},"portMappings":[{"containerPort":80,"hostPort":8080,"protocol":"tcp"}]},' +
  '"result":{"cniVersion":"1.0.0","dns":{"nameservers":["1.1.1.1"]},"interfaces":[{"name":"eth0","sandbox":"/var/run/netns/x"}],' +
  '"ips":[{"address":"10.1.2.3/24","gateway":"10.1.2.1","interface":0}]}}';
// Upstream after 1.1.2 adds `netns` (omitempty) right after networkName.
const GO_FILE_NETNS = GO_FILE.replace('"networkName":"net-a"', '"networkName":"net-a","netns":"/var/run/netns/x"');
// A pre-cniCacheV1 file: the bare 0.3.1 result as Go's Result struct marshals it.
const GO_LEGACY =
  '{"cniVersion":"0.3.1","interfaces":[{"name":"eth0","mac":"0a:58:0a:01:02:03","sandbox":"/var/run/netns/x"}],' +
  '"ips":[{"version":"4","interface":0,"address":"10.1.2.3/24","gateway":"10.1.2.1"}],"dns":{}}';

function entryOf(r: CacheRead): CacheEntry {
  assert.ok(r.state === 'ok' || r.state === 'intent', `expected ok or intent, got ${r.state} ${reasonOf(r)}`);
  return r.entry;
}

describe('decodeEntry: Go libcni files', () => {
  it('reads a cniCacheV1 file exactly as Go 1.1.2 writes it', () => {
    const r = decode(GO_FILE);
    assert.equal(r.state, 'ok');
    if (r.state !== 'ok') return;
    assert.equal(r.legacy, false);
    assert.equal(r.mtimeMs, 7);
    assert.equal(Buffer.from(r.entry.config).toString(), CONFIG);
    assert.deepEqual(
      { ...r.entry, config: undefined },
      {
        kind: 'cniCacheV1',
        containerId: 'abc-123',
        config: undefined,
        ifName: 'eth0',
        networkName: 'net-a',
        cniArgs: [
          ['K', 'V'],
          ['IgnoreUnknown', '1'],
        ],
        capabilityArgs: {
          bandwidth: { ingressRate: 1 },
          portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp' }],
        },
        result: JSON.parse(GO_FILE).result,
      },
    );
    assert.equal(r.result.cniVersion, '1.0.0');
    assert.deepEqual(r.result.ips, [{ address: '10.1.2.3/24', gateway: '10.1.2.1', interface: 0 }]);
  });

  it('reads netns from newer upstream files, and Go HTML escapes in strings', () => {
    assert.equal(entryOf(decode(GO_FILE_NETNS)).netns, '/var/run/netns/x');
    const escaped = GO_FILE.replace('"protocol":"tcp"', '"protocol":"\\u003ctcp\\u0026\\u003e"');
    const caps = entryOf(decode(escaped)).capabilityArgs as { portMappings: { protocol: string }[] };
    assert.equal(caps.portMappings[0]?.protocol, '<tcp&>');
  });

  it('reads a Go record without result (nil result) as an intent record, and null fields as empty', () => {
    const noResult = GO_FILE.slice(0, GO_FILE.indexOf(',"result"'));
    assert.equal(decode(`${noResult}}`).state, 'intent');
    assert.equal(decode(`${noResult},"result":null}`).state, 'intent');
    const e = entryOf(decode('{"kind":"cniCacheV1","containerId":"c","config":null,"ifName":"e","networkName":"n"}'));
    assert.equal(e.config.byteLength, 0);
    assert.deepEqual(e.cniArgs, []);
    assert.deepEqual(e.capabilityArgs, {});
    assert.equal(e.netns, undefined);
  });

  it('decodes cniArgs pairs as Go decodes [2]string', () => {
    const e = entryOf(decode('{"kind":"cniCacheV1","cniArgs":[["a","b","c"],["x"],null,[null,"v"]]}'));
    assert.deepEqual(e.cniArgs, [
      ['a', 'b'],
      ['x', ''],
      ['', ''],
      ['', 'v'],
    ]);
  });

  it('matches field names case-insensitively, last key winning, as encoding/json does', () => {
    const e = entryOf(decode('{"Kind":"cniCacheV1","CONTAINERID":"a","containerId":"b","IfName":"eth1"}'));
    assert.equal(e.containerId, 'b');
    assert.equal(e.ifName, 'eth1');
  });

  it('reads a legacy bare result as ok with legacy: true', () => {
    const r = decode(GO_LEGACY);
    assert.equal(r.state, 'ok');
    if (r.state !== 'ok') return;
    assert.equal(r.legacy, true);
    assert.equal(r.result.cniVersion, '0.3.1');
    assert.equal(r.entry.config.byteLength, 0);
    assert.deepEqual(r.entry.result, JSON.parse(GO_LEGACY));
  });

  it('treats `"kind": null` as no kind, as Go does', () => {
    const r = decode('{"kind":null,"cniVersion":"0.4.0"}');
    assert.ok(r.state === 'ok' && r.legacy && r.result.cniVersion === '0.4.0');
  });

  it('follows upstream for `{}`: an empty 0.1.0 legacy result, not an error', () => {
    const r = decode('{}');
    assert.equal(r.state, 'ok');
    if (r.state === 'ok') {
      assert.equal(r.legacy, true);
      assert.equal(r.result.cniVersion, '0.1.0');
    }
  });
});

describe('decodeEntry: every outcome', () => {
  it('empty: 0 bytes or only JSON whitespace', () => {
    for (const s of ['', ' ', '\n', ' \t\r\n ']) {
      assert.deepEqual(decode(s), { state: 'empty', path: P, mtimeMs: 7 });
    }
  });

  it('corrupt: NUL bytes (what a torn write leaves), even inside otherwise valid JSON', () => {
    assert.match(reasonOf(decode(new Uint8Array(64))), /NUL/);
    assert.match(reasonOf(decode(`${GO_FILE}\0`)), /NUL/);
  });

  it('corrupt: bad JSON, truncated JSON, invalid UTF-8, and JSON that is not an object', () => {
    assert.match(reasonOf(decode('garbage')), /^bad JSON/);
    assert.match(reasonOf(decode(GO_FILE.slice(0, 100))), /^bad JSON/);
    assert.match(reasonOf(decode(new Uint8Array([0x7b, 0xff, 0x7d]))), /UTF-8/);
    for (const s of ['[]', '"x"', '5', 'null', 'true']) assert.match(reasonOf(decode(s)), /not an object/, s);
  });

  it('corrupt: a kind other than cniCacheV1 (Go would read it as an empty legacy result)', () => {
    assert.match(reasonOf(decode('{"kind":"cniCacheV2","result":{}}')), /wrong kind: "cniCacheV2"/);
    assert.match(reasonOf(decode('{"kind":7}')), /wrong kind: 7/);
    assert.equal(reasonOf(decode('{"kind":{"a":1}}')), 'wrong kind: an object');
    assert.equal(reasonOf(decode('{"kind":["x"]}')), 'wrong kind: an array');
  });

  it('decodes a config of megabytes (no regex backtracking that overflows the stack)', () => {
    const config = new Uint8Array(9 << 20).fill(0x61);
    const text = encodeEntry({
      kind: 'cniCacheV1',
      containerId: 'c',
      config,
      ifName: 'e',
      networkName: 'n',
      cniArgs: [],
      capabilityArgs: {},
    });
    const r = decode(text);
    assert.equal(r.state, 'intent', reasonOf(r));
    assert.equal(entryOf(r).config.byteLength, 9 << 20);
  });

  it('reasons quote hostile content clipped, never whole', () => {
    const big = 'k'.repeat(1 << 20);
    const cases = [
      `{"kind":${JSON.stringify(big)}}`,
      `{"kind":"cniCacheV1","cnikitDigest":${JSON.stringify(big)}}`,
      `{"kind":"cniCacheV1","cnikitDigest":"sha256:${'0'.repeat(64)}\u0000\n"}`,
      `{"kind":"cniCacheV1","result":{"cniVersion":${JSON.stringify(big)}}}`,
      `{"cniVersion":${JSON.stringify(big)}}`,
      `{"kind":"cniCacheV1",${big}}`,
    ];
    for (const text of cases) {
      const reason = reasonOf(decode(text));
      assert.ok(reason.length < 1200, `${reason.length} chars: ${reason.slice(0, 80)}`);
      assert.doesNotMatch(reason, /[\0\n]/);
    }
    assert.match(reasonOf(decode(cases[0] ?? '')), /^wrong kind: "k{256}"\.\.\. \(1048576 chars\)$/);
  });

  it('corrupt: fields of the wrong JSON type, and config that is not Go base64', () => {
    const cases: [string, RegExp][] = [
      ['{"kind":"cniCacheV1","containerId":5}', /containerId is not a string/],
      ['{"kind":"cniCacheV1","ifName":[]}', /ifName is not a string/],
      ['{"kind":"cniCacheV1","netns":{}}', /netns is not a string/],
      ['{"kind":"cniCacheV1","config":"abc"}', /config is not valid base64/],
      ['{"kind":"cniCacheV1","config":"ab!="}', /config is not valid base64/],
      ['{"kind":"cniCacheV1","config":"a==="}', /config is not valid base64/],
      ['{"kind":"cniCacheV1","config":"===="}', /config is not valid base64/],
      ['{"kind":"cniCacheV1","config":"ab=c"}', /config is not valid base64/],
      ['{"kind":"cniCacheV1","config":1}', /config is not a base64 string/],
      ['{"kind":"cniCacheV1","cniArgs":{}}', /cniArgs is not an array/],
      ['{"kind":"cniCacheV1","cniArgs":["a"]}', /cniArgs holds a pair/],
      ['{"kind":"cniCacheV1","cniArgs":[[1,2]]}', /cniArgs holds a non-string/],
      ['{"kind":"cniCacheV1","capabilityArgs":[]}', /capabilityArgs is not an object/],
      ['{"kind":"cniCacheV1","result":[]}', /result is not an object/],
    ];
    for (const [s, re] of cases) assert.match(reasonOf(decode(s)), re, s);
    // Go skips CR/LF inside base64.
    assert.equal(
      Buffer.from(entryOf(decode('{"kind":"cniCacheV1","config":"eyJu\\r\\nYSI6MX0="}')).config).toString(),
      '{"na":1}',
    );
  });

  it('corrupt: a result no result type can decode', () => {
    assert.match(
      reasonOf(decode('{"kind":"cniCacheV1","result":{"cniVersion":"0.4567.0"}}')),
      /^unparsable result: .*0\.4567\.0/,
    );
    assert.match(reasonOf(decode('{"cniVersion":"1.0.0","ips":"nope"}')), /^unparsable result/);
  });
});

describe('decodeEntry: our digest', () => {
  const entry: CacheEntry = {
    kind: 'cniCacheV1',
    containerId: 'abc-123',
    config: bytes(CONFIG),
    ifName: 'eth0',
    networkName: 'net-a',
    netns: '/var/run/netns/x',
    cniArgs: [['K', 'V']],
    capabilityArgs: { portMappings: [{ hostPort: 8080 }] },
    result: { cniVersion: '1.0.0', ips: [{ address: '10.1.2.3/24' }] },
  };

  it('accepts our own file, and reports an altered field as a digest mismatch', () => {
    const text = encodeEntry(entry);
    assert.equal(decode(text).state, 'ok');
    for (const [from, to] of [
      ['10.1.2.3/24', '10.1.2.4/24'],
      ['"K"', '"k"'],
      ['"eth0"', '"eth1"'],
      ['"/var/run/netns/x"', '"/var/run/netns/y"'],
      ['8080', '8081'],
    ] as const) {
      assert.match(
        reasonOf(decode(text.replace(from, to))),
        /^digest mismatch \(stored "sha256-bytes:[0-9a-f]{64}", computed sha256-bytes:[0-9a-f]{64}\)$/,
      );
    }
    assert.match(reasonOf(decode(text.replace(/"sha256-bytes:[0-9a-f]+"/, '12'))), /cnikitDigest is not a string/);
  });

  it('checks the digest on intent records too', () => {
    const { result: _drop, ...intent } = entry;
    const text = encodeEntry(intent);
    assert.equal(decode(text).state, 'intent');
    assert.match(reasonOf(decode(text.replace('abc-123', 'abc-124'))), /^digest mismatch/);
  });

  it('covers bytes: a rewritten file (reordered, reindented, a byte added) does not verify', () => {
    const text = encodeEntry(entry);
    const obj = JSON.parse(text) as Record<string, unknown>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(obj).reverse()));
    assert.match(reasonOf(decode(reordered)), /^field cnikitDigest is not the last member of the file/);
    assert.match(reasonOf(decode(JSON.stringify(obj, null, 2))), /^field cnikitDigest is not the last member/);
    assert.match(reasonOf(decode(`${text}\n`)), /^field cnikitDigest is not the last member/);
    assert.match(reasonOf(decode(text.replace('{"kind"', '{ "kind"'))), /^digest mismatch/);
    // Without the key it is a file as Go writes it, and accepted.
    const { cnikitDigest: _d, ...bare } = obj;
    assert.equal(decode(JSON.stringify(bare)).state, 'ok');
  });

  it('still verifies the version-1 digest of earlier builds, indifferent to key order and whitespace', () => {
    const obj = JSON.parse(encodeEntry(entry)) as Record<string, unknown>;
    const v1 = { ...obj, cnikitDigest: entryDigest(entry) };
    assert.equal(decode(JSON.stringify(v1)).state, 'ok');
    const reordered = Object.fromEntries(Object.entries(v1).reverse());
    assert.equal(decode(JSON.stringify(reordered, null, 2)).state, 'ok');
    const altered = JSON.stringify(v1).replace('10.1.2.3/24', '10.1.2.4/24');
    assert.match(reasonOf(decode(altered)), /^digest mismatch \(stored sha256:[0-9a-f]{64}, computed sha256:/);
  });

  it('does not take a bytes digest from a nested object at the end of the file', () => {
    const text = encodeEntry(entry);
    const member = /,"cnikitDigest":"[^"]+"(?=\}$)/.exec(text)?.[0] ?? '';
    assert.notEqual(member, '');
    // The top-level member moved to the front, a copy nested in the result's last member: the file still ends
    // with the member's bytes and a '}', but one '}' too many for it to be the top level's last member.
    const moved = `{${member.slice(1)},${text.slice(1, -(member.length + 1))}}`;
    const nested = `${moved.slice(0, -2)}${member}}}`;
    assert.equal(decode(moved).state, 'corrupt');
    assert.match(reasonOf(decode(nested)), /^field cnikitDigest is not the last member/);
  });
});

describe('decodeEntry: totality', () => {
  it('any byte string yields a state, never a throw', () => {
    const states = new Set(['ok', 'intent', 'empty', 'corrupt']);
    const jsonish = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.json().map(bytes),
      fc.jsonValue().map((v) => bytes(JSON.stringify({ kind: 'cniCacheV1', result: v, config: v, cniArgs: v }))),
      fc.integer({ min: 0, max: GO_FILE.length }).map((n) => bytes(GO_FILE.slice(0, n))),
      fc.tuple(fc.integer({ min: 0, max: GO_FILE.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
        const u = bytes(GO_FILE);
        u[i] = b;
        return u;
      }),
    );
    fc.assert(
      fc.property(jsonish, (u) => {
        const r = decodeEntry(u, P);
        assert.ok(states.has(r.state), r.state);
        assert.equal(r.path, P);
      }),
      { seed: 42, numRuns: 3000 },
    );
  });

  it('survives nesting deep enough to exhaust the stack while hashing', () => {
    const n = 200000;
    const deep = `{"kind":"cniCacheV1","result":{"a":${'['.repeat(n)}${']'.repeat(n)}},"cnikitDigest":"sha256:00"}`;
    assert.match(reasonOf(decode(deep)), /^undecodable: .*stack/);
  });
});
