import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError } from '../spec/errors.ts';
import type { PluginError } from './errors.ts';
import { failureOf } from './plugin-failure.ts';

const PLUGIN = '/opt/cni/bin/fake';

/** The error for a plugin that printed `stdout` (and `stderr`) and exited with `exitCode`. */
function exited(stdout: string, exitCode = 1, stderr = ''): PluginError {
  return failureOf(
    { kind: 'exited', stdout: Buffer.from(stdout), stderrTail: Buffer.from(stderr), exitCode, signal: null },
    PLUGIN,
    'ADD',
  );
}

describe('failureOf: the error object a plugin reported', () => {
  it("keeps the plugin's code, msg and details as upstream does", () => {
    const e = exited('{"cniVersion":"1.1.0","code":7,"msg":"invalid config","details":"field x"}');
    assert.ok(CNIError.is(e));
    assert.equal(e.reason, 'reported');
    assert.equal(e.code, 7);
    assert.equal(e.msg, 'invalid config');
    assert.equal(e.details, 'field x');
    assert.equal(e.message, 'invalid config; field x');
    assert.equal(e.reportedMsg, 'invalid config');
    assert.deepEqual(e.toJSON(), { code: 7, msg: 'invalid config', details: 'field x' });
  });
  it('says something when the plugin gave an empty msg, yet toJSON still gives back its own object', () => {
    const e = exited('{"code":100,"msg":""}');
    assert.equal(e.code, 100);
    assert.equal(e.msg, `plugin ${PLUGIN} reported error code 100 with no message`);
    assert.equal(e.message, e.msg);
    assert.equal(e.reportedMsg, '');
    assert.deepEqual(e.toJSON(), { code: 100, msg: '' });
    assert.deepEqual(e.toJSON('1.1.0'), { cniVersion: '1.1.0', code: 100, msg: '' });
    assert.equal(JSON.stringify({ error: e }), '{"error":{"code":100,"msg":""}}');

    const withDetails = exited('{"code":7,"msg":"","details":"field x"}');
    assert.equal(withDetails.msg, `plugin ${PLUGIN} reported error code 7 with no message`);
    assert.equal(withDetails.message, `plugin ${PLUGIN} reported error code 7 with no message; field x`);
    assert.deepEqual(withDetails.toJSON(), { code: 7, msg: '', details: 'field x' });

    const noMsg = exited('{"code":11}');
    assert.equal(noMsg.msg, `plugin ${PLUGIN} reported error code 11 with no message`);
    assert.deepEqual(noMsg.toJSON(), { code: 11, msg: '' });
  });
  it('clips a huge msg and details in .message (under 64 KiB, saying so) but keeps both whole on the error', () => {
    const msg = 'm'.repeat(1 << 20);
    const details = 'd'.repeat(1 << 20);
    const e = exited(JSON.stringify({ code: 100, msg, details }));
    assert.ok(e.message.length <= 64 * 1024, `message of ${e.message.length} chars`);
    assert.match(e.message, /^m+\.\.\. \(clipped, 1048576 chars\); d+\.\.\. \(clipped, 1048576 chars\)$/);
    assert.equal(e.msg, msg);
    assert.equal(e.details, details);
    assert.deepEqual(e.toJSON(), { code: 100, msg, details });

    const onlyMsg = exited(JSON.stringify({ code: 100, msg }));
    assert.equal(onlyMsg.message, `${'m'.repeat(32_000)}... (clipped, 1048576 chars)`);
  });
  it('never cuts a surrogate pair in half', () => {
    const msg = `${'m'.repeat(31_999)}${'😀'.repeat(10_000)}`;
    const e = exited(JSON.stringify({ code: 100, msg }));
    assert.equal(e.message, `${'m'.repeat(31_999)}... (clipped, ${msg.length} chars)`);
  });
  it('leaves a message of up to 32,000 characters per part as it is', () => {
    const msg = 'm'.repeat(32_000);
    const e = exited(JSON.stringify({ code: 100, msg, details: 'why' }));
    assert.equal(e.message, `${msg}; why`);
  });
});

describe('failureOf: other endings keep no reported msg', () => {
  it("uses upstream's wording and the spec object as built", () => {
    const e = exited('', 2);
    assert.equal(e.msg, 'netplugin failed with no error message: exit status 2');
    assert.equal(e.reportedMsg, null);
    assert.equal(e.toJSON().msg, e.msg);
  });
});
