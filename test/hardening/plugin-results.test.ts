// Plugins that answer in a version they never claimed, and a hung plugin in the middle of a DEL. Upstream libcni
// accepts a result in any version it can parse (ExecPluginWithResult creates the result from ITS cniVersion, not the
// config's), so cnikit does too; a version nothing can parse is code 1 and leaves nothing behind.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parseConfigList, parsePluginConfig } from '../../src/config/index.ts';
import { CNI } from '../../src/runtime/index.ts';
import { CNIError } from '../../src/spec/errors.ts';
import { PLUGIN_DIR } from '../fixtures/runtime.ts';
import { type RuntimeSandbox, runtimeSandbox } from './runtime-sandbox.ts';

const HOSTILE_DIR = new URL('../fixtures/hostile/', import.meta.url).pathname;

let sb: RuntimeSandbox;
beforeEach(() => {
  sb = runtimeSandbox();
});
afterEach(() => sb.cleanup());

const rt = () => sb.rt('c1');
const entry = () => join(sb.cacheDir, 'results', 'net-c1-eth0');

describe('a result of a version the plugin never claimed', () => {
  it('config 1.0.0, VERSION says only 1.0.0, ADD prints a 0.2.0 result: accepted as upstream does', async () => {
    sb.instruct({
      reportVersionSupport: ['1.0.0'],
      reportResult: { cniVersion: '0.2.0', ip4: { ip: '10.1.2.3/24', gateway: '10.1.2.1' } },
    });
    const list = sb.list('net');
    assert.deepEqual(await sb.cni.validateNetworkList(list), []);
    const result = await sb.cni.addNetworkList(list, rt());
    console.log(`config 1.0.0, plugin claims [1.0.0], prints 0.2.0 -> ADD returns ${JSON.stringify(result)}`);
    // The result keeps the version it was printed in (libcni returns it unconverted as well).
    assert.equal(result?.cniVersion, '0.2.0');
    assert.ok(existsSync(entry()));
    // Read back in the list's version, and handed to DEL converted, with its address.
    const cached = await sb.cni.getNetworkListCachedResult(list, rt());
    assert.equal(cached?.cniVersion, '1.0.0');
    assert.deepEqual((cached as unknown as { ips?: { address: string }[] }).ips?.[0]?.address, '10.1.2.3/24');
    sb.instruct({});
    sb.clearCalls();
    const del = await sb.cni.delNetworkList(list, rt());
    assert.equal(del.prevResultSource, 'cache');
    const [call] = sb.calls();
    assert.match(JSON.stringify(call), /10\.1\.2\.3\/24/);
    assert.equal(existsSync(entry()), false);
  });

  it('a result that names no version is read as the config version (upstream #895)', async () => {
    sb.instruct({ reportResult: { ips: [{ address: '10.1.2.4/24' }] } });
    const result = await sb.cni.addNetworkList(sb.list('net'), rt());
    assert.equal(result?.cniVersion, '1.0.0');
  });

  for (const version of ['9.9.9', '1.0', 'bogus', '0.4.0.0']) {
    it(`a result claiming cniVersion ${JSON.stringify(version)}: code 1, no entry left, the caller can DEL`, async () => {
      sb.instruct({ reportResult: { cniVersion: version, ips: [{ address: '10.1.2.5/24' }] } });
      const list = sb.list('net');
      const e = await sb.cni.addNetworkList(list, rt()).then(
        () => assert.fail('accepted'),
        (err: unknown) => err,
      );
      assert.ok(CNIError.is(e));
      console.log(`result cniVersion ${JSON.stringify(version)} -> ${e.code} ${e.message}`);
      assert.equal(e.code, 1);
      assert.match(e.message, /unsupported CNI result version/);
      assert.equal(existsSync(entry()), false, 'the intent record outlived the failed ADD');
      sb.instruct({});
      await sb.cni.delNetworkList(list, rt());
    });
  }
});

describe('a plugin that hangs on DEL', () => {
  it('times out, and every other plugin of the list still gets its DEL', async () => {
    const cni = new CNI({ path: [HOSTILE_DIR, PLUGIN_DIR], cacheDir: sb.cacheDir, timeoutMs: 1500, stderr: () => {} });
    const list = parseConfigList(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'net',
        plugins: [
          { type: 'cnikit-noop', debugFile: sb.debugFile },
          { type: 'hostile', behaviour: 'ok' },
          { type: 'cnikit-noop', debugFile: sb.debugFile },
        ],
      }),
    );
    await cni.addNetworkList(list, rt());
    const hangOnDel = parseConfigList(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'net',
        plugins: [
          { type: 'cnikit-noop', debugFile: sb.debugFile },
          { type: 'hostile', behaviour: 'hang', allCommands: true },
          { type: 'cnikit-noop', debugFile: sb.debugFile },
        ],
      }),
    );
    sb.clearCalls();
    const started = Date.now();
    const e = await cni.delNetworkList(hangOnDel, rt()).then(
      () => assert.fail('DEL succeeded past a hung plugin'),
      (err: unknown) => err,
    );
    const took = Date.now() - started;
    assert.ok(CNIError.is(e));
    console.log(`DEL with a hung middle plugin: ${took} ms, ${e.message.slice(0, 160)}`);
    assert.match(
      e.message,
      /^plugin type="hostile" failed \(delete\): netplugin failed with no error message: signal: killed/,
    );
    assert.ok(took < 1500 + 2000, `took ${took} ms`);
    assert.deepEqual(
      sb.calls().map((c) => c.command),
      ['DEL', 'DEL'],
      'the plugins around the hung one did not all get their DEL',
    );
    // A failed DEL keeps the entry so a retry still has prevResult.
    assert.ok(existsSync(entry()));
  });
});

describe('a result of megabytes, under the output cap', () => {
  it('ADD either caches an entry that reads back, or fails and leaves none; never a write the reader refuses', async () => {
    // 13.9 MB of result (under the 16 MiB stdout cap) and a 3 MiB config: the entry is ~18 MB on disk.
    const ips = Array.from({ length: 330_000 }, (_, i) => ({
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/8`,
      interface: 0,
    }));
    sb.instruct({ reportResult: { cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }], ips } });
    const list = parseConfigList(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'net',
        plugins: [{ type: 'cnikit-noop', debugFile: sb.debugFile, pad: 'p'.repeat(3 << 20) }],
      }),
    );
    const added = await sb.cni.addNetworkList(list, rt()).then(
      () => true,
      (e: unknown) => {
        assert.ok(CNIError.is(e), String(e));
        console.log(`huge result: ADD failed: ${e.message.slice(0, 200)}`);
        return false;
      },
    );
    if (!added) {
      assert.equal(existsSync(entry()), false, 'a failed ADD left its entry');
      return;
    }
    const cached = await sb.cni.getNetworkListCachedResult(list, rt()).catch((e: unknown) => e);
    assert.ok(!(cached instanceof Error), `ADD succeeded but its entry does not read back: ${String(cached)}`);
    sb.instruct({});
    const del = await sb.cni.delNetworkList(list, rt());
    assert.equal(del.prevResultSource, 'cache');
  });
});

describe('nesting 10,000 deep (legal JSON, deeper than JSON.stringify recurses)', () => {
  it('a config that deep is refused when parsed, with a CNIError naming the problem', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    assert.throws(
      () => parsePluginConfig(`{"cniVersion":"1.0.0","name":"net","type":"cnikit-noop","x":${deep}}`),
      (e: unknown) => CNIError.is(e) && e.code === 6 && /nesting too deep/.test(e.message),
    );
  });

  it('capability args that deep: ADD fails with a CNIError and leaves no intent record; DEL fails typed too', async () => {
    // The parse-time cap cannot see what the runtime injects; building stdin must still fail typed.
    let deep: unknown = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const net = parsePluginConfig(
      `{"cniVersion":"1.0.0","name":"net","type":"cnikit-noop","debugFile":${JSON.stringify(sb.debugFile)},"capabilities":{"deep":true}}`,
    );
    const conf = { ...rt(), capabilityArgs: { deep } };
    const problems: string[] = [];
    const add = await sb.cni.addNetwork(net, conf).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (add === undefined) problems.push('ADD succeeded');
    else if (!CNIError.is(add)) problems.push(`ADD threw ${String(add)}`);
    if (existsSync(entry())) problems.push('the failed ADD left its intent record');
    const del = await sb.cni.delNetwork(net, conf).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (del !== undefined && !CNIError.is(del)) problems.push(`DEL threw ${String(del)}`);
    assert.deepEqual(problems, []);
  });
});
