// Issue 8, part 1: the realistic chain (bridge+host-local, portmap, firewall, tuning; cniVersion 1.0.0) run by
// the runtime library against Debian's reference plugins, checked on the kernel and the disk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkableChain,
  describeInventory,
  gatewayOf,
  reachGateway,
  skipUnlessRoot,
  tcpProbe,
  withHostNetns,
} from '../helpers/index.ts';
import { firstIp, makeTestbed } from '../helpers/testbed.ts';

const skip = skipUnlessRoot('integration/realistic-chain');

test('realistic chain: ADD gives a working interface, DEL removes every per-container resource', { skip }, async () => {
  await withHostNetns(async (host) => {
    const bed = await makeTestbed(host);
    const ctr = await host.addContainer();
    const rt = bed.rt('real-0001', ctr);
    const gw = gatewayOf('10.222.0.0/24');

    const result = await bed.cni.addNetworkList(bed.list, rt);
    const ip = firstIp(result);
    assert.ok(ip !== undefined, `ADD result has an IPv4 address: ${JSON.stringify(result)}`);

    // What ADD made, as the kernel and the disk show it (debian-baseline.md §3 lists the same set).
    const q = { cid: rt.containerId, ip, ctr };
    const before = await bed.inventory(q);
    assert.equal(before.hostVeths.length, 1, describeInventory(before));
    assert.match(before.hostVeths[0] ?? '', /master=cnikit0$/);
    assert.equal(before.containerLinks.length, 1, describeInventory(before));
    assert.match(before.containerLinks[0] ?? '', new RegExp(`^eth0 ${ip.replaceAll('.', '\\.')}/24`));
    assert.equal(before.ipamFiles.length, 1);
    assert.equal(before.cacheFiles.length, 1);
    // 2 chains + 3 masq lines + 3 DN rules + 1 DNAT jump + 2 firewall rules.
    assert.equal(before.iptables.length, 11, describeInventory(before));

    const ping = await reachGateway(host.name, ctr.name, gw);
    console.log(
      `  container -> gateway ${gw} (${ping.method}): ${ping.ok ? 'ok' : 'FAILED'} ${ping.detail.split('\n')[0]}`,
    );
    assert.ok(ping.ok, `container reaches its gateway: ${ping.detail}`);
    // portmap's DNAT: host's :8080 reaches the container's :80.
    const dnat = await tcpProbe(ctr.name, '0.0.0.0', 80, host.name, gw, 8080);
    console.log(`  host ${gw}:8080 -> container ${ip}:80 (portmap DNAT): ${dnat.ok ? 'ok' : 'FAILED'}`);
    assert.ok(dnat.ok, `port mapping works: ${dnat.detail}`);
    const somaxconn = await host.exec('ip', ['netns', 'exec', ctr.name, 'cat', '/proc/sys/net/core/somaxconn']);
    assert.equal(somaxconn.stdout.trim(), '512', 'tuning set the sysctl inside the container');

    // Debian's portmap 1.1.1 fails CHECK for IPv4-only containers: it looks for an ip6tables chain it never
    // created (upstream containernetworking/plugins#819). Recorded, not hidden: any other failure fails the test.
    try {
      await bed.cni.checkNetworkList(bed.list, rt);
      console.log('  CHECK with portmap: passed (this portmap does not have plugins#819)');
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      console.log(`  CHECK with portmap: failed as expected from plugins#819: ${msg}`);
      // Upstream libcni returns CHECK errors unwrapped (no `plugin type=...` prefix); so does cnikit.
      assert.match(msg, /^could not check ipv6 dnat: chain CNI-DN-[0-9a-f]+ not found in iptables table nat$/);
    }

    const report = await bed.cni.delNetworkList(bed.list, rt);
    assert.equal(report.cacheState, 'ok');
    assert.equal(report.pluginsRun, 4);
    const after = await bed.inventory(q);
    console.log(`  realistic chain: before DEL ${before.count} resources, after DEL ${after.count}`);
    assert.equal(after.count, 0, describeInventory(after));
    // Nothing of any attachment is left either, and a second DEL is fine (spec: DEL is idempotent).
    await bed.cni.delNetworkList(bed.list, rt);
    const all = await bed.inventory();
    assert.equal(all.count, 0, describeInventory(all));
  });
});

test('checkable chain (no portmap): CHECK passes on a live attachment and fails once it drifts', { skip }, async () => {
  await withHostNetns(async (host) => {
    const bed = await makeTestbed(host, { build: checkableChain });
    const ctr = await host.addContainer();
    const rt = bed.rt('check-0001', ctr);
    const result = await bed.cni.addNetworkList(bed.list, rt);
    const ip = firstIp(result);
    assert.ok(ip !== undefined);

    await bed.cni.checkNetworkList(bed.list, rt);
    console.log(`  CHECK on bridge+host-local, firewall, tuning (${ip}): passed`);
    const ping = await reachGateway(host.name, ctr.name, gatewayOf('10.222.0.0/24'));
    assert.ok(ping.ok, ping.detail);

    // CHECK must be able to fail: change tuning's sysctl behind the runtime's back. (Not the address: bridge 1.1.1
    // finds the ipMasq chain to remove through the addresses on the live interface, so flushing them makes the
    // plugin itself leak that chain on DEL whatever prevResult says.)
    await host.exec('ip', ['netns', 'exec', ctr.name, 'sh', '-c', 'echo 128 > /proc/sys/net/core/somaxconn']);
    await assert.rejects(bed.cni.checkNetworkList(bed.list, rt), /somaxconn/);
    console.log('  CHECK after the sysctl was changed behind its back: failed, as it must');

    await bed.cni.delNetworkList(bed.list, rt);
    const after = await bed.inventory({ cid: rt.containerId, ip, ctr });
    assert.equal(after.count, 0, describeInventory(after));
  });
});
