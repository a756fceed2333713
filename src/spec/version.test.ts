import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError } from './errors.ts';
import { compareVersions, parseVersion, pluginSupports, selectCniVersion, versionAtLeast } from './version.ts';

describe('versions', () => {
  it('reads an empty version as 0.1.0 and orders numerically', () => {
    assert.deepEqual(parseVersion(''), { major: 0, minor: 1, micro: 0 });
    assert.ok(compareVersions('0.10.0', '0.4.0') > 0);
    assert.ok(compareVersions('1.0.0', '1.0.0') === 0);
    assert.ok(versionAtLeast('0.4.0', '0.4.0'));
    assert.ok(!versionAtLeast('0.3.1', '0.4.0'));
  });
  it('rejects junk with code 1 naming the bad part', () => {
    assert.throws(
      () => parseVersion('broken'),
      (e: unknown) => CNIError.is(e) && e.code === 1 && e.msg.includes('"broken"'),
    );
    assert.throws(
      () => parseVersion('1.2.3.4'),
      (e: unknown) => CNIError.is(e) && e.msg === 'invalid version "1.2.3.4": too many parts',
    );
    assert.throws(
      () => parseVersion('1.x'),
      (e: unknown) =>
        CNIError.is(e) &&
        e.msg === 'failed to convert minor version part "x": strconv.Atoi: parsing "x": invalid syntax',
    );
    assert.throws(
      () => parseVersion('0.'),
      /failed to convert minor version part "": strconv.Atoi: parsing "": invalid syntax/,
    );
    assert.throws(() => parseVersion('99999999999999999999'), /value out of range/);
  });
  it('accepts what strconv.Atoi accepts: short forms, signs and negative parts', () => {
    assert.deepEqual(parseVersion('1'), { major: 1, minor: 0, micro: 0 });
    assert.deepEqual(parseVersion('1.2'), { major: 1, minor: 2, micro: 0 });
    assert.deepEqual(parseVersion('0.-42.+1'), { major: 0, minor: -42, micro: 1 });
  });
  it('picks the highest supported cniVersions entry', () => {
    assert.equal(selectCniVersion(['0.3.1', '1.0.0', '9.9.9', 'x']), '1.0.0');
    assert.equal(selectCniVersion(['2.0.0']), undefined);
    assert.ok(pluginSupports(['0.1.0'], ''));
  });
});
