// The law for outside bytes: parsing returns a config or throws a typed CNIError naming the problem, nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CNIError } from '../spec/errors.ts';
import { configListFromConfig, parseConfigList } from './config-list.ts';
import { ConfigParseError } from './errors.ts';
import { parsePluginConfig } from './plugin-config.ts';
import { buildPluginStdin } from './plugin-stdin.ts';

const KEYS = [
  'name',
  'cniVersion',
  'cniVersions',
  'type',
  'plugins',
  'capabilities',
  'ipam',
  'dns',
  'args',
  'runtimeConfig',
  'prevResult',
  'disableCheck',
  'disableGC',
  'loadOnlyInlinedPlugins',
  '__proto__',
  'constructor',
];
// JSON shaped like configs, with the known keys holding values of every JSON type.
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1e308, '', 'true', 'FALSE', '1.0.0', '0.4.0', '9.9.9', 'x'),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie('value'), { maxKeys: 6 }),
  ),
})).value;

// A valid list/config with a few known keys overwritten by arbitrary values: mostly near-misses of real configs.
const mutated: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), jsonish), { maxLength: 3 })
  .map((edits) => {
    const base: Record<string, unknown> = {
      cniVersion: '1.0.0',
      name: 'net',
      type: 'bridge',
      capabilities: { portMappings: true },
      plugins: [{ type: 'bridge' }, { type: 'portmap', capabilities: { portMappings: true } }],
    };
    for (const [k, v] of edits) Object.defineProperty(base, k, { value: v, enumerable: true, writable: true });
    return base;
  });

function onlyTypedErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.ok(CNIError.is(e), `not a CNIError: ${String(e)}`);
    assert.ok(e instanceof ConfigParseError, `not a ConfigParseError: ${e.name}`);
    assert.ok(e.code === 6 || e.code === 7, `code ${e.code}`);
    assert.ok(e.msg.length > 0);
  }
}

describe('config parsers on arbitrary input', () => {
  it('return a value or throw ConfigParseError (bytes)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        onlyTypedErrors(() => parsePluginConfig(bytes));
        onlyTypedErrors(() => parseConfigList(bytes));
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it('return a value or throw ConfigParseError (config-shaped JSON), and never touch Object.prototype', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, mutated), fc.oneof(jsonish, mutated), (conf, list) => {
        onlyTypedErrors(() => {
          const p = parsePluginConfig(JSON.stringify(conf));
          buildPluginStdin({ plugin: p, name: 'n', cniVersion: '1.1.0', capabilityArgs: { a: 1 } });
          configListFromConfig(p);
        });
        onlyTypedErrors(() => parseConfigList(JSON.stringify(list)));
        assert.deepEqual(Object.keys(Object.prototype), []);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});
