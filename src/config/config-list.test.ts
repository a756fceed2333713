import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configListFromConfig, parseConfigList } from './config-list.ts';
import { ConfigParseError } from './errors.ts';
import { parsePluginConfig } from './plugin-config.ts';

const SRC = '/etc/cni/net.d/10-net.conflist';
const PREFIX = 'error parsing configuration list';

function list(extra: Record<string, unknown>): string {
  return JSON.stringify({ name: 'net', cniVersion: '1.0.0', plugins: [{ type: 'bridge' }], ...extra });
}

function rejects(input: string, code: number, msg: string | RegExp): void {
  assert.throws(
    () => parseConfigList(input, SRC),
    (e: unknown) => {
      assert.ok(e instanceof ConfigParseError, String(e));
      assert.equal(e.code, code);
      if (typeof msg === 'string') assert.equal(e.msg, msg);
      else assert.match(e.msg, msg);
      assert.equal(e.file, SRC);
      return true;
    },
  );
}

describe('parseConfigList', () => {
  it('parses a list and keeps the original bytes', () => {
    const text = list({ disableCheck: true });
    const bytes = Buffer.from(text);
    const l = parseConfigList(bytes, SRC);
    assert.equal(l.name, 'net');
    assert.equal(l.cniVersion, '1.0.0');
    assert.equal(l.disableCheck, true);
    assert.equal(l.disableGC, false);
    assert.equal(l.loadOnlyInlinedPlugins, false);
    assert.equal(l.bytes, bytes);
    assert.equal(l.source, SRC);
    assert.equal(l.plugins.length, 1);
    assert.equal(l.plugins[0]?.network.type, 'bridge');
    assert.deepEqual(JSON.parse(Buffer.from(l.plugins[0]?.bytes ?? []).toString()), { type: 'bridge' });
  });

  it('rejects bad JSON with code 6', () => {
    rejects('', 6, 'error parsing configuration list: unexpected end of JSON input');
    rejects('[]', 6, /expected a JSON object/);
  });

  it('needs a string name (an empty one is accepted, as upstream)', () => {
    rejects('{"plugins":[{"type":"x"}]}', 7, 'error parsing configuration list: no name');
    rejects('{"name":3,"plugins":[{"type":"x"}]}', 7, 'error parsing configuration list: invalid name type float64');
    rejects('{"name":null,"plugins":[{"type":"x"}]}', 7, 'error parsing configuration list: invalid name type <nil>');
    assert.equal(parseConfigList('{"name":"","plugins":[{"type":"x"}]}').name, '');
  });

  it('needs a string cniVersion, not defaulted', () => {
    rejects(list({ cniVersion: 1 }), 7, 'error parsing configuration list: invalid cniVersion type float64');
    rejects(list({ cniVersion: null }), 7, 'error parsing configuration list: invalid cniVersion type <nil>');
    assert.equal(parseConfigList('{"name":"n","plugins":[{"type":"x"}]}').cniVersion, '');
    assert.equal(parseConfigList(list({ cniVersion: '1.2.3' })).cniVersion, '1.2.3');
  });

  it('picks the highest supported cniVersions entry', () => {
    assert.equal(
      parseConfigList(list({ cniVersion: '0.3.1', cniVersions: ['0.4.0', '1.0.0', '9.0.0'] })).cniVersion,
      '1.0.0',
    );
    assert.equal(parseConfigList(list({ cniVersion: '1.1.0', cniVersions: ['0.4.0'] })).cniVersion, '1.1.0');
    assert.equal(parseConfigList(list({ cniVersions: ['1.1.0', '0.3.1'] })).cniVersion, '1.1.0');
    // none supported: cniVersion keeps its value ("" when absent)
    assert.equal(parseConfigList(list({ cniVersion: '0.3.1', cniVersions: ['2.0.0'] })).cniVersion, '0.3.1');
    assert.equal(parseConfigList('{"name":"n","cniVersions":["3.0.0"],"plugins":[{"type":"x"}]}').cniVersion, '');
  });

  it('rejects malformed cniVersions', () => {
    rejects(
      list({ cniVersions: '1.0.0' }),
      7,
      'error parsing configuration list: invalid type for cniVersions: string',
    );
    rejects(
      list({ cniVersions: ['1.0.0', 2] }),
      7,
      'error parsing configuration list: invalid type for cniVersions index 1: float64',
    );
    rejects(
      list({ cniVersions: ['x.y'] }),
      7,
      /^error parsing configuration list: invalid cniVersions entry x\.y at index 0: /,
    );
    rejects(
      list({ cniVersion: 'bad', cniVersions: ['1.0.0'] }),
      7,
      /^error parsing configuration list: invalid cniVersion bad: /,
    );
  });

  for (const key of ['disableCheck', 'disableGC', 'loadOnlyInlinedPlugins'] as const) {
    it(`${key} accepts booleans and "true"/"false" in any case, nothing else`, () => {
      assert.equal(parseConfigList(list({ [key]: true }))[key], true);
      assert.equal(parseConfigList(list({ [key]: false }))[key], false);
      assert.equal(parseConfigList(list({ [key]: 'TrUe' }))[key], true);
      assert.equal(parseConfigList(list({ [key]: 'FALSE' }))[key], false);
      assert.equal(parseConfigList(list({}))[key], false);
      rejects(list({ [key]: 'Yes' }), 7, `error parsing configuration list: invalid value "yes" for ${key}`);
      rejects(list({ [key]: 1 }), 7, `error parsing configuration list: invalid type float64 for ${key}`);
      rejects(list({ [key]: null }), 7, `error parsing configuration list: invalid type <nil> for ${key}`);
    });
  }

  it('quotes at most 256 characters of a hostile value', () => {
    const long = 'y'.repeat(1_000_000);
    rejects(
      list({ disableCheck: long }),
      7,
      `error parsing configuration list: invalid value "${'y'.repeat(256)}"... (1000000 chars) for disableCheck`,
    );
    assert.throws(
      () => parseConfigList(list({ cniVersions: [`x${'.'.repeat(1_000_000)}`] }), SRC),
      (e: unknown) =>
        e instanceof ConfigParseError &&
        e.message.startsWith(`${PREFIX}: invalid cniVersions entry x....`) &&
        e.message.length < 2000,
    );
  });

  it('lifts a single config nested as deep as a plugin config may be', () => {
    const deep = `${'['.repeat(511)}${']'.repeat(511)}`;
    const conf = parsePluginConfig(`{"cniVersion":"1.0.0","name":"net","type":"x","y":${deep}}`);
    assert.equal(configListFromConfig(conf).plugins.length, 1);
  });

  it('needs plugins to be a non-empty array of plugin configs', () => {
    rejects(
      list({ plugins: {} }),
      7,
      "error parsing configuration list: invalid 'plugins' type map[string]interface {}",
    );
    rejects(list({ plugins: [] }), 7, 'error parsing configuration list: no plugins in list');
    rejects(
      list({ plugins: [{ type: 'a' }, { name: 'b' }] }),
      7,
      "failed to parse plugin config 1: error parsing configuration: missing 'type'",
    );
    rejects(
      list({ plugins: [7] }),
      6,
      /^failed to parse plugin config 0: error parsing configuration: expected a JSON object/,
    );
  });

  it('a list without plugins: empty unless loadOnlyInlinedPlugins, then an error', () => {
    assert.deepEqual(parseConfigList('{"name":"n","cniVersion":"1.1.0"}').plugins, []);
    rejects(
      '{"name":"n","loadOnlyInlinedPlugins":true}',
      7,
      "error parsing configuration list: `loadOnlyInlinedPlugins` is true, and no 'plugins' key",
    );
  });
});

describe('configListFromConfig', () => {
  it('lifts a .conf into a one-plugin list with its name and version', () => {
    const conf = parsePluginConfig('{"cniVersion":"0.4.0","name":"single","type":"bridge","mtu":1400}');
    const l = configListFromConfig(conf, '/d/a.conf');
    assert.equal(l.name, 'single');
    assert.equal(l.cniVersion, '0.4.0');
    assert.equal(l.source, '/d/a.conf');
    assert.equal(l.plugins.length, 1);
    assert.equal(l.plugins[0]?.network.mtu, 1400);
    assert.deepEqual(JSON.parse(Buffer.from(l.bytes).toString()), {
      name: 'single',
      cniVersion: '0.4.0',
      plugins: [{ cniVersion: '0.4.0', name: 'single', type: 'bridge', mtu: 1400 }],
    });
  });

  it('lifts a config without name or version to "" for both', () => {
    const l = configListFromConfig(parsePluginConfig('{"type":"x"}'));
    assert.equal(l.name, '');
    assert.equal(l.cniVersion, '');
  });
});
