// Hostile files in a conf dir: whoever can write the dir can put a FIFO, a link to /dev/zero, a 1 GiB file or a
// config nested 10,000 deep where a config should be. Loading must end quickly with a CNIError naming the file (or
// skip it), in bounded memory; it must never hang or throw anything else. Each load runs in a child process with a
// hard limit, so a hang fails this test instead of hanging the suite.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ProbeOutcome, runProbe } from './isolated.ts';

const root = mkdtempSync(join(tmpdir(), 'cnikit-hostile-conf-'));
after(() => rmSync(root, { recursive: true, force: true }));

const LIMIT_MS = 8_000;
/** Start-up of a tsx child is most of this; the load itself must take well under a second. */
const MAX_MS = 5_000;
const MAX_PEAK_RSS_MIB = 300;
const VALID = JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'cnikit-noop' }] });

let n = 0;
function confDir(setup: (dir: string) => void): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  setup(dir);
  return dir;
}

function report(o: ProbeOutcome): Record<string, unknown> {
  assert.notEqual(o.kind, 'hung', `loading did not end within ${LIMIT_MS} ms (killed)`);
  assert.equal(o.kind, 'reported', o.kind === 'crashed' ? `probe crashed: ${o.stderr}` : '');
  if (o.kind !== 'reported') assert.fail('unreachable');
  console.log(`conf dir probe: ${JSON.stringify(o.report)}`);
  return o.report;
}

/** The law for a hostile file: a typed error naming it (or a load that skipped it), in time and memory. */
function refusedOrSkipped(r: Record<string, unknown>, file: string): void {
  assert.ok(Number(r.ms) < MAX_MS, `took ${String(r.ms)} ms`);
  assert.ok(Number(r.peakRssMiB) < MAX_PEAK_RSS_MIB, `peak RSS ${String(r.peakRssMiB)} MiB`);
  if (r.ok === true) return;
  assert.equal(r.isCNIError, true, `threw ${String(r.errorName)}: ${String(r.message)}`);
  assert.match(String(r.message), new RegExp(file.replace(/[.]/g, '\\.')));
}

describe('hostile files in a conf dir', () => {
  it('a FIFO named like a config list is refused or skipped, never waited on', async () => {
    const dir = confDir((d) => {
      execFileSync('mkfifo', [join(d, '10-a.conflist')]);
      writeFileSync(join(d, '20-b.conflist'), VALID);
    });
    refusedOrSkipped(report(await runProbe('load-conf-dir', [dir, 'net'], LIMIT_MS)), '10-a.conflist');
  });

  it('a symlink to /dev/zero is refused or skipped, never read without end', async () => {
    const dir = confDir((d) => {
      symlinkSync('/dev/zero', join(d, '10-a.conflist'));
      writeFileSync(join(d, '20-b.conflist'), VALID);
    });
    refusedOrSkipped(report(await runProbe('load-conf-dir', [dir, 'net'], LIMIT_MS)), '10-a.conflist');
  });

  it('a 1 GiB (sparse) file is refused by its size, not read into memory', async () => {
    const dir = confDir((d) => {
      const f = join(d, '10-a.conflist');
      closeSync(openSync(f, 'w'));
      truncateSync(f, 1 << 30);
    });
    refusedOrSkipped(report(await runProbe('load-conf-dir', [dir, 'net'], LIMIT_MS)), '10-a.conflist');
  });

  it('a .conf nested 10,000 deep gives a CNIError naming the file', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const dir = confDir((d) => {
      writeFileSync(join(d, '10-a.conf'), `{"cniVersion":"1.0.0","name":"net","type":"cnikit-noop","x":${deep}}`);
    });
    const r = report(await runProbe('load-conf-dir', [dir, 'net'], LIMIT_MS));
    // Loading it is fine too (the depth is legal JSON); what is not fine is any other exception.
    refusedOrSkipped(r, '10-a.conf');
  });

  it('a config list nested 10,000 deep inside a plugin gives a CNIError naming the file', async () => {
    const deep = `${'{"a":'.repeat(10_000)}0${'}'.repeat(10_000)}`;
    const dir = confDir((d) => {
      writeFileSync(
        join(d, '10-a.conflist'),
        `{"cniVersion":"1.0.0","name":"net","plugins":[{"type":"x","y":${deep}}]}`,
      );
    });
    refusedOrSkipped(report(await runProbe('load-conf-dir', [dir, 'net'], LIMIT_MS)), '10-a.conflist');
  });

  it('control: a config reached through symlinks (a Kubernetes ConfigMap mount) still loads', async () => {
    const dir = confDir((d) => {
      mkdirSync(join(d, '..2024_01_01'));
      writeFileSync(join(d, '..2024_01_01', '10-a.conflist'), VALID);
      symlinkSync('..2024_01_01', join(d, '..data'));
      symlinkSync('..data/10-a.conflist', join(d, '10-a.conflist'));
    });
    const r = report(await runProbe('load-conf-dir', [dir, 'net'], LIMIT_MS));
    assert.equal(r.ok, true, String(r.message));
  });
});
