// The repair actions' guards: each re-checks the node right before it changes anything and refuses when what the
// scan saw is no longer true, or when a plan asks for something the doctor must never touch.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResultCache, TEMP_PREFIX } from '../../cache/index.ts';
import type { CommandResult, RunCommand } from '../exec.ts';
import { masqChainName } from '../probes/chain-names.ts';
import type { Finding } from '../types.ts';
import { applyAction } from './apply.ts';
import type { RepairContext } from './context.ts';
import { quarantineEntry, releaseReservation, removeTempFile } from './files.ts';
import { deleteChain, deleteRule } from './iptables.ts';
import { deleteLink, removeNetns } from './kernel.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-repair-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fake node: iptables-save answers from mutable text; every command is recorded. */
function fakeNode(nat: { text: string }): { run: RunCommand; calls: string[] } {
  const calls: string[] = [];
  const run: RunCommand = async (cmd, args): Promise<CommandResult> => {
    calls.push([cmd, ...args].join(' '));
    if (cmd === 'iptables-save') return { code: 0, stdout: nat.text, stderr: '' };
    if (cmd === 'ip' && args[0] === '-j') {
      return {
        code: 0,
        stdout: JSON.stringify([
          { ifindex: 5, ifname: 'vethdeadbeef', master: 'cni9', link_netnsid: 0, linkinfo: { info_kind: 'veth' } },
        ]),
        stderr: '',
      };
    }
    return { code: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

function ctxWith(run: RunCommand, cacheDir = join(dir, 'cache')): RepairContext {
  return {
    run,
    cache: new ResultCache(cacheDir),
    runtime: () => {
      throw new Error('no runtime in this test');
    },
    networks: { networks: [], byName: new Map(), errors: [] },
    netnsDir: join(dir, 'netns'),
    minAgeMs: 300_000,
    lock: { timeoutMs: 2000 },
    now: Date.now,
  };
}

describe('repair guards', () => {
  it('refuses to flush or delete a shared chain, and one still jumped to', async () => {
    const chain = masqChainName('n', 'c');
    const nat = { text: `*nat\n:POSTROUTING ACCEPT [0:0]\n:${chain} - [0:0]\n-A POSTROUTING -j ${chain}\nCOMMIT\n` };
    const node = fakeNode(nat);
    const ctx = ctxWith(node.run);
    await assert.rejects(
      deleteChain(ctx, { family: 4, table: 'nat', chain: 'CNI-HOSTPORT-DNAT' }),
      /not a per-container chain/,
    );
    await assert.rejects(deleteChain(ctx, { family: 4, table: 'nat', chain }), /still referenced/);
    assert.ok(
      !node.calls.some((c) => c.startsWith('iptables ')),
      `no iptables change was made: ${node.calls.join('; ')}`,
    );
  });

  it('a rule that is already gone is not deleted again; one that stays is a failure', async () => {
    const nat = { text: '*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n' };
    const node = fakeNode(nat);
    const rule = { family: 4 as const, table: 'nat', chain: 'POSTROUTING', spec: ['-s', '10.0.0.5/32', '-j', 'X'] };
    assert.equal(await deleteRule(ctxWith(node.run), rule), 'already gone');
    nat.text = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.5/32 -j X\nCOMMIT\n';
    await assert.rejects(deleteRule(ctxWith(node.run), rule), /rule still present/);
    assert.ok(node.calls.includes('iptables -w -t nat -D POSTROUTING -s 10.0.0.5/32 -j X'));
  });

  it('a veth that is no longer an orphan (peer now in a netns) is left alone', async () => {
    const node = fakeNode({ text: '' });
    await assert.rejects(
      deleteLink(ctxWith(node.run), { link: 'vethdeadbeef', ifindex: 5, master: 'cni9' }),
      /changed since the scan/,
    );
    assert.ok(!node.calls.some((c) => c.startsWith('ip link delete')));
  });

  it('removes only netns inside the netns dir', async () => {
    await assert.rejects(removeNetns(ctxWith(fakeNode({ text: '' }).run), '/etc/passwd'), /not in/);
  });

  it("releases a reservation under the lock only while it names the same owner, and never host-local's files", async () => {
    const store = join(dir, 'ipam', 'net');
    await mkdir(store, { recursive: true });
    await writeFile(join(store, '10.0.0.5'), 'new-owner\r\neth0');
    await writeFile(join(store, '10.0.0.6'), 'dead\r\neth0');
    const ctx = ctxWith(fakeNode({ text: '' }).run);
    await assert.rejects(
      releaseReservation(ctx, { path: join(store, '10.0.0.5'), storeDir: store, containerId: 'dead', ip: '10.0.0.5' }),
      /now belongs to new-owner/,
    );
    await assert.rejects(
      releaseReservation(ctx, {
        path: join(store, 'last_reserved_ip.0'),
        storeDir: store,
        containerId: 'dead',
        ip: 'last_reserved_ip.0',
      }),
      /refusing/,
    );
    assert.equal(
      await releaseReservation(ctx, {
        path: join(store, '10.0.0.6'),
        storeDir: store,
        containerId: 'dead',
        ip: '10.0.0.6',
      }),
      'released under lock',
    );
    assert.deepEqual((await readdir(store)).sort(), ['10.0.0.5', 'lock']);
  });

  it('quarantines a cache file only in the state the scan saw', async () => {
    const cacheDir = join(dir, 'cache-q');
    const results = join(cacheDir, 'results');
    await mkdir(results, { recursive: true });
    const path = join(results, 'net-c1-eth0');
    await writeFile(path, '{"kind":"cniCacheV1"');
    const ctx = ctxWith(fakeNode({ text: '' }).run, cacheDir);
    const f: Finding & { path: string } = {
      kind: 'cache-empty',
      path,
      network: 'net',
      containerId: 'c1',
      ifName: 'eth0',
      ageMs: 1e7,
      disposition: 'repair',
    };
    await assert.rejects(quarantineEntry(ctx, f), /changed since the scan \(now corrupt\)/);
    await writeFile(path, '');
    assert.match(await quarantineEntry(ctx, f), /^moved to .*quarantine/);
    assert.deepEqual(await readdir(results), []);
  });

  it('removes only our temp files, and only old ones', async () => {
    const cacheDir = join(dir, 'cache-t');
    const results = join(cacheDir, 'results');
    await mkdir(results, { recursive: true });
    const ctx = ctxWith(fakeNode({ text: '' }).run, cacheDir);
    await assert.rejects(removeTempFile(ctx, join(results, 'net-c1-eth0')), /not a cnikit temp file/);
    const young = join(results, `${TEMP_PREFIX}x`);
    await writeFile(young, '{');
    await assert.rejects(removeTempFile(ctx, young), /written again/);
  });

  it('an action never throws: a failure is an outcome, and a declined one is skipped', async () => {
    const ctx = ctxWith(fakeNode({ text: '' }).run);
    const finding: Finding = {
      kind: 'iptables-stale-chain',
      family: 4,
      table: 'nat',
      chain: 'CNI-FORWARD',
      network: undefined,
      containerId: undefined,
      ifName: undefined,
      ageMs: undefined,
      disposition: 'repair',
    };
    const action = { kind: 'remove' as const, repair: 'iptables-chain' as const, finding };
    const failed = await applyAction(ctx, action);
    assert.equal(failed.status, 'failed');
    const skipped = await applyAction(ctx, action, async () => false);
    assert.deepEqual(skipped, { status: 'skipped', action, detail: 'declined' });
  });
});
