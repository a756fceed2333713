import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBundled, PLUGIN_DIR, sampleResult, sandbox } from '../../test/fixtures/runtime.ts';
import { parseConfigList } from '../config/index.ts';
import { CNIAggregateError, CNIError } from '../spec/index.ts';
import { CNI } from './cni.ts';

const sb = sandbox();
before(ensureBundled);
after(() => sb.cleanup());

const rt = (cid: string) => ({ containerId: cid, netns: '/var/run/netns/gone', ifName: 'eth0' });

/** A three-plugin list whose noop plugins record what they receive; the first holds host-local-style IPAM. */
function setup(net: string, behaviours: Record<string, unknown>[] = [{}, {}, {}]) {
  const dataDir = join(sb.dir, 'ipam');
  const debugs = behaviours.map((b, i) => sb.debug(`${net}-${i}`, { reportResult: 'PASSTHROUGH', ...b }));
  const plugins = debugs.map((d, i) =>
    i === 0
      ? {
          type: 'cnikit-noop',
          debugFile: d,
          ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.9.0.0/16', gateway: '10.9.0.1' }]] },
        }
      : { type: 'cnikit-noop', debugFile: d },
  );
  const list = parseConfigList(JSON.stringify({ cniVersion: '1.0.0', name: net, plugins }));
  return {
    list,
    debugs,
    dataDir,
    cni: new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir, ipamDataDir: join(sb.dir, 'unused') }),
  };
}

const entryPath = (net: string, cid: string) => join(sb.cacheDir, 'results', `${net}-${cid}-eth0`);

async function addOne(net: string, cid: string) {
  const s = setup(net, [{ reportResult: sampleResult('10.9.0.7/16') }, {}, {}]);
  await s.cni.addNetworkList(s.list, rt(cid));
  for (const d of s.debugs) rmSync(`${d}.log`, { force: true });
  return s;
}

function prevIpsOf(stdin: string): unknown {
  const conf = JSON.parse(stdin) as { prevResult?: { ips?: unknown } };
  return conf.prevResult?.ips;
}

describe('DEL with every cache state', () => {
  const damage: Record<string, (file: string) => void> = {
    empty: (f) => writeFileSync(f, ''),
    whitespace: (f) => writeFileSync(f, ' \n\t'),
    half: (f) => {
      const t = readFileSync(f, 'utf8');
      writeFileSync(f, t.slice(0, t.length >> 1));
    },
    nul: (f) => writeFileSync(f, Buffer.alloc(readFileSync(f).length)),
    garbage: (f) => writeFileSync(f, 'not json at all'),
    'digest mismatch': (f) => writeFileSync(f, readFileSync(f, 'utf8').replace('10.9.0.7', '10.9.0.8')),
    deleted: (f) => rmSync(f),
  };
  for (const [name, hurt] of Object.entries(damage)) {
    it(`${name}: runs every plugin in reverse, reconstructs IPs from host-local, ends with no entry`, async () => {
      const net = `d${name.replace(/\W/g, '')}`;
      const cid = `ctr-${net}`;
      const s = await addOne(net, cid);
      // host-local's own record of the reservation: the evidence reconstruction uses.
      mkdirSync(join(s.dataDir, net), { recursive: true });
      writeFileSync(join(s.dataDir, net, '10.9.0.7'), `${cid}\r\neth0`);
      writeFileSync(join(s.dataDir, net, 'lock'), '');
      hurt(entryPath(net, cid));
      const report = await s.cni.delNetworkList(s.list, rt(cid));
      const calls = s.debugs.map((d) => sb.calls(d));
      for (const c of calls) assert.equal(c.length, 1, 'each plugin got exactly one DEL');
      assert.deepEqual(
        calls.map((c) => c[0]?.command),
        ['DEL', 'DEL', 'DEL'],
      );
      for (const c of calls)
        assert.deepEqual(prevIpsOf(c[0]?.stdin ?? '{}'), [{ address: '10.9.0.7/16', gateway: '10.9.0.1' }]);
      assert.equal(report.prevResultSource, 'reconstructed');
      assert.equal(existsSync(entryPath(net, cid)), false);
      if (name !== 'deleted') {
        assert.ok(report.quarantined, 'bad file kept in quarantine');
        assert.ok(existsSync(report.quarantined));
      }
    });
  }

  it('{} (a legacy result with no addresses): addresses come from host-local so firewall can find its rules', async () => {
    const s = await addOne('dlegacy', 'ctr-legacy');
    mkdirSync(join(s.dataDir, 'dlegacy'), { recursive: true });
    writeFileSync(join(s.dataDir, 'dlegacy', '10.9.0.9'), 'ctr-legacy\r\neth0');
    writeFileSync(entryPath('dlegacy', 'ctr-legacy'), '{}');
    const report = await s.cni.delNetworkList(s.list, rt('ctr-legacy'));
    assert.equal(report.cacheState, 'ok');
    assert.equal(report.prevResultSource, 'reconstructed');
    for (const d of s.debugs)
      assert.deepEqual(prevIpsOf(sb.calls(d)[0]?.stdin ?? '{}'), [{ address: '10.9.0.9/16', gateway: '10.9.0.1' }]);
    assert.equal(existsSync(entryPath('dlegacy', 'ctr-legacy')), false);
  });

  it('ok: passes the cached result as prevResult and removes the entry', async () => {
    const s = await addOne('dok', 'ctr-ok');
    const report = await s.cni.delNetworkList(s.list, rt('ctr-ok'));
    assert.equal(report.prevResultSource, 'cache');
    for (const d of s.debugs)
      assert.deepEqual(prevIpsOf(sb.calls(d)[0]?.stdin ?? '{}'), sampleResult('10.9.0.7/16').ips);
    assert.equal(existsSync(entryPath('dok', 'ctr-ok')), false);
  });

  it('runs plugins in reverse order', async () => {
    const shared = join(sb.dir, 'order.log');
    const debugs = [0, 1, 2].map((i) =>
      sb.debug(`order-${i}`, { reportResult: i === 0 ? sampleResult() : 'PASSTHROUGH' }),
    );
    const l = parseConfigList(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'dorder',
        plugins: debugs.map((d) => ({ type: 'cnikit-noop', debugFile: d, commandLog: shared })),
      }),
    );
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    await cni.addNetworkList(l, rt('ctr-order'));
    await cni.delNetworkList(l, rt('ctr-order'));
    const lines = readFileSync(shared, 'utf8')
      .trim()
      .split('\n')
      .map((x) => JSON.parse(x) as { command: string; stdin: string });
    const order = lines.map(
      (x) => `${x.command}:${debugs.indexOf((JSON.parse(x.stdin) as { debugFile: string }).debugFile)}`,
    );
    assert.deepEqual(order, ['ADD:0', 'ADD:1', 'ADD:2', 'DEL:2', 'DEL:1', 'DEL:0']);
  });

  it('is fine twice, and with no cache at all', async () => {
    const s = await addOne('dtwice', 'ctr-twice');
    await s.cni.delNetworkList(s.list, rt('ctr-twice'));
    const second = await s.cni.delNetworkList(s.list, rt('ctr-twice'));
    assert.equal(second.cacheState, 'missing');
    assert.equal(second.pluginsRun, 3);
  });
});

describe('DEL failures', () => {
  it('one failing plugin: every other plugin still runs, the message is exactly upstream, a valid entry is kept', async () => {
    const s = await addOne('fone', 'ctr-fone');
    s.debugs.forEach((d, i) => {
      writeFileSync(d, JSON.stringify(i === 1 ? { reportError: 'banana' } : { reportResult: 'PASSTHROUGH' }));
    });
    await assert.rejects(s.cni.delNetworkList(s.list, rt('ctr-fone')), (e: unknown) => {
      assert.ok(CNIError.is(e));
      assert.equal(e.message, 'plugin type="cnikit-noop" failed (delete): banana');
      return true;
    });
    for (const d of s.debugs) assert.equal(sb.calls(d).length, 1);
    assert.equal(existsSync(entryPath('fone', 'ctr-fone')), true, 'entry kept for a retry');
    // The retry, now succeeding, still has the cached prevResult.
    writeFileSync(s.debugs[1] ?? '', JSON.stringify({ reportResult: 'PASSTHROUGH' }));
    const report = await s.cni.delNetworkList(s.list, rt('ctr-fone'));
    assert.equal(report.prevResultSource, 'cache');
    assert.equal(existsSync(entryPath('fone', 'ctr-fone')), false);
  });

  it('two failing plugins: both errors travel together', async () => {
    const s = await addOne('ftwo', 'ctr-ftwo');
    s.debugs.forEach((d, i) => {
      writeFileSync(
        d,
        JSON.stringify(
          i === 1 ? { reportResult: 'PASSTHROUGH' } : { reportError: `err${i}`, reportErrorCode: 100 + i },
        ),
      );
    });
    await assert.rejects(s.cni.delNetworkList(s.list, rt('ctr-ftwo')), (e: unknown) => {
      assert.ok(e instanceof CNIAggregateError);
      assert.equal(e.errors.length, 2);
      assert.deepEqual(
        e.errors.map((x) => x.message),
        ['plugin type="cnikit-noop" failed (delete): err2', 'plugin type="cnikit-noop" failed (delete): err0'],
      );
      return true;
    });
    for (const d of s.debugs) assert.equal(sb.calls(d).length, 1);
  });

  it('a missing plugin fails only its own DEL', async () => {
    const s = await addOne('fmiss', 'ctr-fmiss');
    const l = parseConfigList(
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'fmiss',
        plugins: [{ type: 'cnikit-noop', debugFile: s.debugs[0] }, { type: 'nope-plugin' }],
      }),
    );
    await assert.rejects(
      s.cni.delNetworkList(l, rt('ctr-fmiss')),
      /plugin type="nope-plugin" failed \(delete\): failed to find plugin/,
    );
    assert.equal(sb.calls(s.debugs[0] ?? '').length, 1);
  });
});

describe('DEL and temp files', () => {
  it('removes the attachment temp files a killed ADD left, and no one else’s', async () => {
    const s = await addOne('dtemp', 'ctr-temp');
    const dir = join(sb.cacheDir, 'results');
    const mine = join(dir, '.cnikit-tmp-dtemp-ctr-temp-eth0-4242-0a1b2c3d4e5f');
    const other = join(dir, '.cnikit-tmp-dtemp-ctr-temp-eth0-1-4242-0a1b2c3d4e5f');
    // What an ADD killed while writing its intent record leaves: a temp file and no entry.
    rmSync(join(dir, 'dtemp-ctr-temp-eth0'));
    writeFileSync(mine, '{"kind":"cniC');
    writeFileSync(other, '{"kind":"cniC');
    const report = await s.cni.delNetworkList(s.list, rt('ctr-temp'));
    assert.equal(report.cacheState, 'missing');
    assert.equal(existsSync(mine), false);
    assert.equal(existsSync(other), true, 'the temp file of ifname eth0-1 is not ours to remove');
  });

  it('does not scan results/ after a DEL whose entry was complete (every write had finished)', async () => {
    const s = await addOne('dtemp2', 'ctr-temp2');
    const stray = join(sb.cacheDir, 'results', '.cnikit-tmp-dtemp2-ctr-temp2-eth0-4242-0a1b2c3d4e5f');
    writeFileSync(stray, '{"kind":"cniC');
    const report = await s.cni.delNetworkList(s.list, rt('ctr-temp2'));
    assert.equal(report.cacheState, 'ok');
    // Left to the grace-period sweep and the doctor.
    assert.equal(existsSync(stray), true);
  });
});
