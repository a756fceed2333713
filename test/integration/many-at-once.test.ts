// Issue 8, part 5: 50 attachments added at once on one bridge through one runtime (Promise.all, as a runtime
// starting many pods does), every one with its own IP and its own working interface, then all deleted at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeConf } from '../../src/runtime/index.ts';
import {
  type ContainerNetns,
  describeInventory,
  gatewayOf,
  reachGateway,
  runOk,
  skipUnlessRoot,
  withHostNetns,
} from '../helpers/index.ts';
import { firstIp, makeTestbed } from '../helpers/testbed.ts';

const skip = skipUnlessRoot('integration/many-at-once');
const COUNT = 50;

function rejectionsOf(results: readonly PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r, i) => (r.status === 'rejected' ? [`#${i}: ${String(r.reason)}`] : []));
}

test(`${COUNT} attachments added concurrently on one bridge get distinct IPs and all DEL cleanly`, {
  skip,
}, async () => {
  await withHostNetns(async (host) => {
    const bed = await makeTestbed(host);
    const ctrs: ContainerNetns[] = [];
    for (let i = 0; i < COUNT; i++) ctrs.push(await host.addContainer('m'));
    // Each pod maps its own host port, as a real node would.
    const rts: RuntimeConf[] = ctrs.map((ctr, i) => ({
      ...bed.rt(`many-${i}`, ctr),
      capabilityArgs: { portMappings: [{ hostPort: 20000 + i, containerPort: 80, protocol: 'tcp' }] },
    }));

    let t = performance.now();
    const added = await Promise.allSettled(rts.map((rt) => bed.cni.addNetworkList(bed.list, rt)));
    const addMs = performance.now() - t;
    const addErrors = rejectionsOf(added);
    const ips = added.map((r) => (r.status === 'fulfilled' ? firstIp(r.value) : undefined));
    try {
      assert.deepEqual(addErrors, [], 'every concurrent ADD succeeds');
      const distinct = new Set(ips);
      assert.equal(distinct.size, COUNT, `distinct IPs: ${[...distinct].join(' ')}`);
      assert.ok(!distinct.has(undefined));

      // The kernel agrees: each container's eth0 carries the IP its result names; one veth per pod on the bridge.
      for (let i = 0; i < COUNT; i++) {
        const ctr = ctrs[i];
        if (ctr === undefined) continue;
        const addrs = await runOk('ip', ['-n', ctr.name, '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
        assert.match(addrs, new RegExp(` ${(ips[i] ?? '?').replaceAll('.', '\\.')}/24 `), `container ${i}`);
      }
      const all = await bed.inventory();
      assert.equal(all.hostVeths.filter((v) => v.endsWith('master=cnikit0')).length, COUNT);
      assert.equal(all.ipamFiles.length, COUNT);
      assert.equal(all.cacheFiles.length, COUNT);
      for (const i of [0, Math.floor(COUNT / 2), COUNT - 1]) {
        const ctr = ctrs[i];
        if (ctr === undefined) continue;
        const probe = await reachGateway(host.name, ctr.name, gatewayOf('10.222.0.0/24'));
        assert.ok(probe.ok, `container ${i} reaches the gateway: ${probe.detail}`);
      }
    } finally {
      t = performance.now();
      const deleted = await Promise.allSettled(rts.map((rt) => bed.cni.delNetworkList(bed.list, rt)));
      const delMs = performance.now() - t;
      const left = await bed.inventory();
      console.log(
        `  many at once: ${COUNT} concurrent ADDs in ${(addMs / 1000).toFixed(1)} s (${addErrors.length} failed), ` +
          `${new Set(ips).size} distinct IPs; ${COUNT} concurrent DELs in ${(delMs / 1000).toFixed(1)} s ` +
          `(${rejectionsOf(deleted).length} failed); leaks=${left.count}`,
      );
      assert.deepEqual(rejectionsOf(deleted), [], 'every concurrent DEL succeeds');
      assert.equal(left.count, 0, describeInventory(left));
    }
  });
});
