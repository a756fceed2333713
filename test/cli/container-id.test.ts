// The container ID cnitool derives from the netns path, computed here independently (first 10 bytes of the
// SHA-512 digest of the absolute, cleaned path, hex) and compared with what the CLI passes to plugins and caches.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt, type Fixture, makeFixture, runCli } from './helpers.ts';

function expectedId(absCleanPath: string): string {
  const digest = createHash('sha512').update(Buffer.from(absCleanPath, 'utf8')).digest();
  return `cnitool-${digest.subarray(0, 10).toString('hex')}`;
}

let fx: Fixture;
before(() => {
  ensureBuilt();
  fx = makeFixture();
  mkdirSync(join(fx.dir, 'cwd'));
});
after(() => fx.cleanup());

describe('container ID derivation (cnitool-compatible)', () => {
  // [netns as typed, the absolute clean path Go's filepath.Abs yields]
  const cases = (): [string, string][] => [
    ['/run/netns/a', '/run/netns/a'],
    ['/var/run/netns/test-ns', '/var/run/netns/test-ns'],
    ['/run/netns/../netns/x/', '/run/netns/x'],
    ['/proc/1234/ns/net', '/proc/1234/ns/net'],
    ['/tmp/ns with space/é', '/tmp/ns with space/é'],
    ['relative-ns', join(fx.dir, 'cwd', 'relative-ns')],
    ['./sub/../rel2', join(fx.dir, 'cwd', 'rel2')],
  ];
  it('plugins get cnitool-<20 hex of sha512(abs netns)>, CNI_NETNS is the absolute path, the cache file is named by it', () => {
    for (const [typed, abs] of cases()) {
      const before = fx.calls().length;
      const r = runCli(['add', 'rec', typed], fx.env, join(fx.dir, 'cwd'));
      assert.equal(r.code, 0, r.stderr);
      const call = fx.calls()[before];
      const id = expectedId(abs);
      assert.match(id, /^cnitool-[0-9a-f]{20}$/);
      assert.equal(call?.containerId, id, `netns ${typed}`);
      assert.equal(call?.netns, abs);
      assert.ok(existsSync(join(fx.resultsDir, `rec-${id}-eth0`)), `cache file for ${typed}`);
    }
  });
  it('del with another spelling of the same netns finds and removes the same attachment', () => {
    const id = expectedId('/run/netns/x');
    assert.ok(existsSync(join(fx.resultsDir, `rec-${id}-eth0`)));
    const r = runCli(['del', 'rec', '/run/netns/./x'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(join(fx.resultsDir, `rec-${id}-eth0`)));
    assert.equal(fx.calls().at(-1)?.containerId, id);
  });
});
