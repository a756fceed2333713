// Issue 9: the doctor's safety rails and its fleet mode on the real thing. The runtime's live set (--live-cmd) keeps
// an attachment the cache alone would call dead; a runtime that cannot answer stops every repair; --watch serves
// /metrics (bound to 127.0.0.1 inside the private host netns) and keeps the textfile current until SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, truncate, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { CLI, ensureBuilt } from '../cli/helpers.ts';
import { describeInventory, type HostNetns, run, skipUnlessRoot, withHostNetns } from '../helpers/index.ts';
import { firstIp, makeTestbed, type Testbed, waitFor } from '../helpers/testbed.ts';

const skip = skipUnlessRoot('integration/doctor-live-watch');
const HOUR = 3_600_000;

before(() => {
  if (skip === false) ensureBuilt();
});

/** Two attachments whose cache entries were emptied an hour ago (a crash), kernel state alive. */
async function twoBroken(host: HostNetns, bed: Testbed): Promise<{ ips: Record<string, string> }> {
  const ips: Record<string, string> = {};
  for (const cid of ['keep-0001', 'drop-0001']) {
    const ctr = await host.addContainer(cid.slice(0, 4));
    const ip = firstIp(await bed.cni.addNetworkList(bed.list, bed.rt(cid, ctr)));
    assert.ok(ip !== undefined);
    ips[cid] = ip;
    await truncate(bed.cacheFile(cid), 0);
    const t = new Date(Date.now() - HOUR);
    await utimes(bed.cacheFile(cid), t, t);
    await utimes(join(bed.ipamDir, bed.name, ip), t, t);
  }
  return { ips };
}

test("doctor: the runtime's live set protects an attachment; a runtime that cannot answer stops all repairs", {
  skip,
  timeout: 300_000,
}, async () => {
  await withHostNetns(async (host) => {
    const bed = await makeTestbed(host);
    const { ips } = await twoBroken(host, bed);
    const save = async (): Promise<string> => (await host.exec('iptables-save', [])).stdout.replace(/^#.*$/gm, '');

    // The runtime is down: exit 1, and nothing may change.
    const before = `${await save()}${JSON.stringify(await bed.inventory())}`;
    const down = await host.exec(process.execPath, [
      CLI,
      'doctor',
      ...bed.doctorArgs(),
      '--fix',
      '--json',
      '--live-cmd',
      'echo "runtime unreachable" >&2; exit 1',
    ]);
    assert.equal(down.code, 1, down.stderr);
    const downJson = JSON.parse(down.stdout) as {
      outcomes: unknown[];
      liveness: { available: boolean; error: string };
    };
    assert.equal(downJson.liveness.available, false);
    assert.match(downJson.liveness.error, /runtime unreachable/);
    assert.deepEqual(downJson.outcomes, []);
    assert.equal(`${await save()}${JSON.stringify(await bed.inventory())}`, before, 'nothing changed');

    // The runtime knows keep-0001: only drop-0001 is torn down.
    const fix = await host.exec(process.execPath, [
      CLI,
      'doctor',
      ...bed.doctorArgs(),
      '--fix',
      '--json',
      '--live-cmd',
      'printf "keep-0001\\n"',
    ]);
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    const keep = await bed.inventory({ cid: 'keep-0001', ip: ips['keep-0001'] });
    const drop = await bed.inventory({ cid: 'drop-0001', ip: ips['drop-0001'] });
    assert.equal(keep.ipamFiles.length, 1, describeInventory(keep));
    assert.equal(keep.cacheFiles.length, 1, "the live container's (broken) entry is left for its runtime");
    assert.ok(keep.iptables.length >= 9, describeInventory(keep));
    assert.equal(drop.count - drop.hostVeths.length, 0, describeInventory(drop));
    assert.equal(drop.hostVeths.length, 1, "only keep-0001's veth is left");
  });
});

test('doctor --watch: serves /metrics on 127.0.0.1, writes the textfile, stops cleanly on SIGTERM', {
  skip,
  timeout: 120_000,
}, async () => {
  await withHostNetns(async (host) => {
    const bed = await makeTestbed(host);
    await twoBroken(host, bed);
    const prom = join(host.dir, 'cnikit.prom');
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        host.name,
        process.execPath,
        CLI,
        'doctor',
        ...bed.doctorArgs(),
        '--watch',
        '--interval',
        '500ms',
        '--listen',
        '127.0.0.1:0',
        '--metrics-file',
        prom,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor('the listening line', async () => /serving \/metrics on 127\.0\.0\.1:\d+/.test(stderr));
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1]);
      await waitFor('two runs', async () => (stderr.match(/finding\(s\)/g) ?? []).length >= 2);
      const fetch = `require('http').get('http://127.0.0.1:${port}/metrics',r=>{let b='';r.on('data',d=>b+=d);r.on('end',()=>console.log(b))})`;
      const body = (await run('ip', ['netns', 'exec', host.name, process.execPath, '-e', fetch])).stdout;
      assert.match(body, /^cnikit_cache_entries\{state="empty"\} 2$/m, body);
      assert.match(body, /^cnikit_leaked_ipam_reservations 2$/m);
      assert.match(body, /^cnikit_stale_iptables_chains 4$/m);
      assert.match(body, /^cnikit_doctor_last_run_timestamp_seconds \d+/m);
      const file = await readFile(prom, 'utf8');
      assert.match(file, /^cnikit_cache_entries\{state="empty"\} 2$/m);
      // Dry run by default: nothing was repaired.
      assert.doesNotMatch(body, /^cnikit_repairs_total\{/m);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
  });
});
