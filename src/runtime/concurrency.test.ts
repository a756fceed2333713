import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBundled, PLUGIN_DIR, sampleResult, sandbox } from '../../test/fixtures/runtime.ts';
import { parseConfigList } from '../config/index.ts';
import { CNI } from './cni.ts';

const sb = sandbox();
before(ensureBundled);
after(() => sb.cleanup());

describe('concurrency', () => {
  it('100 concurrent ADDs then interleaved DELs and a GC leave a consistent cache', async () => {
    const debug = sb.debug('conc', { reportResult: sampleResult() });
    const list = parseConfigList(
      JSON.stringify({ cniVersion: '1.1.0', name: 'conc', plugins: [{ type: 'cnikit-noop', debugFile: debug }] }),
    );
    const cni = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir });
    const ids = Array.from({ length: 100 }, (_, i) => `ctr-${i}`);
    const rt = (cid: string) => ({ containerId: cid, netns: '/x', ifName: 'eth0' });
    await Promise.all(ids.map((id) => cni.addNetworkList(list, rt(id))));
    assert.equal(readdirSync(join(sb.cacheDir, 'results')).length, 100);
    const evens = ids.filter((_, i) => i % 2 === 0);
    const odds = ids.filter((_, i) => i % 2 === 1);
    // DELs race a GC that keeps the odd ones; the GC must wait for the DELs in flight and vice versa.
    await Promise.all([
      ...evens.slice(0, 25).map((id) => cni.delNetworkList(list, rt(id))),
      cni.gcNetworkList(list, { validAttachments: odds.map((id) => ({ containerID: id, ifname: 'eth0' })) }),
      ...evens.slice(25).map((id) => cni.delNetworkList(list, rt(id))),
      // Same attachment twice at once is serialised, not torn.
      cni.delNetworkList(list, rt('ctr-1')),
      cni.delNetworkList(list, rt('ctr-1')),
    ]);
    const left = readdirSync(join(sb.cacheDir, 'results')).sort();
    assert.deepEqual(
      left,
      odds
        .filter((id) => id !== 'ctr-1')
        .map((id) => `conc-${id}-eth0`)
        .sort(),
    );
    const atts = await cni.getCachedAttachments();
    assert.equal(atts.length, 49);
    assert.ok(atts.every((a) => a.complete));
  });
});
