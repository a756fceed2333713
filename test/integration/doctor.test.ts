// Issue 9: `cnikit doctor` against the real thing. In a private host netns with Debian's reference plugins, one
// attachment stays live while every kind of leak is made next to it; the doctor (the bundled CLI, run inside the
// host netns) must find each one in a dry run without changing anything, remove each one with --fix while the live
// attachment keeps working, and find nothing on a second run.
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ResultCache, TEMP_PREFIX } from '../../src/cache/index.ts';
import { CLI, ensureBuilt } from '../cli/helpers.ts';
import {
  type ContainerNetns,
  describeInventory,
  gatewayOf,
  type HostNetns,
  masqChain,
  reachGateway,
  run,
  SHARED_CHAINS,
  skipUnlessRoot,
  withHostNetns,
} from '../helpers/index.ts';
import { firstIp, makeTestbed, type Testbed } from '../helpers/testbed.ts';

const skip = skipUnlessRoot('integration/doctor');
const HOUR = 3_600_000;

before(() => {
  if (skip === false) ensureBuilt();
});

interface DoctorJson {
  readonly mode: string;
  readonly findings: readonly {
    kind: string;
    containerId?: string;
    disposition: string;
    link?: string;
    chain?: string;
    ip?: string;
  }[];
  readonly plan: readonly { description: string }[];
  readonly outcomes: readonly { status: string; description: string; detail: string }[];
  readonly remaining?: readonly { kind: string; disposition: string }[];
  readonly errors: readonly { probe: string; message: string }[];
  readonly summary: { findings: number; repairable: number; done: number; failed: number; remaining: number };
}

async function doctor(
  host: HostNetns,
  bed: Testbed,
  extra: readonly string[],
): Promise<{ code: number | null; json: DoctorJson; stderr: string }> {
  const args = [CLI, 'doctor', ...bed.doctorArgs(), '--json', ...extra];
  const r = await host.exec(process.execPath, args, { timeoutMs: 180_000 });
  let json: DoctorJson;
  try {
    json = JSON.parse(r.stdout) as DoctorJson;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, json, stderr: r.stderr };
}

async function age(path: string, ms: number): Promise<void> {
  const t = new Date(Date.now() - ms);
  await utimes(path, t, t);
}

/** Everything a doctor run could change, as text: links, addresses, iptables, files, netns. */
async function nodeState(host: HostNetns, ctrs: readonly ContainerNetns[]): Promise<string> {
  const parts: string[] = [];
  const links = await host.ipJson(['link', 'show']);
  if (Array.isArray(links)) {
    for (const l of links as { ifname?: string; master?: string; ifindex?: number }[])
      parts.push(`link ${l.ifindex} ${l.ifname} ${l.master ?? '-'}`);
  }
  for (const tool of ['iptables-save', 'ip6tables-save']) {
    const r = await host.exec(tool, []);
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith('#') || line === '') continue;
      parts.push(`${tool} ${line.replace(/\[\d+:\d+\]/, '')}`);
    }
  }
  for (const c of ctrs) {
    const r = await run('ip', ['-n', c.name, '-o', 'addr', 'show']);
    parts.push(`ctr ${c.name} ${r.code} ${r.stdout.replace(/\s+valid_lft.*$/gm, '')}`);
  }
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.name.startsWith('shims')) continue;
      if (e.isDirectory()) await walk(p);
      else {
        const st = await lstat(p);
        parts.push(`file ${p} ${st.size} ${st.mtimeMs}`);
      }
    }
  };
  await walk(host.dir);
  const ns = await run('ip', ['netns', 'list']);
  parts.push(
    ...ns.stdout
      .split('\n')
      .filter((l) => l.startsWith(host.name))
      .sort(),
  );
  return parts.join('\n');
}

function has(json: DoctorJson, kind: string, cid: string | undefined, disposition = 'repair'): boolean {
  return json.findings.some((f) => f.kind === kind && f.containerId === cid && f.disposition === disposition);
}

test('doctor: finds every kind of leak dry, repairs them with --fix next to a live attachment, then finds nothing', {
  skip,
  timeout: 600_000,
}, async () => {
  await withHostNetns(async (host) => {
    const bed = await makeTestbed(host);
    const cache = new ResultCache(bed.cacheDir);
    const store = join(bed.ipamDir, bed.name);
    const gw = gatewayOf('10.222.0.0/24');
    const key = (cid: string) => ({ networkName: bed.name, containerId: cid, ifName: 'eth0' });

    // The live attachment: it must work before and after.
    const ctrLive = await host.addContainer('live');
    const liveIp = firstIp(await bed.cni.addNetworkList(bed.list, bed.rt('live-0001', ctrLive)));
    assert.ok(liveIp !== undefined);
    assert.ok((await reachGateway(host.name, ctrLive.name, gw)).ok, 'the live container reaches its gateway');
    const liveBefore = await bed.inventory({ cid: 'live-0001', ip: liveIp, ctr: ctrLive });

    // 1. A 0-byte cache entry while the kernel state is alive (a crash during the cache write).
    const ctrEmpty = await host.addContainer('empty');
    const emptyIp = firstIp(await bed.cni.addNetworkList(bed.list, bed.rt('empty-0001', ctrEmpty)));
    assert.ok(emptyIp !== undefined);
    await truncate(bed.cacheFile('empty-0001'), 0);

    // 2. An intent record: the ADD's plugins ran, then the runtime died before committing the result.
    const ctrIntent = await host.addContainer('intent');
    const intentIp = firstIp(await bed.cni.addNetworkList(bed.list, bed.rt('intent-0001', ctrIntent)));
    assert.ok(intentIp !== undefined);
    const read = await cache.read(key('intent-0001'));
    assert.equal(read.state, 'ok');
    if (read.state === 'ok') {
      const { result: _done, ...intent } = read.entry;
      await cache.write(key('intent-0001'), intent);
    }

    // 3. A container whose netns is gone (its veth died with it) but whose DEL never came.
    const ctrGone = await host.addContainer('gone');
    const goneIp = firstIp(await bed.cni.addNetworkList(bed.list, bed.rt('gone-0001', ctrGone)));
    assert.ok(goneIp !== undefined);
    await host.removeContainer(ctrGone);

    // 4. A host-local reservation nobody owns.
    const orphanRes = join(store, '10.222.0.200');
    await writeFile(orphanRes, 'orphan-0001\r\neth0');

    // 5. An orphan veth on the bridge (its peer is in the host netns, no container's).
    await host.exec('ip', ['link', 'add', 'vethdead0001', 'type', 'veth', 'peer', 'name', 'orphanpeer0']);
    await host.exec('ip', ['link', 'set', 'vethdead0001', 'master', 'cnikit0']);

    // 6. A stale per-container chain and its commented jump, of a container the node never cached.
    const ghost = masqChain(bed.name, 'ghost-0001');
    await host.exec('iptables', ['-t', 'nat', '-N', ghost]);
    await host.exec('iptables', ['-t', 'nat', '-A', ghost, '-d', '10.222.0.0/24', '-j', 'ACCEPT']);
    const comment = `name: "${bed.name}" id: "ghost-0001"`;
    await host.exec('iptables', [
      '-t',
      'nat',
      '-A',
      'POSTROUTING',
      '-s',
      '10.222.0.201/32',
      '-m',
      'comment',
      '--comment',
      comment,
      '-j',
      ghost,
    ]);

    // 7. A writer's temp file, and 8. a young empty entry the grace period must protect.
    const temp = join(bed.cacheDir, 'results', `${TEMP_PREFIX}${bed.name}-x-eth0-1-abcd`);
    await writeFile(temp, '{"kind":');
    const young = bed.cacheFile('young-0001');
    await writeFile(young, '');

    // Everything but the young entry (and the live attachment) happened an hour ago.
    for (const cid of ['empty-0001', 'intent-0001', 'gone-0001']) await age(bed.cacheFile(cid), HOUR);
    for (const name of await readdir(store)) if (/^\d/.test(name)) await age(join(store, name), HOUR);
    await age(temp, HOUR);
    await mkdir(join(bed.cacheDir, 'quarantine'), { recursive: true });

    // --- dry run: finds each, changes nothing ---
    const ctrs = [ctrLive, ctrEmpty, ctrIntent];
    const before = await nodeState(host, ctrs);
    const dry = await doctor(host, bed, []);
    assert.deepEqual(dry.json.errors, [], dry.stderr);
    assert.equal(dry.code, 3, 'exit 3: leaks found');
    assert.equal(await nodeState(host, ctrs), before, 'a dry run changed the node');
    const expected: [string, string | undefined][] = [
      ['cache-empty', 'empty-0001'],
      ['ipam-leak', 'empty-0001'],
      ['iptables-stale-chain', 'empty-0001'],
      ['iptables-stale-rule', 'empty-0001'],
      ['cache-intent', 'intent-0001'],
      ['leaked-netns', 'intent-0001'],
      ['ipam-leak', 'intent-0001'],
      ['cache-netns-gone', 'gone-0001'],
      ['ipam-leak', 'gone-0001'],
      ['iptables-stale-chain', 'gone-0001'],
      ['ipam-leak', 'orphan-0001'],
      ['orphan-veth', undefined],
      ['iptables-stale-chain', 'ghost-0001'],
      ['iptables-stale-rule', 'ghost-0001'],
      ['cache-temp-stale', undefined],
    ];
    for (const [kind, cid] of expected)
      assert.ok(
        has(dry.json, kind, cid),
        `dry run finds ${kind} ${cid ?? ''}: ${JSON.stringify(dry.json.findings, null, 1)}`,
      );
    assert.ok(has(dry.json, 'cache-empty', 'young-0001', 'young'), 'the young entry is found and kept');
    assert.ok(
      !dry.json.findings.some((f) => f.containerId === 'live-0001'),
      'nothing of the live attachment is a finding',
    );
    const plan = dry.json.plan.map((p) => p.description);
    console.log(`  dry run: ${dry.json.summary.findings} findings, plan:\n    ${plan.join('\n    ')}`);
    assert.ok(
      plan.some((p) =>
        p.startsWith(`DEL ${bed.name} empty-0001 eth0 with netns /run/netns/${ctrEmpty.name} (discovered)`),
      ),
      "the 0-byte entry's netns is discovered",
    );
    assert.ok(
      plan.some((p) => p.includes(`intent-0001 eth0 with netns ${ctrIntent.path} (cached), then remove netns`)),
    );

    // --- fix: each leak gone, the live attachment untouched and working ---
    const fix = await doctor(host, bed, ['--fix']);
    console.log(`  fix: ${fix.json.outcomes.map((o) => `${o.status} ${o.description}: ${o.detail}`).join('\n    ')}`);
    assert.deepEqual(fix.json.errors, [], fix.stderr);
    assert.equal(fix.json.summary.failed, 0, JSON.stringify(fix.json.outcomes, null, 1));
    assert.deepEqual(
      fix.json.remaining?.filter((f) => f.disposition === 'repair'),
      [],
    );
    assert.equal(fix.code, 0, fix.stderr);

    for (const [cid, ip, ctr] of [
      ['empty-0001', emptyIp, ctrEmpty],
      ['intent-0001', intentIp, ctrIntent],
      ['gone-0001', goneIp, undefined],
    ] as const) {
      const inv = await bed.inventory({ cid, ip, ...(ctr === undefined ? {} : { ctr }) });
      // The inventory lists every veth of the host netns; the live container's is checked below.
      assert.equal(inv.count - inv.hostVeths.length, 0, `${cid}: ${describeInventory(inv)}`);
    }
    assert.equal(
      (await run('ip', ['netns', 'list'])).stdout.includes(ctrIntent.name),
      false,
      "the dead intent's netns is removed",
    );
    assert.equal((await host.exec('ip', ['link', 'show', 'vethdead0001'])).code !== 0, true, 'orphan veth removed');
    const save = (await host.exec('iptables-save', [])).stdout;
    assert.ok(!save.includes(ghost) && !save.includes('ghost-0001'), 'ghost chain and jump removed');
    for (const shared of SHARED_CHAINS)
      if (shared !== 'CNI-ADMIN') assert.ok(save.includes(`:${shared} `), `shared chain ${shared} kept`);
    await assert.rejects(stat(orphanRes), 'orphan reservation released');
    await assert.rejects(stat(temp), 'temp file removed');
    await stat(young);
    assert.ok(
      (await readdir(join(bed.cacheDir, 'quarantine'))).some((n) => n.startsWith(`${bed.name}-empty-0001-eth0.`)),
      'the 0-byte entry is quarantined, not deleted',
    );
    const liveAfter = await bed.inventory({ cid: 'live-0001', ip: liveIp, ctr: ctrLive });
    assert.deepEqual(
      { ...liveAfter, quarantined: [] },
      liveBefore,
      'the live attachment is exactly as it was, and its veth is the only one left',
    );
    assert.equal(liveAfter.hostVeths.length, 1, describeInventory(liveAfter));
    const ping = await reachGateway(host.name, ctrLive.name, gw);
    assert.ok(ping.ok, `the live container still reaches its gateway: ${ping.detail}`);

    // --- again: nothing to do ---
    const again = await doctor(host, bed, []);
    assert.equal(again.code, 0, JSON.stringify(again.json.findings));
    assert.deepEqual(
      again.json.findings.filter((f) => f.disposition === 'repair'),
      [],
    );
    assert.deepEqual(
      [...new Set(again.json.findings.map((f) => `${f.kind} ${f.containerId ?? ''} ${f.disposition}`))].sort(),
      ['cache-empty young-0001 young', 'cache-quarantined  report-only'],
    );
    assert.deepEqual(again.json.plan, []);

    await bed.cni.delNetworkList(bed.list, bed.rt('live-0001', ctrLive));
  });
});
