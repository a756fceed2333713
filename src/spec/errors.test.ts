import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIAggregateError, CNIError, ErrorCode, toCNIError } from './errors.ts';

describe('CNIError', () => {
  it("carries code, msg and details; message reads as Go's types.Error: msg, then '; details'", () => {
    const e = new CNIError(ErrorCode.TryAgainLater, 'try again later', { details: 'the IPAM store is locked' });
    assert.equal(e.code, 11);
    assert.equal(e.msg, 'try again later');
    assert.equal(e.details, 'the IPAM store is locked');
    assert.equal(e.message, 'try again later; the IPAM store is locked');
    assert.equal(e.name, 'CNIError');
    assert.ok(e instanceof Error);
    assert.equal(new CNIError(7, 'bad config').message, 'bad config');
  });

  it('serialises to exactly the spec error object, details omitted when empty', () => {
    assert.equal(JSON.stringify(new CNIError(7, 'bad config')), '{"code":7,"msg":"bad config"}');
    assert.equal(JSON.stringify(new CNIError(4, 'x', { details: '' })), '{"code":4,"msg":"x"}');
    assert.equal(
      JSON.stringify(new CNIError(3, 'gone', { details: 'container abc' })),
      '{"code":3,"msg":"gone","details":"container abc"}',
    );
  });

  it('stamps a cniVersion first when asked, as the spec example shows', () => {
    const e = new CNIError(1, 'incompatible CNI versions', { details: 'config is "9.0.0"' });
    assert.equal(
      JSON.stringify(e.toJSON('1.1.0')),
      '{"cniVersion":"1.1.0","code":1,"msg":"incompatible CNI versions","details":"config is \\"9.0.0\\""}',
    );
  });

  it('is not confused by JSON.stringify passing a property name to toJSON', () => {
    const e = new CNIError(5, 'io');
    assert.equal(JSON.stringify({ error: e }), '{"error":{"code":5,"msg":"io"}}');
    assert.equal(JSON.stringify([e]), '[{"code":5,"msg":"io"}]');
  });

  it('keeps the cause and leaks no internal fields into JSON', () => {
    const cause = new Error('EACCES');
    const e = new CNIError(5, 'cannot write', { cause });
    assert.equal(e.cause, cause);
    assert.deepEqual(Object.keys(e.toJSON()), ['code', 'msg']);
  });

  it('is recognised by brand, also across copies of the package, and not for look-alikes', () => {
    const e = new CNIError(2, 'unsupported field');
    assert.ok(CNIError.is(e));
    const foreign = Object.defineProperty(new Error('x'), Symbol.for('cnikit.CNIError'), { value: true });
    assert.ok(CNIError.is(foreign));
    for (const v of [new Error('x'), { code: 2, msg: 'x' }, null, undefined, 'CNIError', 2]) assert.ok(!CNIError.is(v));
  });

  it('has the spec well-known codes', () => {
    assert.deepEqual(
      [
        ErrorCode.IncompatibleVersion,
        ErrorCode.UnsupportedField,
        ErrorCode.UnknownContainer,
        ErrorCode.InvalidEnvironment,
        ErrorCode.IOFailure,
        ErrorCode.DecodingFailure,
        ErrorCode.InvalidNetworkConfig,
        ErrorCode.TryAgainLater,
        ErrorCode.PluginNotAvailable,
        ErrorCode.PluginNotAvailableLimitedConnectivity,
        ErrorCode.Internal,
      ],
      [1, 2, 3, 4, 5, 6, 7, 11, 50, 51, 999],
    );
  });
});

describe('CNIAggregateError', () => {
  it("joins messages with newlines (Go's errors.Join), takes the first CNIError's code and keeps each error", () => {
    const a = new CNIError(11, 'busy');
    const b = new Error('boom');
    const agg = new CNIAggregateError([a, b]);
    assert.equal(agg.message, 'busy\nboom');
    assert.equal(agg.code, 11);
    assert.deepEqual(agg.errors, [a, b]);
    assert.equal(agg.name, 'CNIAggregateError');
    assert.ok(CNIError.is(agg));
    assert.equal(new CNIAggregateError([b]).code, ErrorCode.Internal);
    assert.equal(new CNIAggregateError([a], 'DEL failed').msg, 'DEL failed');
  });
});

describe('toCNIError', () => {
  it('keeps a CNIError, wraps an Error with its cause, and stringifies anything else', () => {
    const e = new CNIError(3, 'x');
    assert.equal(toCNIError(e), e);
    const plain = new Error('disk full');
    const wrapped = toCNIError(plain, ErrorCode.IOFailure);
    assert.deepEqual(wrapped.toJSON(), { code: 5, msg: 'disk full' });
    assert.equal(wrapped.cause, plain);
    assert.deepEqual(toCNIError('weird').toJSON(), { code: 999, msg: 'weird' });
    assert.deepEqual(toCNIError(undefined).toJSON(), { code: 999, msg: 'undefined' });
  });
});
