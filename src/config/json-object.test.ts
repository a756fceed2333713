import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigParseError } from './errors.ts';
import { encodeJson, MAX_JSON_DEPTH, nestsDeeperThan, readJsonObject } from './json-object.ts';
import { parsePluginConfig } from './plugin-config.ts';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings or after escaped quotes', () => {
    assert.equal(nestsDeeperThan('{"a":[[1]]}', 3), false);
    assert.equal(nestsDeeperThan('{"a":[[1]]}', 2), true);
    assert.equal(nestsDeeperThan(`{"a":"${'['.repeat(1000)}"}`, 1), false);
    assert.equal(nestsDeeperThan(`{"a":"\\"${'{'.repeat(10)}"}`, 1), false);
    assert.equal(nestsDeeperThan(`{"a":"\\\\",${'['.repeat(3)}`, 3), true);
  });

  it('agrees with the depth of the value JSON.parse builds (property)', () => {
    const depthOf = (v: unknown): number =>
      typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
        const text = JSON.stringify(v);
        const d = depthOf(v);
        assert.equal(nestsDeeperThan(text, d), false);
        if (d > 0) assert.equal(nestsDeeperThan(text, d - 1), true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('measures 100,000 levels without recursing', () => {
    assert.equal(nestsDeeperThan(nested(100_000), MAX_JSON_DEPTH), true);
  });
});

describe('depth cap', () => {
  it('readJsonObject takes MAX_JSON_DEPTH levels and refuses one more', () => {
    assert.equal(readJsonObject(`{"x":${nested(MAX_JSON_DEPTH - 1)}}`).ok, true);
    const r = readJsonObject(`{"x":${nested(MAX_JSON_DEPTH)}}`);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /nesting too deep/);
  });

  it('a plugin config nested 10,000 deep is a code-6 ConfigParseError naming the file, not a RangeError', () => {
    const text = `{"cniVersion":"1.0.0","name":"net","type":"cnikit-noop","x":${nested(10_000)}}`;
    assert.throws(
      () => parsePluginConfig(text, '/etc/cni/net.d/10-a.conf'),
      (e: unknown) => {
        assert.ok(e instanceof ConfigParseError, String(e));
        assert.equal(e.code, 6);
        assert.match(e.message, /nesting too deep.*\/etc\/cni\/net\.d\/10-a\.conf/);
        return true;
      },
    );
  });
});

describe('encodeJson', () => {
  it('turns a value JSON.stringify cannot encode into a code-7 ConfigParseError', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const v of [deep, cyclic, { n: 1n }]) {
      assert.throws(
        () => encodeJson(v, 'building x'),
        (e: unknown) => e instanceof ConfigParseError && e.code === 7 && e.msg.startsWith('building x: '),
      );
    }
    assert.equal(Buffer.from(encodeJson({ a: [1] }, 'x')).toString(), '{"a":[1]}');
  });
});
