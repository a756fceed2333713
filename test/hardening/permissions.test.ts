// Modes of what the cache creates, whatever the caller's umask: directories 0700, entries and notes 0600. Each umask
// runs in its own child process (the umask is process-wide; changing it here would race the other tests).
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureBundled } from '../fixtures/runtime.ts';
import { runProbe } from './isolated.ts';

const root = mkdtempSync(join(tmpdir(), 'cnikit-umask-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Every path under `dir` with its permission bits, e.g. `results/net-c1-eth0 600`. */
function modes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (p: string): void => {
    const st = lstatSync(p);
    out.set(relative(dir, p) || '.', st.mode & 0o7777);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return out;
}

describe('modes regardless of umask', () => {
  for (const umask of ['000', '022', '077', '777']) {
    it(`umask ${umask}: cache dirs 0700, entries and quarantine notes 0600`, async () => {
      ensureBundled();
      const cacheDir = join(root, `u${umask}`, 'cache');
      const o = await runProbe('cache-under-umask', [umask, cacheDir], 30_000);
      assert.equal(o.kind, 'reported', JSON.stringify(o));
      if (o.kind !== 'reported') return;
      assert.equal(o.report.ok, true, String(o.report.message));
      const m = modes(cacheDir);
      const show = [...m].map(([p, mode]) => `${p} ${mode.toString(8)}`).join(', ');
      console.log(`umask ${umask}: ${show}`);
      assert.equal(m.get('.'), 0o700, show);
      assert.equal(m.get('results'), 0o700, show);
      assert.equal(m.get('quarantine'), 0o700, show);
      assert.equal(m.get('results/net-c1-eth0'), 0o600, show);
      const notes = [...m].filter(([p]) => p.startsWith('quarantine/') && p.endsWith('.reason'));
      assert.equal(notes.length, 1, show);
      for (const [p, mode] of notes) assert.equal(mode, 0o600, p);
      // Nothing else: no temp file left behind, no stray dir.
      assert.deepEqual(
        [...m.keys()].filter((p) => p.startsWith('results/')),
        ['results/net-c1-eth0'],
      );
    });
  }
});
