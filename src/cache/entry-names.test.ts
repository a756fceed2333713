import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError } from '../spec/errors.ts';
import { entryFileName, isTempName, ownerFromFileName, tempFileName } from './entry-names.ts';

describe('entryFileName', () => {
  it("joins the tuple with '-' as libcni does", () => {
    assert.equal(entryFileName({ networkName: 'net-a', containerId: 'abc-123', ifName: 'eth0' }), 'net-a-abc-123-eth0');
  });

  it('refuses names that could escape results/ or are not names, with the spec codes', () => {
    const bad = [
      [{ networkName: '../x', containerId: 'c', ifName: 'eth0' }, 7],
      [{ networkName: 'n', containerId: '../../etc', ifName: 'eth0' }, 4],
      [{ networkName: 'n', containerId: '', ifName: 'eth0' }, 3],
      [{ networkName: 'n', containerId: 'c', ifName: 'a/b' }, 4],
      [{ networkName: 'n', containerId: 'c', ifName: '..' }, 4],
      [{ networkName: 'n', containerId: 'c', ifName: 'e\0' }, 4],
      [{ networkName: 'n', containerId: 'c', ifName: 'x'.repeat(16) }, 4],
    ] as const;
    for (const [key, code] of bad) {
      assert.throws(
        () => entryFileName(key),
        (e) => CNIError.is(e) && e.code === code,
        JSON.stringify(key),
      );
    }
  });
});

describe('entryFileName length', () => {
  it('accepts a name of exactly 255 bytes and refuses 256 (NAME_MAX), code 4, naming the long part clipped', () => {
    const key = (cid: string) => ({ networkName: 'net', containerId: cid, ifName: 'eth0' });
    assert.equal(Buffer.byteLength(entryFileName(key('c'.repeat(255 - 9)))), 255);
    assert.throws(
      () => entryFileName(key('c'.repeat(256 - 9))),
      (e) => CNIError.is(e) && e.code === 4 && /^container ID is too long .* 256 bytes/.test(e.message),
    );
    for (const [k, part] of [
      [key('c'.repeat(4096)), 'container ID'],
      [{ networkName: 'n'.repeat(4096), containerId: 'c1', ifName: 'eth0' }, 'network name'],
    ] as const) {
      assert.throws(
        () => entryFileName(k),
        (e) =>
          CNIError.is(e) &&
          e.code === 4 &&
          e.message.startsWith(part) &&
          e.details.includes('of 4096 bytes') &&
          e.details.includes('... (4096 chars)') &&
          e.message.length < 600,
      );
    }
  });
});

describe('temp names', () => {
  it('are dot-files no entry name can equal, and stay within NAME_MAX', () => {
    const t = tempFileName('net-c-eth0', 42, 'ab12');
    assert.equal(t, '.cnikit-tmp-net-c-eth0-42-ab12');
    assert.ok(isTempName(t));
    assert.ok(!isTempName('net-c-eth0'));
    const long = tempFileName('n'.repeat(250), 42, 'ab12');
    assert.equal(long, '.cnikit-tmp-42-ab12');
  });
});

describe('ownerFromFileName', () => {
  it('takes the longest known network, then splits the rest at its last dash', () => {
    const known = ['net', 'net-a', 'other'];
    assert.deepEqual(ownerFromFileName('net-a-abc-123-eth0', known), {
      networkName: 'net-a',
      containerId: 'abc-123',
      ifName: 'eth0',
    });
    assert.deepEqual(ownerFromFileName('net-b-c-eth0', known), {
      networkName: 'net',
      containerId: 'b-c',
      ifName: 'eth0',
    });
  });

  it('documents the ambiguity: an ifname with a dash is mis-split unless the container ID is known', () => {
    assert.deepEqual(ownerFromFileName('n-abc-veth-1', ['n']), {
      networkName: 'n',
      containerId: 'abc-veth',
      ifName: '1',
    });
    assert.deepEqual(ownerFromFileName('n-abc-veth-1', ['n'], 'abc'), {
      networkName: 'n',
      containerId: 'abc',
      ifName: 'veth-1',
    });
  });

  it('falls back to a shorter network when the longest leaves no valid split', () => {
    assert.deepEqual(ownerFromFileName('a-b-c', ['a', 'a-b']), { networkName: 'a', containerId: 'b', ifName: 'c' });
  });

  it('is undefined when no known network fits or the rest cannot be a cid and ifname', () => {
    assert.equal(ownerFromFileName('net-a-abc-eth0', []), undefined);
    assert.equal(ownerFromFileName('net-a-abc-eth0', ['zzz']), undefined);
    assert.equal(ownerFromFileName('n-abc', ['n']), undefined);
    assert.equal(ownerFromFileName('n--eth0', ['n']), undefined);
    assert.equal(ownerFromFileName('n-abc-', ['n']), undefined);
    assert.equal(ownerFromFileName('n-.x-eth0', ['n']), undefined);
  });
});
