import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DoctorRun } from './doctor.ts';
import { Liveness } from './liveness.ts';
import { formatAge, renderText, summarize, toReport } from './report.ts';
import type { Scan } from './scan.ts';
import type { Action, Finding } from './types.ts';

function scanOf(findings: Finding[]): Scan {
  return {
    startedAt: Date.UTC(2026, 0, 2),
    durationMs: 12,
    networks: { networks: [], byName: new Map(), errors: [] },
    liveness: new Liveness({ available: true, sources: ['cache'] }),
    external: undefined,
    findings,
    cacheCounts: { ok: 1, netns_gone: 0, intent: 0, empty: 1, corrupt: 0 },
    cacheEntries: 2,
    errors: [],
    netnsHints: new Map(),
    candidates: new Set(),
  };
}

const EMPTY: Finding = {
  kind: 'cache-empty',
  path: '/c/results/net-a-c1-eth0',
  network: 'net-a',
  containerId: 'c1',
  ifName: 'eth0',
  ageMs: 700_000,
  disposition: 'repair',
};
const LEAK: Finding = {
  kind: 'ipam-leak',
  path: '/d/net-a/10.0.0.5',
  ip: '10.0.0.5',
  storeDir: '/d/net-a',
  network: 'net-a',
  containerId: 'c1',
  ifName: 'eth0',
  ageMs: 800_000,
  disposition: 'repair',
};
const VETH: Finding = {
  kind: 'orphan-veth',
  link: 'admin-veth',
  ifindex: 9,
  master: 'cni0',
  reason: 'peer x is in the host netns',
  network: 'net-a',
  containerId: undefined,
  ifName: undefined,
  ageMs: undefined,
  disposition: 'unknown-owner',
};
const DEL: Action = {
  kind: 'del',
  target: { network: 'net-a', containerId: 'c1', ifName: 'eth0', netns: '', netnsSource: 'none' },
  covers: [EMPTY, LEAK],
  removeNetns: undefined,
};

describe('report', () => {
  it('groups findings by network and container, then shows the plan and a summary', () => {
    const s = scanOf([VETH, LEAK, EMPTY]);
    const run: DoctorRun = { mode: 'dry-run', initial: s, plan: [DEL], outcomes: [], final: s, durationMs: 20 };
    const text = renderText(run);
    const lines = text.split('\n');
    const at = (needle: string): number => lines.findIndex((l) => l.includes(needle));
    assert.ok(at('network net-a: 3 finding(s)') >= 0, text);
    assert.ok(at('container c1 (eth0)') > at('network net-a'));
    assert.ok(at('cache-empty') < at('ipam-leak'), 'kinds in report order');
    assert.ok(at('(no container)') > at('ipam-leak'), 'ownerless findings after named containers');
    assert.match(text, /\[keep: owner unknown\]/);
    assert.match(text, /1\. DEL net-a c1 eth0 with no netns \(covers 2 finding\(s\)/);
    assert.match(
      text,
      /3 finding\(s\), 2 repairable \(kept: 1 unknown-owner\); 1 action\(s\) planned\. Run with --fix to apply\.\n$/,
    );
  });

  it('the JSON report carries findings, plan, outcomes, what remains and the counts', () => {
    const initial = scanOf([EMPTY, LEAK]);
    const final = scanOf([]);
    const run: DoctorRun = {
      mode: 'fix',
      initial,
      plan: [DEL],
      outcomes: [{ status: 'done', action: DEL, detail: 'cache empty, prevResult reconstructed' }],
      final,
      durationMs: 20,
    };
    const r = JSON.parse(JSON.stringify(toReport(run))) as ReturnType<typeof toReport>;
    assert.equal(r.mode, 'fix');
    assert.equal(r.startedAt, '2026-01-02T00:00:00.000Z');
    assert.equal(r.findings.length, 2);
    assert.equal(r.plan[0]?.description, 'DEL net-a c1 eth0 with no netns');
    assert.deepEqual(r.outcomes, [
      {
        status: 'done',
        description: 'DEL net-a c1 eth0 with no netns',
        detail: 'cache empty, prevResult reconstructed',
      },
    ]);
    assert.deepEqual(r.remaining, []);
    assert.deepEqual(summarize(run), {
      findings: 2,
      repairable: 2,
      kept: {},
      planned: 1,
      done: 1,
      failed: 0,
      skipped: 0,
      remaining: 0,
      errors: 0,
    });
  });

  it('formats ages', () => {
    assert.deepEqual([5_000, 600_000, 3 * 3_600_000, 3 * 86_400_000].map(formatAge), ['5s', '10m', '3h', '3d']);
    assert.equal(formatAge(undefined), '');
  });
});
