import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigParseError } from './errors.ts';
import { parsePluginConfig } from './plugin-config.ts';

function rejects(input: string, code: number, msg: string | RegExp): void {
  assert.throws(
    () => parsePluginConfig(input, '/etc/cni/net.d/10-x.conf'),
    (e: unknown) => {
      assert.ok(e instanceof ConfigParseError, String(e));
      assert.equal(e.name, 'ConfigParseError');
      assert.equal(e.code, code);
      if (typeof msg === 'string') assert.equal(e.msg, msg);
      else assert.match(e.msg, msg);
      assert.equal(e.file, '/etc/cni/net.d/10-x.conf');
      assert.match(e.message, /10-x\.conf/);
      return true;
    },
  );
}

describe('parsePluginConfig', () => {
  it('keeps the original bytes and every key', () => {
    const text =
      '{ "cniVersion": "1.0.0", "name": "n", "type": "bridge", "bridge": "cni0", "ipam": {"type": "host-local"} }';
    const bytes = Buffer.from(text);
    const conf = parsePluginConfig(bytes);
    assert.equal(conf.bytes, bytes);
    assert.equal(conf.network.type, 'bridge');
    assert.equal(conf.network.name, 'n');
    assert.equal(conf.network.bridge, 'cni0');
    assert.deepEqual(conf.network.ipam, { type: 'host-local' });
    assert.equal(Buffer.from(parsePluginConfig(text).bytes).toString(), text);
  });

  it('does not need a name', () => {
    assert.equal(parsePluginConfig('{"type":"x"}').network.name, undefined);
  });

  it('rejects bad JSON with code 6 in upstream wording', () => {
    rejects('', 6, 'error parsing configuration: unexpected end of JSON input');
    rejects('{', 6, /^error parsing configuration: /);
    rejects('[1]', 6, 'error parsing configuration: expected a JSON object, got []interface {}');
    rejects('"x"', 6, 'error parsing configuration: expected a JSON object, got string');
  });

  it("requires a non-empty string type: missing 'type'", () => {
    rejects('{}', 7, "error parsing configuration: missing 'type'");
    rejects('{"type":""}', 7, "error parsing configuration: missing 'type'");
    rejects('{"type":null}', 7, "error parsing configuration: missing 'type'");
    rejects('{"type":3}', 7, 'error parsing configuration: field "type" must be a string, not float64');
  });

  it('type-checks the typed fields, naming the field', () => {
    rejects('{"type":"x","cniVersion":1}', 7, /field "cniVersion" must be a string, not float64/);
    rejects('{"type":"x","name":true}', 7, /field "name" must be a string, not bool/);
    rejects('{"type":"x","capabilities":{"a":"yes"}}', 7, /field "capabilities" must be an object of booleans/);
    rejects('{"type":"x","capabilities":[]}', 7, /field "capabilities"/);
    rejects('{"type":"x","ipam":"host-local"}', 7, /field "ipam" must be an object, not string/);
    rejects('{"type":"x","ipam":{"type":5}}', 7, /field "ipam.type" must be a string/);
    rejects('{"type":"x","dns":{"nameservers":"1.1.1.1"}}', 7, /field "dns.nameservers" must be an array of strings/);
    rejects('{"type":"x","dns":{"domain":[]}}', 7, /field "dns.domain" must be a string/);
    rejects('{"type":"x","args":1}', 7, /field "args" must be an object/);
    rejects('{"type":"x","runtimeConfig":[]}', 7, /field "runtimeConfig" must be an object/);
    rejects('{"type":"x","prevResult":"r"}', 7, /field "prevResult" must be an object/);
    rejects('{"type":"x","cni.dev/valid-attachments":{}}', 7, /field "cni.dev\/valid-attachments"/);
  });

  it('treats a JSON null in a typed field as absent, as Go does', () => {
    const conf = parsePluginConfig('{"type":"x","name":null,"capabilities":null,"dns":null}');
    assert.equal(conf.network.name, undefined);
    assert.equal('capabilities' in conf.network, false);
  });

  it('keeps a __proto__ key as data, never as the prototype', () => {
    const conf = parsePluginConfig('{"type":"x","__proto__":{"polluted":true}}');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((conf.network as Record<string, unknown>).polluted, undefined);
    assert.ok(Object.hasOwn(conf.network, '__proto__'));
  });
});
