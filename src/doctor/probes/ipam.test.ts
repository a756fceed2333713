import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfigList } from '../../config/index.ts';
import { Liveness } from '../liveness.ts';
import { describeNetwork } from '../networks.ts';
import { holdReservedIps, ipamFindings, noteReservations, parseReservation, probeIpam } from './ipam.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-ipam-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

async function store(name: string, files: Record<string, string>, ageMs: number): Promise<string> {
  const d = join(dir, 'data', name);
  await mkdir(d, { recursive: true });
  const t = new Date(Date.now() - ageMs);
  for (const [f, text] of Object.entries(files)) {
    await writeFile(join(d, f), text);
    await utimes(join(d, f), t, t);
  }
  return d;
}

function network(name: string) {
  const conf = {
    cniVersion: '1.0.0',
    name,
    plugins: [{ type: 'bridge', ipam: { type: 'host-local', subnet: '10.1.0.0/24' } }],
  };
  return describeNetwork(parseConfigList(JSON.stringify(conf)), '/conf/x.conflist', join(dir, 'data'));
}

describe('parseReservation', () => {
  it('reads both formats host-local has written', () => {
    assert.deepEqual(parseReservation('abc\r\neth0'), { containerId: 'abc', ifName: 'eth0' });
    assert.deepEqual(parseReservation('abc\neth1\n'), { containerId: 'abc', ifName: 'eth1' });
    assert.deepEqual(parseReservation('abc'), { containerId: 'abc', ifName: undefined });
    assert.deepEqual(parseReservation(''), { containerId: undefined, ifName: undefined });
  });
});

describe('IPAM probe', () => {
  it("reports reservations of dead owners; skips live ones and host-local's own files", async () => {
    await store(
      'net1',
      {
        '10.1.0.2': 'live-1\r\neth0',
        '10.1.0.3': 'dead-1\r\neth0',
        '10.1.0.4': 'old-fmt',
        lock: '',
        'last_reserved_ip.0': '10.1.0.4',
        'not-an-ip': 'x',
      },
      HOUR,
    );
    const scan = await probeIpam([network('net1')], Date.now());
    assert.deepEqual(scan.reservations.map((r) => r.ip).sort(), ['10.1.0.2', '10.1.0.3', '10.1.0.4']);
    const live = new Liveness({ available: true, sources: ['cache'] });
    live.addLive('live-1');
    noteReservations(scan, live, 300_000);
    holdReservedIps(scan, live);
    assert.equal(live.holdsIp('10.1.0.2'), true);
    assert.equal(live.holdsIp('10.1.0.3'), false);
    const got = ipamFindings(scan, { liveness: live, minAgeMs: 300_000 })
      .map((f) => (f.kind === 'ipam-leak' ? `${f.ip} ${f.containerId} ${f.ifName ?? '-'} ${f.disposition}` : f.kind))
      .sort();
    assert.deepEqual(got, ['10.1.0.3 dead-1 eth0 repair', '10.1.0.4 old-fmt - repair']);
  });

  it('keeps reservations younger than --min-age and marks their owner young', async () => {
    await store('net2', { '10.1.0.9': 'new-1\r\neth0' }, 1000);
    const scan = await probeIpam([network('net2')], Date.now());
    const live = new Liveness({ available: true, sources: ['cache'] });
    noteReservations(scan, live, 300_000);
    assert.equal(live.isYoung('new-1'), true);
    assert.equal(live.isYoungIp('10.1.0.9'), true);
    const [f] = ipamFindings(scan, { liveness: live, minAgeMs: 300_000 });
    assert.equal(f?.disposition, 'young');
  });

  it('an empty reservation file has no owner we can name: kept', async () => {
    await store('net3', { '10.1.0.11': '' }, HOUR);
    const scan = await probeIpam([network('net3')], Date.now());
    const live = new Liveness({ available: true, sources: ['cache'] });
    holdReservedIps(scan, live);
    assert.equal(live.holdsIp('10.1.0.11'), true);
    const [f] = ipamFindings(scan, { liveness: live, minAgeMs: 0 });
    assert.equal(f?.disposition, 'unknown-owner');
  });

  it('a missing store is empty, not an error', async () => {
    const scan = await probeIpam([network('never-used')], Date.now());
    assert.deepEqual(scan.reservations, []);
    assert.deepEqual(scan.errors, []);
  });
});
