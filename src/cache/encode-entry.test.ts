import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CNIError } from '../spec/errors.ts';
import { compareUtf8 } from './canonical-json.ts';
import { decodeEntry } from './decode-entry.ts';
import { DIGEST_KEY, digestInput, entryDigest } from './digest.ts';
import { encodeEntry } from './encode-entry.ts';
import type { CacheEntry } from './types.ts';

const CONFIG = '{"cniVersion":"1.0.0","name":"net-a","plugins":[{"type":"fakeplug"}]}';
const base: CacheEntry = {
  kind: 'cniCacheV1',
  containerId: 'abc-123',
  config: new TextEncoder().encode(CONFIG),
  ifName: 'eth0',
  networkName: 'net-a',
  cniArgs: [
    ['K', 'V'],
    ['IgnoreUnknown', '1'],
  ],
  capabilityArgs: {
    portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
    bandwidth: { ingressRate: 1 },
  },
  result: {
    ips: [{ interface: 0, address: '10.1.2.3/24', gateway: '10.1.2.1' }],
    interfaces: [{ sandbox: '/var/run/netns/x', name: 'eth0' }],
    cniVersion: '1.0.0',
    dns: { nameservers: ['1.1.1.1'] },
  },
};

// What Go libcni 1.1.2 wrote for the same attachment (captured once from its cacheAdd).
const GO_BYTES =
  '{"kind":"cniCacheV1","containerId":"abc-123",' +
  '"config":"eyJjbmlWZXJzaW9uIjoiMS4wLjAiLCJuYW1lIjoibmV0LWEiLCJwbHVnaW5zIjpbeyJ0eXBlIjoiZmFrZXBsdWcifV19",' +
  '"ifName":"eth0","networkName":"net-a","cniArgs":[["K","V"],["IgnoreUnknown","1"]],' +
  '"capabilityArgs":{"bandwidth":{"ingressRate":1},"portMappings":[{"containerPort":80,"hostPort":8080,"protocol":"tcp"}]},' +
  '"result":{"cniVersion":"1.0.0","dns":{"nameservers":["1.1.1.1"]},"interfaces":[{"name":"eth0","sandbox":"/var/run/netns/x"}],' +
  '"ips":[{"address":"10.1.2.3/24","gateway":"10.1.2.1","interface":0}]}}';

const withoutDigest = (text: string): string => text.replace(/,"cnikitDigest":"sha256-bytes:[0-9a-f]{64}"\}$/, '}');

describe('encodeEntry', () => {
  it("writes Go's bytes exactly, plus one digest key at the end", () => {
    const text = encodeEntry(base);
    assert.equal(withoutDigest(text), GO_BYTES);
    assert.match(text, /,"cnikitDigest":"sha256-bytes:[0-9a-f]{64}"\}$/);
  });

  it("uses Go's keys, padded standard base64 and Go's omitempty rules", () => {
    const obj = JSON.parse(encodeEntry({ ...base, netns: '/var/run/netns/x' })) as Record<string, unknown>;
    assert.deepEqual(Object.keys(obj), [
      'kind',
      'containerId',
      'config',
      'ifName',
      'networkName',
      'netns',
      'cniArgs',
      'capabilityArgs',
      'result',
      DIGEST_KEY,
    ]);
    assert.equal(Buffer.from(String(obj.config), 'base64').toString(), CONFIG);
    const one = JSON.parse(encodeEntry({ ...base, config: new Uint8Array([0xfb]) })) as { config: string };
    assert.equal(one.config, '+w==');
    const { result: _r, ...intent } = base;
    const bare = JSON.parse(encodeEntry({ ...intent, netns: '', cniArgs: [], capabilityArgs: {} })) as object;
    assert.deepEqual(Object.keys(bare), ['kind', 'containerId', 'config', 'ifName', 'networkName', DIGEST_KEY]);
  });

  it('computes the documented digests', () => {
    const small: CacheEntry = {
      kind: 'cniCacheV1',
      containerId: 'c',
      config: new TextEncoder().encode('{}'),
      ifName: 'eth0',
      networkName: 'n',
      cniArgs: [['K', 'V']],
      capabilityArgs: { z: 1, a: { y: 2, b: 3 } },
      result: { cniVersion: '1.0.0' },
    };
    // Written: SHA-256 of the file's bytes before the digest member (which is last, then the closing brace).
    const text = encodeEntry(small);
    const stored = (JSON.parse(text) as Record<string, string>)[DIGEST_KEY];
    const unsealed =
      '{"kind":"cniCacheV1","containerId":"c","config":"e30=","ifName":"eth0","networkName":"n",' +
      '"cniArgs":[["K","V"]],"capabilityArgs":{"a":{"b":3,"y":2},"z":1},"result":{"cniVersion":"1.0.0"}}';
    assert.equal(withoutDigest(text), unsealed);
    assert.equal(stored, `sha256-bytes:${createHash('sha256').update(unsealed.slice(0, -1)).digest('hex')}`);
    // Version 1 (still verified): the canonical array of decoded values.
    const input =
      '["cnikit-digest-v1","cniCacheV1","c","e30=","eth0","n","",[["K","V"]],{"a":{"b":3,"y":2},"z":1},{"cniVersion":"1.0.0"}]';
    assert.equal(digestInput(small), input);
    assert.equal(entryDigest(small), `sha256:${createHash('sha256').update(input).digest('hex')}`);
  });

  it('refuses what Go could not have written', () => {
    const bad: unknown[] = [
      { ...base, kind: 'other' },
      { ...base, result: [1] },
      { ...base, result: 'x' },
      { ...base, capabilityArgs: [] },
      { ...base, cniArgs: [['a']] },
      { ...base, containerId: 5 },
      { ...base, result: { n: 1n } },
    ];
    for (const e of bad) assert.throws(() => encodeEntry(e as CacheEntry), CNIError.is);
  });

  it('round-trips: decode(encode(e)) gives back e (JSON-normalised)', () => {
    const str = fc.string({ maxLength: 12 });
    const entry = fc.record({
      containerId: str,
      ifName: str,
      networkName: str,
      netns: fc.option(str, { nil: undefined }),
      config: fc.uint8Array({ maxLength: 64 }),
      cniArgs: fc.array(fc.tuple(str, str), { maxLength: 3 }),
      capabilityArgs: fc.dictionary(str, fc.jsonValue({ maxDepth: 2 })),
      extra: fc.dictionary(str, fc.jsonValue({ maxDepth: 2 })),
    });
    fc.assert(
      fc.property(entry, ({ netns, extra, ...rest }) => {
        const e: CacheEntry = {
          kind: 'cniCacheV1',
          ...rest,
          ...(netns ? { netns } : {}),
          result: { ...extra, cniVersion: '1.0.0' },
        };
        const r = decodeEntry(Buffer.from(encodeEntry(e)), '/x');
        assert.equal(r.state, 'ok', r.state === 'corrupt' ? r.reason : '');
        if (r.state !== 'ok') return;
        assert.equal(Buffer.compare(r.entry.config, e.config), 0);
        assert.deepEqual({ ...r.entry, config: null }, JSON.parse(JSON.stringify({ ...e, config: null })));
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('compareUtf8', () => {
  it('orders keys by UTF-8 bytes, as Go sorts map keys', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { seed: 42, numRuns: 2000 },
    );
    assert.ok(compareUtf8('\uffff', '\u{10000}') < 0);
  });
});
