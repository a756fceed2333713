import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeWaitStatus, errnoName, spawnError } from './libc-wait-status.ts';

describe('decodeWaitStatus', () => {
  it('reads an exit code from the second byte', () => {
    assert.deepEqual(decodeWaitStatus(0), { exitCode: 0, signal: null });
    assert.deepEqual(decodeWaitStatus(3 << 8), { exitCode: 3, signal: null });
    assert.deepEqual(decodeWaitStatus(255 << 8), { exitCode: 255, signal: null });
  });

  it('names the terminating signal, with or without a core dump', () => {
    assert.deepEqual(decodeWaitStatus(9), { exitCode: null, signal: 'SIGKILL' });
    assert.deepEqual(decodeWaitStatus(11 | 0x80), { exitCode: null, signal: 'SIGSEGV' });
    assert.deepEqual(decodeWaitStatus(13), { exitCode: null, signal: 'SIGPIPE' });
  });
});

describe('spawn errors', () => {
  it('carry the symbolic errno code child_process would give', () => {
    assert.equal(errnoName(26), 'ETXTBSY');
    assert.equal(errnoName(99_999), 'UNKNOWN');
    const e = spawnError('/opt/cni/bin/x', 2);
    assert.deepEqual(
      [e.message, e.code, e.errno, e.syscall, e.path],
      ['spawn /opt/cni/bin/x ENOENT', 'ENOENT', -2, 'spawn /opt/cni/bin/x', '/opt/cni/bin/x'],
    );
  });
});
