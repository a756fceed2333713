import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError, type PluginConf } from '../spec/index.ts';
import { prevResultOf, runtimeConfigOf, validAttachmentsOf } from './config-access.ts';

const base = (extra: Record<string, unknown>): PluginConf => ({ cniVersion: '1.0.0', name: 'n', type: 't', ...extra });

describe('prevResultOf', () => {
  it('is undefined without a prevResult (absent or null)', () => {
    assert.equal(prevResultOf(base({})), undefined);
    assert.equal(prevResultOf(base({ prevResult: null })), undefined);
  });
  it('converts the prevResult to the config version', () => {
    const prev = { cniVersion: '0.3.1', ips: [{ version: '4', address: '10.0.0.2/24', gateway: '10.0.0.1' }] };
    assert.deepEqual(prevResultOf(base({ prevResult: prev })), {
      cniVersion: '1.0.0',
      ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1' }],
    });
    const down = prevResultOf(base({ cniVersion: '0.2.0', prevResult: { cniVersion: '1.1.0', ips: prev.ips } }));
    assert.deepEqual(down, { cniVersion: '0.2.0', ip4: { ip: '10.0.0.2/24', gateway: '10.0.0.1' } });
  });
  it('reads a prevResult without cniVersion as the config version', () => {
    const r = prevResultOf(
      base({ cniVersion: '0.4.0', prevResult: { ips: [{ version: '6', address: 'fd00::2/64' }] } }),
    );
    assert.deepEqual(r, { cniVersion: '0.4.0', ips: [{ version: '6', address: 'fd00::2/64' }] });
  });
  it('names a malformed prevResult', () => {
    assert.throws(
      () => prevResultOf(base({ prevResult: { cniVersion: '1.0.0', ips: [{ address: 'not-a-cidr' }] } })),
      (e: unknown) => CNIError.is(e) && e.code === 6 && e.message.startsWith('could not parse prevResult: '),
    );
    assert.throws(() => prevResultOf(base({ prevResult: [1] })), /could not parse prevResult/);
    assert.throws(
      () => prevResultOf(base({ prevResult: { cniVersion: '9.9.9' } })),
      /could not parse prevResult: unsupported CNI result version "9.9.9"/,
    );
  });
  it('says when the prevResult cannot be expressed in the config version', () => {
    assert.throws(
      () => prevResultOf(base({ cniVersion: '0.2.0', prevResult: { cniVersion: '1.0.0' } })),
      /could not convert prevResult to version 0.2.0/,
    );
  });
});

describe('runtimeConfigOf', () => {
  it('returns the runtimeConfig object, or an empty one', () => {
    assert.deepEqual(runtimeConfigOf(base({ runtimeConfig: { portMappings: [{ hostPort: 80 }] } })), {
      portMappings: [{ hostPort: 80 }],
    });
    assert.deepEqual(runtimeConfigOf(base({})), {});
    assert.deepEqual(runtimeConfigOf(base({ runtimeConfig: null })), {});
  });
});

describe('validAttachmentsOf', () => {
  const att = [{ containerID: 'c1', ifname: 'eth0' }];
  it('reads cni.dev/valid-attachments, falling back to cni.dev/attachments', () => {
    assert.deepEqual(validAttachmentsOf(base({ 'cni.dev/valid-attachments': att })), att);
    assert.deepEqual(validAttachmentsOf(base({ 'cni.dev/attachments': att })), att);
    assert.deepEqual(
      validAttachmentsOf(base({ 'cni.dev/valid-attachments': [], 'cni.dev/attachments': att })),
      [],
      'the spec key wins even when empty',
    );
    assert.deepEqual(validAttachmentsOf(base({})), []);
  });
  it('names a malformed entry', () => {
    assert.throws(
      () => validAttachmentsOf(base({ 'cni.dev/valid-attachments': [{ containerID: 'c', ifname: 1 }] })),
      (e: unknown) =>
        CNIError.is(e) && e.code === 6 && e.message === 'cni.dev/valid-attachments[0].ifname: expected a string',
    );
    assert.throws(
      () => validAttachmentsOf(base({ 'cni.dev/attachments': 'x' })),
      /cni.dev\/attachments: expected an array/,
    );
  });
});
