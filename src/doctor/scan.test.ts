import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CacheEntry, ResultCache, TEMP_PREFIX } from '../cache/index.ts';
import { runDoctorOnce } from './doctor.ts';
import type { CommandResult, RunCommand } from './exec.ts';
import { describeAction, plan } from './plan.ts';
import { masqChainName } from './probes/chain-names.ts';
import { type Scan, type ScanOptions, scan } from './scan.ts';
import type { Finding } from './types.ts';

const NET = 'unit';
const HOUR = 3_600_000;
let root: string;
let conf: string;
let cacheDir: string;
let data: string;
let netnsDir: string;
const enc = new TextEncoder();

const CONF = (dataDir: string): string =>
  JSON.stringify({
    cniVersion: '1.0.0',
    name: NET,
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni9',
        ipMasq: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: '10.1.0.0/24' }]], dataDir },
      },
    ],
  });

function entry(cid: string, netns: string, ip: string | undefined): CacheEntry {
  const base = {
    kind: 'cniCacheV1' as const,
    containerId: cid,
    config: enc.encode(CONF(data)),
    ifName: 'eth0',
    networkName: NET,
    netns,
    cniArgs: [],
    capabilityArgs: {},
  };
  return ip === undefined ? base : { ...base, result: { cniVersion: '1.0.0', ips: [{ address: `${ip}/24` }] } };
}

async function age(path: string, ms: number): Promise<void> {
  const t = new Date(Date.now() - ms);
  await utimes(path, t, t);
}

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(`${p} ${(await stat(p)).size}`);
    }
  };
  await walk(dir);
  return out.sort();
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'doctor-scan-'));
  conf = join(root, 'conf');
  cacheDir = join(root, 'cache');
  data = join(root, 'ipam');
  netnsDir = join(root, 'netns');
  await mkdir(conf, { recursive: true });
  await mkdir(netnsDir, { recursive: true });
  await writeFile(join(conf, '10-unit.conflist'), CONF(data));
  await writeFile(join(netnsDir, 'live-ns'), '');
  await writeFile(join(netnsDir, 'intent-ns'), '');
  const cache = new ResultCache(cacheDir);
  const put = async (cid: string, e: CacheEntry, ageMs: number): Promise<void> => {
    await cache.write({ networkName: NET, containerId: cid, ifName: 'eth0' }, e);
    await age(cache.entryPath({ networkName: NET, containerId: cid, ifName: 'eth0' }), ageMs);
  };
  await put('live-1', entry('live-1', join(netnsDir, 'live-ns'), '10.1.0.2'), HOUR);
  await put('gone-1', entry('gone-1', join(netnsDir, 'no-such-ns'), '10.1.0.3'), HOUR);
  await put('intent-1', entry('intent-1', join(netnsDir, 'intent-ns'), undefined), HOUR);
  const results = join(cacheDir, 'results');
  await writeFile(join(results, `${NET}-empty-1-eth0`), '');
  await age(join(results, `${NET}-empty-1-eth0`), HOUR);
  await writeFile(join(results, `${NET}-young-1-eth0`), '');
  await writeFile(join(results, 'zzz-abc-eth0'), '{"not json');
  await age(join(results, 'zzz-abc-eth0'), HOUR);
  await writeFile(join(results, `${TEMP_PREFIX}${NET}-x-eth0-1-aaaa`), '{');
  await age(join(results, `${TEMP_PREFIX}${NET}-x-eth0-1-aaaa`), HOUR);
  const store = join(data, NET);
  await mkdir(store, { recursive: true });
  for (const [ip, owner] of [
    ['10.1.0.2', 'live-1'],
    ['10.1.0.3', 'gone-1'],
    ['10.1.0.5', 'empty-1'],
    ['10.1.0.6', 'orphan-1'],
  ] as const) {
    await writeFile(join(store, ip), `${owner}\r\neth0`);
    await age(join(store, ip), HOUR);
  }
  await writeFile(join(store, 'lock'), '');
  await writeFile(join(store, 'last_reserved_ip.0'), '10.1.0.6');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const LINKS = JSON.stringify([
  { ifindex: 2, ifname: 'cni9', linkinfo: { info_kind: 'bridge' } },
  { ifindex: 4, link: 'vethdeadbeef', ifname: 'ceth0', linkinfo: { info_kind: 'veth' } },
  { ifindex: 5, link: 'ceth0', ifname: 'vethdeadbeef', master: 'cni9', linkinfo: { info_kind: 'veth' } },
]);

function natWith(cid: string): string {
  const chain = masqChainName(NET, cid);
  return [
    '*nat',
    ':POSTROUTING ACCEPT [0:0]',
    `:${chain} - [0:0]`,
    `-A POSTROUTING -s 10.1.0.3/32 -m comment --comment "name: \\"${NET}\\" id: \\"${cid}\\"" -j ${chain}`,
    'COMMIT',
    '',
  ].join('\n');
}

/** A node that answers the doctor's read commands and records every command it is asked to run. */
function fakeNode(): { run: RunCommand; calls: string[] } {
  const calls: string[] = [];
  const out: Record<string, string> = {
    'ip -j -d link show': LINKS,
    'ip -j netns list-id': '[]',
    'iptables-save -t nat': natWith('gone-1'),
    'iptables-save -t filter': '*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n',
    'ip6tables-save -t nat': '*nat\nCOMMIT\n',
    'ip6tables-save -t filter': '*filter\nCOMMIT\n',
  };
  const run: RunCommand = async (cmd, args): Promise<CommandResult> => {
    const key = [cmd, ...args].join(' ');
    calls.push(key);
    if (cmd === '/bin/sh') return { code: 3, stdout: '', stderr: 'crictl: cannot connect' };
    const o = out[key];
    return o === undefined ? { code: 1, stdout: '', stderr: 'no' } : { code: 0, stdout: o, stderr: '' };
  };
  return { run, calls };
}

function options(run: RunCommand, extra: Partial<ScanOptions> = {}): ScanOptions {
  return { cacheDir, confDir: conf, netnsDir, minAgeMs: 300_000, run, ...extra };
}

function brief(fs: readonly Finding[]): string[] {
  return fs
    .map((f) => `${f.kind} ${f.containerId ?? '-'} ${f.disposition}`)
    .filter((s) => !s.startsWith('cache-quarantined'))
    .sort();
}

describe('scan', () => {
  let first: Scan;

  it('finds each kind of leak and judges it against the live set', async () => {
    first = await scan(options(fakeNode().run));
    assert.deepEqual(first.errors, []);
    assert.deepEqual(first.liveness.liveIds(), ['live-1']);
    assert.deepEqual(first.cacheCounts, { ok: 1, netns_gone: 1, intent: 1, empty: 2, corrupt: 1 });
    assert.deepEqual(brief(first.findings), [
      'cache-corrupt - repair',
      'cache-empty empty-1 repair',
      'cache-empty young-1 young',
      'cache-intent intent-1 repair',
      'cache-netns-gone gone-1 repair',
      'cache-temp-stale - repair',
      'ipam-leak empty-1 repair',
      'ipam-leak gone-1 repair',
      'ipam-leak orphan-1 repair',
      'iptables-stale-chain gone-1 repair',
      'iptables-stale-rule gone-1 repair',
      'leaked-netns intent-1 repair',
      'orphan-veth - repair',
    ]);
  });

  it('plans a DEL per dead attachment, then removals of what no DEL covers, in a safe order', () => {
    const actions = plan(first, { allowDel: true }).map(describeAction);
    assert.deepEqual(actions, [
      `DEL ${NET} gone-1 eth0 with no netns`,
      `DEL ${NET} intent-1 eth0 with netns ${join(netnsDir, 'intent-ns')} (cached), then remove netns ${join(netnsDir, 'intent-ns')}`,
      `DEL ${NET} empty-1 eth0 with no netns`,
      `DEL ${NET} orphan-1 eth0 with no netns`,
      'delete link vethdeadbeef (on cni9)',
      `quarantine ${join(cacheDir, 'results', 'zzz-abc-eth0')}`,
      `remove temp file ${join(cacheDir, 'results', `${TEMP_PREFIX}${NET}-x-eth0-1-aaaa`)}`,
    ]);
    const del = plan(first, { allowDel: true })[0];
    assert.equal(del?.kind, 'del');
    if (del?.kind === 'del')
      assert.deepEqual(brief(del.covers), [
        'cache-netns-gone gone-1 repair',
        'ipam-leak gone-1 repair',
        'iptables-stale-chain gone-1 repair',
        'iptables-stale-rule gone-1 repair',
      ]);
  });

  it('without DELs (second pass) every finding is removed directly, rules before chains', () => {
    const kinds = plan(first, { allowDel: false }).map((a) => (a.kind === 'remove' ? a.repair : a.kind));
    assert.deepEqual(kinds, [
      'iptables-rule',
      'iptables-chain',
      'link',
      'ipam-reservation',
      'ipam-reservation',
      'ipam-reservation',
      'netns',
      'cache-quarantine',
      'cache-quarantine',
      'cache-quarantine',
      'cache-quarantine',
      'temp-file',
    ]);
  });

  it('--live-from makes a container live: its findings are kept and no DEL is planned for it', async () => {
    const file = join(root, 'live.txt');
    await writeFile(file, '# from crictl\norphan-1\n\ngone-1\n');
    const s = await scan(options(fakeNode().run, { live: { liveFrom: file } }));
    assert.ok(s.liveness.isLive('orphan-1') && s.liveness.isLive('gone-1'));
    const dels = plan(s, { allowDel: true })
      .filter((a) => a.kind === 'del')
      .map((a) => (a.kind === 'del' ? a.target.containerId : ''));
    assert.deepEqual(dels.sort(), ['empty-1', 'intent-1']);
    assert.ok(!s.findings.some((f) => f.containerId === 'orphan-1' && f.disposition === 'repair'));
  });

  it('a failing --live-cmd withholds every repair (unknown means live)', async () => {
    const s = await scan(options(fakeNode().run, { live: { liveCmd: 'crictl pods -q' } }));
    assert.equal(s.liveness.available, false);
    assert.match(s.liveness.error ?? '', /crictl: cannot connect/);
    assert.ok(s.findings.length > 0);
    assert.ok(s.findings.every((f) => f.disposition === 'liveness-unavailable' || f.disposition === 'report-only'));
    assert.deepEqual(plan(s, { allowDel: true }), []);
  });

  it('a cache dir without results/ (a wrong --cache-dir?) judges nothing dead unless the runtime is asked', async () => {
    const wrong = await scan(options(fakeNode().run, { cacheDir: join(root, 'no-such-cache') }));
    assert.equal(wrong.liveness.available, false);
    assert.match(wrong.liveness.error ?? '', /wrong --cache-dir/);
    assert.ok(wrong.findings.some((f) => f.kind === 'ipam-leak'));
    assert.deepEqual(plan(wrong, { allowDel: true }), []);
    const file = join(root, 'live-none.txt');
    await writeFile(file, '');
    const asked = await scan(
      options(fakeNode().run, { cacheDir: join(root, 'no-such-cache'), live: { liveFrom: file } }),
    );
    assert.equal(asked.liveness.available, true);
  });

  it('--container-id scopes the findings to one container', async () => {
    const s = await scan(options(fakeNode().run, { containerId: 'gone-1' }));
    assert.ok(s.findings.length > 0);
    assert.ok(s.findings.every((f) => f.containerId === 'gone-1'));
  });

  it('a grace period of a day keeps everything with an age', async () => {
    const s = await scan(options(fakeNode().run, { minAgeMs: 24 * HOUR }));
    const repaired = s.findings.filter((f) => f.disposition === 'repair' && f.ageMs !== undefined);
    assert.deepEqual(repaired, []);
  });

  it('a dry run only reads: no file changes, and only read-only commands run', async () => {
    const before = await listAll(root);
    const node = fakeNode();
    const run = await runDoctorOnce({ cacheDir, confDir: conf, netnsDir, path: [], minAgeMs: 300_000, run: node.run });
    assert.equal(run.mode, 'dry-run');
    assert.ok(run.plan.length > 0);
    assert.deepEqual(run.outcomes, []);
    assert.deepEqual(await listAll(root), before);
    const readOnly =
      /^(ip -j -d link show|ip -j netns list-id|ip -n \S+ -j addr show|ip6?tables-save -t (nat|filter))$/;
    assert.deepEqual(
      node.calls.filter((c) => !readOnly.test(c)),
      [],
    );
  });
});
