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
  it('answers a megabyte of input quickly, quoting at most 256 characters of it', () => {
    const MIB = 1 << 20;
    const cases: readonly [string, string][] = [
      [`1.0.${'9'.repeat(MIB)}`, 'failed to convert micro version part '],
      [`${'1.'.repeat(MIB / 2)}0`, 'invalid version '],
      [`x${'.'.repeat(MIB)}`, 'invalid version '],
      ['x'.repeat(MIB), 'failed to convert major version part '],
    ];
    for (const [v, prefix] of cases) {
      const started = performance.now();
      assert.throws(
        () => parseVersion(v),
        (e: unknown) => CNIError.is(e) && e.code === 1 && e.msg.startsWith(prefix) && e.msg.length < 2048,
      );
      assert.ok(performance.now() - started < 200, `${prefix}took too long`);
    }
    const long = `1.0.${'x'.repeat(300)}`;
    const cut = `"${'x'.repeat(256)}"... (300 chars)`;
    assert.throws(
      () => parseVersion(long),
      (e: unknown) =>
        CNIError.is(e) &&
        e.msg === `failed to convert micro version part ${cut}: strconv.Atoi: parsing ${cut}: invalid syntax`,
    );
    assert.deepEqual(parseVersion(`${'0'.repeat(MIB)}1.2.3`), { major: 1, minor: 2, micro: 3 });
  });
  it('keeps upstream wording whole for a value of up to 256 characters', () => {
    const v = `${'1.'.repeat(127)}11`;
    assert.equal(v.length, 256);
    assert.throws(
      () => parseVersion(v),
      (e: unknown) => CNIError.is(e) && e.msg === `invalid version "${v}": too many parts`,
    );
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
