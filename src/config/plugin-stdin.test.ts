import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Result } from '../spec/types.ts';
import { ConfigParseError } from './errors.ts';
import { injectConf } from './inject-conf.ts';
import { parsePluginConfig } from './plugin-config.ts';
import { buildPluginStdin } from './plugin-stdin.ts';

const decode = (b: Uint8Array): Record<string, unknown> => JSON.parse(Buffer.from(b).toString());

const plugin = parsePluginConfig(
  JSON.stringify({
    type: 'portmap',
    name: 'stale-name',
    cniVersion: '0.3.1',
    snat: true,
    capabilities: { portMappings: true, bandwidth: true, ipRanges: false, dns: true },
    runtimeConfig: { static: 1 },
    prevResult: { cniVersion: '0.3.1', ips: [] },
  }),
);

const prev: Result = {
  cniVersion: '1.0.0',
  interfaces: [{ name: 'eth0', sandbox: '/var/run/netns/x' }],
  ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1', interface: 0 }],
};

describe('buildPluginStdin', () => {
  it('injects name and cniVersion over the plugin own values and keeps every other key', () => {
    const out = decode(buildPluginStdin({ plugin, name: 'net', cniVersion: '1.0.0' }));
    assert.equal(out.name, 'net');
    assert.equal(out.cniVersion, '1.0.0');
    assert.equal(out.type, 'portmap');
    assert.equal(out.snat, true);
    // `capabilities` stays, as upstream sends it
    assert.deepEqual(out.capabilities, { portMappings: true, bandwidth: true, ipRanges: false, dns: true });
  });

  it('injects prevResult, replacing a stale one from the file', () => {
    const out = decode(buildPluginStdin({ plugin, name: 'net', cniVersion: '1.0.0', prevResult: prev }));
    assert.deepEqual(out.prevResult, prev);
  });

  it('keeps a static prevResult when none is given (upstream injects only a non-nil one)', () => {
    const out = decode(buildPluginStdin({ plugin, name: 'net', cniVersion: '1.0.0' }));
    assert.deepEqual(out.prevResult, { cniVersion: '0.3.1', ips: [] });
  });

  it('builds runtimeConfig from enabled capabilities that the runtime supplied, replacing the static one', () => {
    const capabilityArgs = {
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      ipRanges: [[{ subnet: '10.0.0.0/24' }]], // not enabled (false)
      mac: 'aa:bb:cc:dd:ee:ff', // not declared
      dns: null, // present with a null value still counts
    };
    const out = decode(buildPluginStdin({ plugin, name: 'net', cniVersion: '1.0.0', capabilityArgs }));
    assert.deepEqual(out.runtimeConfig, {
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      dns: null,
    });
  });

  it('leaves a static runtimeConfig alone when no capability matches or no args are given', () => {
    const none = decode(buildPluginStdin({ plugin, name: 'n', cniVersion: '1.0.0', capabilityArgs: { mac: 'x' } }));
    assert.deepEqual(none.runtimeConfig, { static: 1 });
    const skipped = decode(buildPluginStdin({ plugin, name: 'n', cniVersion: '1.0.0' }));
    assert.deepEqual(skipped.runtimeConfig, { static: 1 });
  });

  it('adds no runtimeConfig key to a plugin without one when nothing matches', () => {
    const bare = parsePluginConfig('{"type":"bridge"}');
    const out = decode(buildPluginStdin({ plugin: bare, name: 'n', cniVersion: '1.1.0', capabilityArgs: { a: 1 } }));
    assert.deepEqual(out, { type: 'bridge', name: 'n', cniVersion: '1.1.0' });
  });

  it('never lets a capability named __proto__ change a prototype', () => {
    const p = parsePluginConfig('{"type":"x","capabilities":{"__proto__":true}}');
    const out = decode(
      buildPluginStdin({
        plugin: p,
        name: 'n',
        cniVersion: '1.1.0',
        capabilityArgs: JSON.parse('{"__proto__":{"x":1}}'),
      }),
    );
    assert.deepEqual(Object.getOwnPropertyNames(out.runtimeConfig), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});

describe('injectConf', () => {
  const p = parsePluginConfig('{"type":"noop","name":"old","keep":[1,2]}');
  it('sets keys, replacing existing ones and keeping the rest', () => {
    const out = decode(injectConf(p, { name: 'net', 'cni.dev/valid-attachments': [] }));
    assert.deepEqual(out, { type: 'noop', name: 'net', keep: [1, 2], 'cni.dev/valid-attachments': [] });
  });
  it('refuses an empty key and a nil value in upstream wording', () => {
    assert.throws(
      () => injectConf(p, { '': 1 }),
      (e: unknown) => e instanceof ConfigParseError && e.msg === 'keys cannot be empty',
    );
    assert.throws(() => injectConf(p, { x: null }), /key 'x' value must not be nil/);
    assert.throws(
      () => injectConf(p, { x: undefined }),
      (e: unknown) => e instanceof ConfigParseError && e.code === 7,
    );
  });
});
