import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { attachmentConf, cnitoolContainerId, parseCapArgs, parseCniArgs } from './attachment.ts';
import type { CommonOptions } from './options.ts';
import { UsageError } from './usage-error.ts';

const COMMON: CommonOptions = { cacheDir: '/c', confDir: '/n', path: [], json: false };

describe('cnitoolContainerId', () => {
  it('is cnitool- plus the first 10 digest bytes in hex', () => {
    const want = createHash('sha512').update('/run/netns/a').digest().subarray(0, 10).toString('hex');
    assert.equal(cnitoolContainerId('/run/netns/a'), `cnitool-${want}`);
  });
});

describe('parseCniArgs', () => {
  it('splits pairs in order', () => {
    assert.deepEqual(parseCniArgs('A=1;B=two', ''), [
      ['A', '1'],
      ['B', 'two'],
    ]);
    assert.deepEqual(parseCniArgs('', ''), []);
  });
  it('names the bad pair Go-quoted', () => {
    assert.throws(
      () => parseCniArgs('A=1;B', ''),
      (e: unknown) => e instanceof UsageError && e.message === 'invalid CNI_ARGS pair "B"',
    );
    assert.throws(() => parseCniArgs('A=1;', ''), /invalid CNI_ARGS pair ""/);
    assert.throws(() => parseCniArgs('A=1;B\t', ''), /invalid CNI_ARGS pair "B\\t"/);
  });
  it('cuts a huge bad pair in the message (256 characters kept, the length said), and is quick about it', () => {
    const pair = `K=${'v'.repeat(1 << 20)}=x`;
    const started = performance.now();
    assert.throws(
      () => parseCniArgs(`A=1;${pair}`, ''),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message === `invalid CNI_ARGS pair "${pair.slice(0, 256)}"... (${pair.length} chars)`,
    );
    assert.ok(performance.now() - started < 500);
    const edge = `K=${'v'.repeat(253)}=`;
    assert.throws(
      () => parseCniArgs(edge, ''),
      (e: unknown) => e instanceof UsageError && e.message === `invalid CNI_ARGS pair "${edge}"`,
    );
  });
});

describe('parseCapArgs', () => {
  it('takes a JSON object; null and empty mean none', () => {
    assert.deepEqual(parseCapArgs('{"a":1}', ''), { a: 1 });
    assert.deepEqual(parseCapArgs('null', ''), {});
    assert.deepEqual(parseCapArgs('', ''), {});
  });
  it('refuses the rest, naming CAP_ARGS', () => {
    for (const bad of ['{', '[]', '1', '"s"', 'true'])
      assert.throws(() => parseCapArgs(bad, ''), /^UsageError: invalid CAP_ARGS/);
  });
});

describe('attachmentConf', () => {
  it('resolves the netns, defaults the ifname, derives the ID', () => {
    const rt = attachmentConf('/run/netns/../netns/a', undefined, COMMON, { CNI_IFNAME: '' }, '');
    assert.equal(rt.netns, '/run/netns/a');
    assert.equal(rt.ifName, 'eth0');
    assert.equal(rt.containerId, cnitoolContainerId('/run/netns/a'));
  });
  it('an explicit container ID wins over derivation', () => {
    const rt = attachmentConf('/x', 'net1', { ...COMMON, containerId: 'mine' }, {}, '');
    assert.equal(rt.containerId, 'mine');
    assert.equal(rt.ifName, 'net1');
  });
});
