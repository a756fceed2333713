// Issue 9: `cnikit doctor` as a command (the bundled CLI): usage errors, exit codes, --json, --metrics-file. Runs
// only the file probes (kernel probes skipped), so it needs no root and no network namespace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI, ensureBuilt } from '../cli/helpers.ts';

let dir: string;
before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'doctor-cli-'));
  mkdirSync(join(dir, 'conf'));
  mkdirSync(join(dir, 'cache', 'results'), { recursive: true });
  const conf = {
    cniVersion: '1.0.0',
    name: 'clinet',
    plugins: [{ type: 'bridge', ipam: { type: 'host-local', subnet: '10.5.0.0/24', dataDir: join(dir, 'ipam') } }],
  };
  writeFileSync(join(dir, 'conf', '10.conflist'), JSON.stringify(conf));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function doctor(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'doctor',
      '--conf-dir',
      join(dir, 'conf'),
      '--cache-dir',
      join(dir, 'cache'),
      '--skip',
      'links,iptables,netns',
      ...args,
    ],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cnikit doctor (CLI)', () => {
  it('prints its help', () => {
    const r = doctor('--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: cnikit doctor/);
    assert.match(r.stdout, /--live-cmd CMD/);
  });

  for (const [args, message] of [
    [['--confirm'], /--confirm only makes sense with --fix/],
    [['--fix', '--dry-run'], /contradict/],
    [['--min-age', 'soon'], /invalid --min-age "soon"/],
    [['--listen', ':9750'], /--listen needs --watch/],
    [['--watch', '--listen', 'nowhere'], /invalid --listen "nowhere"/],
    [['--skip', 'cache,bogus'], /unknown probe "bogus"/],
    [['--fix', '--confirm'], /--confirm needs a terminal/],
    [['extra'], /unexpected argument "extra"/],
    [['--no-such-flag'], /no-such-flag/],
  ] as const) {
    it(`rejects ${args.join(' ')} with exit 2`, () => {
      const r = doctor(...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('exit 0 on a clean node, 3 when leaks are found, and the JSON report says why', () => {
    const clean = doctor('--json');
    assert.equal(clean.code, 0, clean.stderr);
    const report = JSON.parse(clean.stdout) as { mode: string; networks: string[]; summary: { findings: number } };
    assert.equal(report.mode, 'dry-run');
    assert.deepEqual(report.networks, ['clinet']);
    assert.equal(report.summary.findings, 0);

    const leaked = join(dir, 'cache', 'results', 'clinet-c1-eth0');
    writeFileSync(leaked, '');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(leaked, old, old);
    const dirty = doctor('--json');
    assert.equal(dirty.code, 3, dirty.stderr);
    const r = JSON.parse(dirty.stdout) as {
      findings: { kind: string; containerId: string; disposition: string }[];
      plan: { description: string }[];
    };
    assert.deepEqual(
      r.findings.map((f) => `${f.kind} ${f.containerId} ${f.disposition}`),
      ['cache-empty c1 repair'],
    );
    assert.deepEqual(
      r.plan.map((p) => p.description),
      ['DEL clinet c1 eth0 with no netns'],
    );
    // The same leak within the grace period is kept, so there is nothing to do.
    assert.equal(doctor('--min-age', '2h').code, 0);
    const text = doctor();
    assert.match(text.stdout, /network clinet: 1 finding\(s\)\n {2}container c1 \(eth0\)\n {4}cache-empty/);
    rmSync(leaked);
  });

  it('--metrics-file writes Prometheus text atomically', () => {
    const prom = join(dir, 'metrics', 'cnikit.prom');
    mkdirSync(join(dir, 'metrics'));
    const r = doctor('--metrics-file', prom);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(prom, 'utf8');
    assert.match(text, /^# TYPE cnikit_cache_entries gauge$/m);
    assert.match(text, /^cnikit_doctor_last_run_timestamp_seconds \d/m);
    assert.deepEqual(readdirSync(join(dir, 'metrics')), ['cnikit.prom']);
  });

  it('a failing --live-cmd is exit 1 and repairs nothing', () => {
    const r = doctor('--json', '--live-cmd', 'exit 7');
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as { liveness: { available: boolean }; errors: { probe: string }[] };
    assert.equal(report.liveness.available, false);
    assert.deepEqual(
      report.errors.map((e) => e.probe),
      ['live'],
    );
  });
});
