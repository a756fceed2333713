import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandResult, RunCommand } from '../exec.ts';
import { Liveness } from '../liveness.ts';
import { linkFindings, parseLinks, parseNsids, readLinks } from './links.ts';

// The shapes `ip -j -d link show` prints (iproute2 6.1), trimmed to the fields that matter.
const LINKS = JSON.stringify([
  { ifindex: 1, ifname: 'lo', link_type: 'loopback' },
  { ifindex: 2, ifname: 'cni9', linkinfo: { info_kind: 'bridge' } },
  // A working attachment: peer in another netns.
  {
    ifindex: 3,
    link_index: 2,
    ifname: 'veth0a1b2c3d',
    master: 'cni9',
    link_netnsid: 0,
    linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge' },
  },
  // Orphans: peer in the host netns.
  { ifindex: 4, link: 'vethdeadbeef', ifname: 'ceth0', linkinfo: { info_kind: 'veth' } },
  {
    ifindex: 5,
    link: 'ceth0',
    ifname: 'vethdeadbeef',
    master: 'cni9',
    linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge' },
  },
  // Same, but not a name the bridge plugin makes: reported, kept.
  { ifindex: 6, link: 'adminpeer', ifname: 'admin-veth', master: 'cni9', linkinfo: { info_kind: 'veth' } },
  { ifindex: 7, link: 'admin-veth', ifname: 'adminpeer', linkinfo: { info_kind: 'veth' } },
  // On a bridge the conf dir does not name.
  { ifindex: 8, link: 'x2', ifname: 'vethcafef00d', master: 'docker0', linkinfo: { info_kind: 'veth' } },
  // Peer index that resolves nowhere.
  { ifindex: 9, link_index: 77, ifname: 'veth00000001', master: 'cni9', linkinfo: { info_kind: 'veth' } },
]);

function fakeRun(outputs: Record<string, string>): RunCommand {
  return async (cmd, args): Promise<CommandResult> => {
    const key = [cmd, ...args].join(' ');
    const out = outputs[key];
    return out === undefined
      ? { code: 1, stdout: '', stderr: `unexpected ${key}` }
      : { code: 0, stdout: out, stderr: '' };
  };
}

describe('links probe', () => {
  it('parses links and netns ids', () => {
    const links = parseLinks(LINKS);
    assert.equal(links.length, 9);
    assert.deepEqual(links[2], {
      ifindex: 3,
      ifname: 'veth0a1b2c3d',
      master: 'cni9',
      kind: 'veth',
      peerName: undefined,
      peerIfindex: 2,
      peerNsid: 0,
    });
    assert.deepEqual([...parseNsids('[{"nsid":0,"name":"ctr-a"},{"nsid":1}]')], [[0, 'ctr-a']]);
  });

  it('finds veths on CNI bridges whose peer is not in a container, repairing only plugin-made names', async () => {
    const scan = await readLinks(
      fakeRun({ 'ip -j -d link show': LINKS, 'ip -j netns list-id': '[{"nsid":0,"name":"ctr-a"}]' }),
    );
    assert.deepEqual(scan.attached, [
      { link: 'veth0a1b2c3d', master: 'cni9', peerIfindex: 2, peerNsid: 0, peerNetns: 'ctr-a' },
    ]);
    const live = new Liveness({ available: true, sources: [] });
    const got = linkFindings(scan, new Map([['cni9', 'realnet']]), { liveness: live, minAgeMs: 0 });
    const brief = got.map((f) => (f.kind === 'orphan-veth' ? `${f.link} ${f.network} ${f.disposition}` : f.kind));
    assert.deepEqual(brief, [
      'vethdeadbeef realnet repair',
      'admin-veth realnet unknown-owner',
      'veth00000001 realnet repair',
    ]);
  });

  it('repairs nothing when the live set is unavailable', async () => {
    const scan = await readLinks(fakeRun({ 'ip -j -d link show': LINKS }));
    const live = new Liveness({ available: false, sources: [] });
    const got = linkFindings(scan, new Map([['cni9', 'realnet']]), { liveness: live, minAgeMs: 0 });
    assert.ok(got.every((f) => f.disposition === 'liveness-unavailable'));
  });

  it('fails loudly when ip cannot list links', async () => {
    await assert.rejects(readLinks(fakeRun({})), /ip -j -d link show exited 1/);
  });
});
