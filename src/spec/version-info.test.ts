import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError } from './errors.ts';
import { encodeVersionInfo, LEGACY_VERSION_INFO, parseVersionInfo } from './version-info.ts';

function failsWith(input: unknown, msg: string): void {
  assert.throws(
    () => parseVersionInfo(input),
    (e: unknown) => CNIError.is(e) && e.code === 6 && e.msg === msg,
  );
}

describe('parseVersionInfo (pkg/version PluginDecoder rules)', () => {
  it('reads a normal answer from text or bytes', () => {
    const text = '{"cniVersion":"1.1.0","supportedVersions":["0.4.0","1.0.0","1.1.0"]}\n';
    const expected = { cniVersion: '1.1.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] };
    assert.deepEqual(parseVersionInfo(text), expected);
    assert.deepEqual(parseVersionInfo(Buffer.from(text)), expected);
  });
  it('reads a 0.2.0 plugin without supportedVersions as supporting 0.1.0 and 0.2.0', () => {
    for (const text of ['{"cniVersion":"0.2.0"}', '{"cniVersion":"0.2.0","supportedVersions":[]}']) {
      assert.deepEqual(parseVersionInfo(text), { cniVersion: '0.2.0', supportedVersions: ['0.1.0', '0.2.0'] });
    }
  });
  it("fails with upstream's messages when a field is missing", () => {
    failsWith('{"cniVersion":"0.3.1"}', 'decoding version info: missing field supportedVersions');
    failsWith(
      '{"cniVersion":"1.0.0","supportedVersions":null}',
      'decoding version info: missing field supportedVersions',
    );
    failsWith('{"supportedVersions":["0.1.0"]}', 'decoding version info: missing field cniVersion');
    failsWith('{"cniVersion":""}', 'decoding version info: missing field cniVersion');
    failsWith('null', 'decoding version info: missing field cniVersion');
  });
  it('fails naming what is wrong for bad JSON and wrong types', () => {
    failsWith('', 'decoding version info: unexpected end of JSON input');
    assert.throws(
      () => parseVersionInfo('{{'),
      (e: unknown) => CNIError.is(e) && e.code === 6 && e.msg.startsWith('decoding version info: '),
    );
    failsWith('[]', 'decoding version info: expected a JSON object');
    failsWith('{"cniVersion":1}', 'decoding version info: cniVersion: expected a string');
    failsWith(
      '{"cniVersion":"1.0.0","supportedVersions":"1.0.0"}',
      'decoding version info: supportedVersions: expected an array of strings',
    );
    failsWith(
      '{"cniVersion":"1.0.0","supportedVersions":["1.0.0",1]}',
      'decoding version info: supportedVersions[1]: expected a string',
    );
  });
  it('ignores inherited keys', () => {
    failsWith(
      Object.create({ cniVersion: '1.0.0', supportedVersions: ['1.0.0'] }),
      'decoding version info: missing field cniVersion',
    );
  });
});

describe('encodeVersionInfo', () => {
  it("prints the library's version and the list, then a newline, as Go's json.Encoder does", () => {
    assert.equal(
      encodeVersionInfo(['0.1.0', '1.1.0']),
      '{"cniVersion":"1.1.0","supportedVersions":["0.1.0","1.1.0"]}\n',
    );
    assert.deepEqual(parseVersionInfo(encodeVersionInfo(['0.4.0'])), {
      cniVersion: '1.1.0',
      supportedVersions: ['0.4.0'],
    });
  });
  it('refuses an empty list', () => {
    assert.throws(() => encodeVersionInfo([]), /you must support at least one version/);
  });
  it('describes a plugin that predates VERSION as 0.1.0 only', () => {
    assert.deepEqual(LEGACY_VERSION_INFO, { cniVersion: '0.1.0', supportedVersions: ['0.1.0'] });
  });
});
