import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBundled, PLUGIN_DIR, sampleResult, sandbox } from '../../test/fixtures/runtime.ts';
import { parseConfigList } from '../config/index.ts';
import { CNIAggregateError, CNIError } from '../spec/index.ts';
import { CNI, GCError } from './cni.ts';

const sb = sandbox();
before(ensureBundled);
after(() => sb.cleanup());
const rt = (cid: string, ifName = 'eth0') => ({ containerId: cid, netns: '/var/run/netns/x', ifName });

function make(net: string, version = '1.1.0', extra: Record<string, unknown> = {}) {
  const debug = sb.debug(net, { reportResult: sampleResult('10.3.0.2/24', version) });
  const list = parseConfigList(
    JSON.stringify({ cniVersion: version, name: net, ...extra, plugins: [{ type: 'cnikit-noop', debugFile: debug }] }),
  );
  return { list, debug, cni: new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir }) };
}
const results = () => readdirSync(join(sb.cacheDir, 'results')).filter((f) => !f.startsWith('.'));

describe('GC', () => {
  it('DELs stale attachments (also corrupt and empty ones), keeps valid ones, then sends GC with both keys', async () => {
    const s = make('gcnet');
    for (const cid of ['keep-me', 'stale-a', 'stale-b', 'stale-c']) await s.cni.addNetworkList(s.list, rt(cid));
    writeFileSync(join(sb.cacheDir, 'results', 'gcnet-stale-b-eth0'), '');
    writeFileSync(join(sb.cacheDir, 'results', 'gcnet-stale-c-eth0'), '{"kind":"cniCacheV1","containerId":');
    const report = await s.cni.gcNetworkList(s.list, {
      validAttachments: [{ containerID: 'keep-me', ifname: 'eth0' }],
    });
    assert.deepEqual(report.removed.map((r) => `${r.containerId}:${r.state}`).sort(), [
      'stale-a:ok',
      'stale-b:empty',
      'stale-c:corrupt',
    ]);
    assert.deepEqual(
      results().filter((f) => f.startsWith('gcnet-')),
      ['gcnet-keep-me-eth0'],
    );
    const calls = sb.calls(s.debug);
    const dels = calls
      .filter((c) => c.command === 'DEL')
      .map((c) => c.env.CNI_CONTAINERID)
      .sort();
    assert.deepEqual(dels, ['stale-a', 'stale-b', 'stale-c']);
    const gc = calls.find((c) => c.command === 'GC');
    assert.ok(gc, 'GC verb sent');
    const conf = JSON.parse(gc.stdin) as Record<string, unknown>;
    assert.deepEqual(conf['cni.dev/valid-attachments'], [{ containerID: 'keep-me', ifname: 'eth0' }]);
    assert.deepEqual(conf['cni.dev/attachments'], [{ containerID: 'keep-me', ifname: 'eth0' }]);
    assert.equal(gc.env.CNI_CONTAINERID ?? '', '');
  });

  it('honours disableGC and sends no GC verb below 1.1.0', async () => {
    const off = make('gcoff', '1.1.0', { disableGC: true });
    await off.cni.addNetworkList(off.list, rt('x1'));
    await off.cni.gcNetworkList(off.list, { validAttachments: [] });
    assert.ok(results().includes('gcoff-x1-eth0'));
    const old = make('gcold', '1.0.0');
    await old.cni.addNetworkList(old.list, rt('x2'));
    await old.cni.gcNetworkList(old.list, { validAttachments: [] });
    assert.ok(!results().includes('gcold-x2-eth0'));
    assert.equal(sb.calls(old.debug).filter((c) => c.command === 'GC').length, 0);
  });

  it('joins errors and keeps sweeping', async () => {
    const s = make('gcerr');
    for (const cid of ['e1', 'e2']) await s.cni.addNetworkList(s.list, rt(cid));
    writeFileSync(s.debug, JSON.stringify({ reportError: 'nope' }));
    await assert.rejects(s.cni.gcNetworkList(s.list, { validAttachments: [] }), (e: unknown) => {
      assert.ok(e instanceof GCError);
      assert.deepEqual(
        e.errors.map((x) => x.message),
        [
          'failed to delete stale attachment e1 eth0: plugin type="cnikit-noop" failed (delete): nope',
          'failed to delete stale attachment e2 eth0: plugin type="cnikit-noop" failed (delete): nope',
          'failed to GC plugin cnikit-noop: nope',
        ],
      );
      return true;
    });
  });
});

describe('CHECK', () => {
  it('refuses configs older than 0.4.0 even with disableCheck', async () => {
    const s = make('chkold', '0.3.1', { disableCheck: true });
    await assert.rejects(
      s.cni.checkNetworkList(s.list, rt('c')),
      /configuration version "0.3.1" does not support the CHECK command/,
    );
  });
  it('passes the cached result, runs without one when missing, and names a bad file and its repair', async () => {
    const s = make('chk', '1.0.0');
    await s.cni.addNetworkList(s.list, rt('c1'));
    await s.cni.checkNetworkList(s.list, rt('c1'));
    const check = sb.calls(s.debug).find((c) => c.command === 'CHECK');
    assert.ok(check);
    assert.ok((JSON.parse(check.stdin) as Record<string, unknown>).prevResult);
    await s.cni.checkNetworkList(s.list, rt('never-added'));
    const file = join(sb.cacheDir, 'results', 'chk-c1-eth0');
    writeFileSync(file, '');
    const before = sb.calls(s.debug).length;
    await assert.rejects(s.cni.checkNetworkList(s.list, rt('c1')), (e: unknown) => {
      assert.ok(CNIError.is(e));
      assert.match(
        e.message,
        /^failed to get network "chk" cached result: decoding version from network config: unexpected end of JSON input/,
      );
      assert.ok(e.message.includes(file));
      assert.match(e.message, /doctor --fix/);
      return true;
    });
    assert.equal(sb.calls(s.debug).length, before, 'no plugin ran');
    assert.ok(existsSync(file), 'CHECK changes nothing on disk');
  });
  it('disableCheck skips plugins', async () => {
    const s = make('chkoff', '1.0.0', { disableCheck: true });
    await s.cni.checkNetworkList(s.list, rt('c'));
    assert.equal(sb.calls(s.debug).length, 0);
  });
});

describe('STATUS, VERSION, validate, getters', () => {
  it('STATUS returns the plugin error raw with its code', async () => {
    const s = make('st', '1.1.0');
    await s.cni.getStatusNetworkList(s.list);
    writeFileSync(s.debug, JSON.stringify({ reportError: 'not ready', reportErrorCode: 50 }));
    await assert.rejects(
      s.cni.getStatusNetworkList(s.list),
      (e: unknown) => CNIError.is(e) && e.code === 50 && e.message === 'not ready',
    );
  });
  it('VERSION and validate report support and capabilities', async () => {
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    const info = await cni.getVersionInfo('cnikit-noop');
    assert.ok(info.supportedVersions.includes('1.1.0'));
    // VERSION gets no config (spec), so an unsupported version is what the list asks for, not what the plugin says.
    const l = parseConfigList(
      JSON.stringify({
        cniVersion: '1.2.0',
        name: 'val',
        plugins: [{ type: 'cnikit-noop' }, { type: 'cnikit-noop', capabilities: { portMappings: true, x: false } }],
      }),
    );
    await assert.rejects(cni.validateNetworkList(l), (e: unknown) => {
      assert.ok(e instanceof CNIAggregateError);
      assert.equal(e.errors.length, 2);
      assert.equal(
        e.message,
        '[plugin cnikit-noop does not support config version "1.2.0" plugin cnikit-noop does not support config version "1.2.0"]',
      );
      return true;
    });
    const ok = parseConfigList(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'val',
        plugins: [{ type: 'cnikit-noop', capabilities: { portMappings: true, x: false } }],
      }),
    );
    assert.deepEqual(await cni.validateNetworkList(ok), ['portMappings']);
  });
  it('getters: cached result converted, config with cached args, attachments listed', async () => {
    const s = make('get', '1.0.0');
    const r = { ...rt('g1'), args: [['K', 'V']] as [string, string][], capabilityArgs: { a: 1 } };
    await s.cni.addNetworkList(s.list, r);
    const res = await s.cni.getNetworkListCachedResult(s.list, rt('g1'));
    assert.equal(res?.cniVersion, '1.0.0');
    const conf = await s.cni.getNetworkListCachedConfig(s.list, rt('g1'));
    assert.deepEqual(conf?.rt.args, [['K', 'V']]);
    assert.deepEqual(conf?.rt.capabilityArgs, { a: 1 });
    assert.equal(await s.cni.getNetworkListCachedResult(s.list, rt('absent')), undefined);
    const atts = await s.cni.getCachedAttachments('g1');
    assert.deepEqual(
      atts.map((a) => `${a.network}/${a.containerId}/${a.ifName}/${a.complete}`),
      ['get/g1/eth0/true'],
    );
  });
});
