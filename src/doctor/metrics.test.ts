import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DoctorRun } from './doctor.ts';
import { Liveness } from './liveness.ts';
import { DoctorMetrics, METRIC_NAMES, writeMetricsFile } from './metrics.ts';
import type { Scan } from './scan.ts';
import type { Finding } from './types.ts';
import { metricsServer, parseListen, watch } from './watch.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-metrics-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const none = { network: undefined, containerId: undefined, ifName: undefined, ageMs: undefined } as const;
const FINDINGS: Finding[] = [
  { ...none, kind: 'ipam-leak', path: '/d/n/10.0.0.5', ip: '10.0.0.5', storeDir: '/d/n', disposition: 'repair' },
  { ...none, kind: 'ipam-leak', path: '/d/n/10.0.0.6', ip: '10.0.0.6', storeDir: '/d/n', disposition: 'young' },
  {
    ...none,
    kind: 'orphan-veth',
    link: 'vethdeadbeef',
    ifindex: 5,
    master: 'cni0',
    reason: 'x',
    disposition: 'repair',
  },
  { ...none, kind: 'iptables-stale-chain', family: 4, table: 'nat', chain: 'CNI-x', disposition: 'unknown-owner' },
];

function fakeScan(findings: readonly Finding[]): Scan {
  const liveness = new Liveness({ available: true, sources: ['cache'] });
  liveness.addLive('a');
  liveness.addLive('b');
  return {
    startedAt: 0,
    durationMs: 1500,
    networks: { networks: [], byName: new Map(), errors: [] },
    liveness,
    external: undefined,
    findings,
    cacheCounts: { ok: 7, netns_gone: 1, intent: 0, empty: 2, corrupt: 1 },
    cacheEntries: 11,
    errors: [{ probe: 'iptables', message: 'ip6tables-save: not found' }],
    netnsHints: new Map(),
    candidates: new Set(),
  };
}

function fakeRun(): DoctorRun {
  const s = fakeScan(FINDINGS);
  const del = {
    kind: 'del' as const,
    target: { network: 'n', containerId: 'c', ifName: 'eth0', netns: '', netnsSource: 'none' as const },
    covers: [],
    removeNetns: undefined,
  };
  const rm1 = { kind: 'remove' as const, repair: 'link' as const, finding: FINDINGS[2] as Finding };
  return {
    mode: 'fix',
    initial: s,
    plan: [del, rm1],
    outcomes: [
      { status: 'done', action: del, detail: '' },
      { status: 'failed', action: rm1, error: 'x' },
    ],
    final: s,
    durationMs: 10,
  };
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  it("renders every metric with the run's counts", async () => {
    const m = await DoctorMetrics.create();
    m.update(fakeRun(), 1_700_000_000_000);
    const text = await m.text();
    for (const name of METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    assert.equal(value(text, 'cnikit_cache_entries{state="empty"}'), 2);
    assert.equal(value(text, 'cnikit_cache_entries{state="netns_gone"}'), 1);
    assert.equal(value(text, 'cnikit_leaked_ipam_reservations'), 1, 'a young reservation is not counted as leaked');
    assert.equal(value(text, 'cnikit_orphan_links'), 1);
    assert.equal(value(text, 'cnikit_stale_iptables_chains'), 1);
    assert.equal(value(text, 'cnikit_doctor_findings{kind="ipam-leak",disposition="young"}'), 1);
    assert.equal(value(text, 'cnikit_repairs_total{kind="del"}'), 1);
    assert.equal(value(text, 'cnikit_repair_failures_total{kind="link"}'), 1);
    assert.equal(value(text, 'cnikit_doctor_probe_errors{probe="iptables"}'), 1);
    assert.equal(value(text, 'cnikit_live_containers'), 2);
    assert.equal(value(text, 'cnikit_doctor_live_set_available'), 1);
    assert.equal(value(text, 'cnikit_doctor_last_run_timestamp_seconds'), 1_700_000_000);
    assert.equal(value(text, 'cnikit_doctor_scan_duration_seconds'), 1.5);
    // Counters accumulate over a watch process's runs.
    m.update(fakeRun());
    assert.equal(value(await m.text(), 'cnikit_repairs_total{kind="del"}'), 2);
  });

  it('writes the textfile atomically and leaves no temp file', async () => {
    const path = join(dir, 'cnikit.prom');
    await writeMetricsFile(path, 'a 1\n');
    await writeMetricsFile(path, 'a 2\n');
    assert.equal(await readFile(path, 'utf8'), 'a 2\n');
    assert.deepEqual(await readdir(dir), ['cnikit.prom']);
  });
});

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('watch', () => {
  it('parses listen addresses', () => {
    assert.deepEqual(parseListen(':9750'), { host: undefined, port: 9750 });
    assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseListen('[::1]:9750'), { host: '::1', port: 9750 });
    assert.equal(parseListen('9750'), undefined);
    assert.equal(parseListen(':99999'), undefined);
  });

  it('serves /metrics and /healthz', async () => {
    const m = await DoctorMetrics.create();
    m.update(fakeRun());
    const srv = metricsServer(m);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const addr = srv.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    try {
      const metrics = await get(port, '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.type, /^text\/plain/);
      assert.match(metrics.body, /cnikit_orphan_links 1/);
      assert.equal((await get(port, '/healthz')).body, 'ok\n');
      assert.equal((await get(port, '/nope')).status, 404);
    } finally {
      srv.close();
    }
  });

  it('runs the doctor every interval, serves and writes its metrics, and stops on abort', async () => {
    const controller = new AbortController();
    const runs: number[] = [];
    let port = 0;
    const metricsFile = join(dir, 'watch.prom');
    const done = watch({
      doctor: {
        cacheDir: join(dir, 'no-cache'),
        confDir: join(dir, 'no-conf'),
        path: [],
        skip: new Set(['links', 'iptables', 'netns']),
        run: async () => ({ code: 1, stdout: '', stderr: 'unused' }),
      },
      intervalMs: 50,
      listen: { host: '127.0.0.1', port: 0 },
      metricsFile,
      signal: controller.signal,
      onListening: (a) => {
        port = a.port;
      },
      onRun: (run, error) => {
        assert.equal(error, undefined);
        runs.push(run?.final.cacheEntries ?? -1);
        if (runs.length === 3) controller.abort();
      },
    });
    await done;
    assert.equal(runs.length, 3);
    assert.match(await readFile(metricsFile, 'utf8'), /cnikit_doctor_last_run_timestamp_seconds \d/);
    await assert.rejects(get(port, '/metrics'), 'the server is closed after the loop ends');
  });
});
