import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBundled, PLUGIN_DIR, sampleResult, sandbox } from '../../test/fixtures/runtime.ts';
import { parseConfigList } from '../config/index.ts';
import { CNIError } from '../spec/index.ts';
import { CNI } from './cni.ts';

const sb = sandbox();
before(ensureBundled);
after(() => sb.cleanup());

function list(name: string, plugins: Record<string, unknown>[], version = '1.0.0') {
  return parseConfigList(JSON.stringify({ cniVersion: version, name, plugins }));
}
const rt = (cid: string) => ({ containerId: cid, netns: '/var/run/netns/x', ifName: 'eth0' });

describe('ADD', () => {
  it('chains prevResult, caches the final result and returns it', async () => {
    const d1 = sb.debug('a1', { reportResult: sampleResult() });
    const d2 = sb.debug('a2', { reportResult: 'PASSTHROUGH' });
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    const l = list('addnet', [
      { type: 'cnikit-noop', debugFile: d1 },
      { type: 'cnikit-noop', debugFile: d2, capabilities: { portMappings: true } },
    ]);
    const res = await cni.addNetworkList(l, {
      ...rt('c1'),
      capabilityArgs: { portMappings: [{ hostPort: 8080 }], other: 1 },
    });
    assert.equal(res?.cniVersion, '1.0.0');
    const [second] = sb.calls(d2);
    assert.ok(second);
    const stdin = JSON.parse(second.stdin) as Record<string, unknown>;
    assert.deepEqual((stdin.prevResult as { ips: unknown }).ips, sampleResult().ips);
    assert.deepEqual(stdin.runtimeConfig, { portMappings: [{ hostPort: 8080 }] });
    assert.equal(second.env.CNI_COMMAND, 'ADD');
    assert.equal(second.env.CNI_CONTAINERID, 'c1');
    const file = join(sb.cacheDir, 'results', 'addnet-c1-eth0');
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(cached.kind, 'cniCacheV1');
    assert.equal(Buffer.from(String(cached.config), 'base64').toString(), Buffer.from(l.bytes).toString());
    assert.deepEqual((cached.result as { ips: unknown }).ips, sampleResult().ips);
  });

  it('reports a missing plugin before running any, and writes nothing', async () => {
    const d1 = sb.debug('m1', { reportResult: sampleResult() });
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    const l = list('missnet', [{ type: 'cnikit-noop', debugFile: d1 }, { type: 'no-such-plugin' }]);
    await assert.rejects(cni.addNetworkList(l, rt('c2')), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(
        e.message,
        /^plugin type="no-such-plugin" failed \(add\): failed to find plugin "no-such-plugin" in path/,
      );
      return true;
    });
    assert.equal(sb.calls(d1).length, 0);
    assert.equal(existsSync(join(sb.cacheDir, 'results', 'missnet-c2-eth0')), false);
  });

  it('validates names after lookup, wrapped as upstream, before any plugin runs', async () => {
    const d1 = sb.debug('v1', { reportResult: sampleResult() });
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    const l = list('valnet', [{ type: 'cnikit-noop', debugFile: d1 }]);
    await assert.rejects(
      cni.addNetworkList(l, { ...rt('../evil'), ifName: 'eth0' }),
      /failed \(add\): invalid characters in containerID/,
    );
    await assert.rejects(cni.addNetworkList(l, { ...rt('ok'), ifName: 'a/b' }), /interface name contains/);
    assert.equal(sb.calls(d1).length, 0);
  });

  it('keeps an intent record while plugins run and replaces it with the entry', async () => {
    const d1 = sb.debug('i1', { reportResult: sampleResult(), sleepMs: 600 });
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    const l = list('intentnet', [{ type: 'cnikit-noop', debugFile: d1 }]);
    const file = join(sb.cacheDir, 'results', 'intentnet-c3-eth0');
    const pending = cni.addNetworkList(l, rt('c3'));
    let seen: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && seen === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      if (existsSync(file)) seen = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    }
    assert.ok(seen, 'intent record appeared while the plugin ran');
    assert.equal(seen.kind, 'cniCacheV1');
    assert.equal('result' in seen, false);
    await pending;
    const done = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.ok('result' in done);
  });

  it('removes the intent record when a plugin fails, and wraps the error as upstream', async () => {
    const d1 = sb.debug('f1', { reportResult: sampleResult() });
    const d2 = sb.debug('f2', { reportError: 'banana', reportErrorCode: 117 });
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    const l = list('failnet', [
      { type: 'cnikit-noop', debugFile: d1 },
      { type: 'cnikit-noop', debugFile: d2 },
    ]);
    await assert.rejects(cni.addNetworkList(l, rt('c4')), (e: unknown) => {
      assert.ok(CNIError.is(e));
      assert.equal(e.message, 'plugin type="cnikit-noop" failed (add): banana');
      assert.equal(e.code, 117);
      return true;
    });
    const left = readdirSync(join(sb.cacheDir, 'results')).filter((f) => f.startsWith('failnet-'));
    assert.deepEqual(left, []);
  });
});
