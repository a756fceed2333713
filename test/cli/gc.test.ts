// gc refuses without a valid set (upstream cnitool's gc deletes every attachment), and removes exactly the rest.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ensureBuilt, type Fixture, makeFixture, runCli } from './helpers.ts';

let fx: Fixture;
before(() => ensureBuilt());
beforeEach(() => {
  fx?.cleanup();
  fx = makeFixture();
  for (const id of ['keep-1', 'drop-1', 'drop-2']) {
    const r = runCli(['add', 'rec', `/run/netns/${id}`, '--container-id', id], fx.env);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(() => fx?.cleanup());

const entries = (): string[] => readdirSync(fx.resultsDir).sort();

describe('gc refusal', () => {
  it('without --valid, --valid-file or --all: exit 2, nothing deleted, no plugin run', () => {
    const calls = fx.calls().length;
    const r = runCli(['gc', 'rec', '/run/netns/any'], fx.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to run without a valid set/);
    assert.match(r.stderr, /--valid CID\/IFNAME/);
    assert.match(r.stderr, /--all/);
    assert.equal(entries().length, 3);
    assert.equal(fx.calls().length, calls);
  });
  it('--all combined with --valid is a usage error', () => {
    const r = runCli(['gc', 'rec', '--all', '--valid', 'keep-1/eth0'], fx.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--all cannot be combined/);
  });
  for (const bad of ['keep-1', 'keep-1/', '/eth0', 'a/b/c']) {
    it(`--valid ${JSON.stringify(bad)} is a usage error`, () => {
      const r = runCli(['gc', 'rec', '--valid', bad], fx.env);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /want CONTAINER_ID\/IFNAME/);
      assert.equal(entries().length, 3);
    });
  }
});

describe('gc with a valid set', () => {
  it('--valid keeps the named attachments and prints each one removed', () => {
    const r = runCli(['gc', 'rec', '--valid', 'keep-1/eth0'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^removed drop-1 eth0 \(cache ok\)$/m);
    assert.match(r.stdout, /^removed drop-2 eth0 \(cache ok\)$/m);
    assert.doesNotMatch(r.stdout, /keep-1/);
    assert.deepEqual(entries(), ['rec-keep-1-eth0']);
    const dels = fx
      .calls()
      .filter((c) => c.command === 'DEL')
      .map((c) => c.containerId);
    assert.deepEqual(dels.sort(), ['drop-1', 'drop-2']);
    assert.ok(
      fx.calls().some((c) => c.command === 'GC'),
      'plugins get GC (cniVersion 1.1.0)',
    );
    assert.deepEqual(fx.stdin('GC')['cni.dev/valid-attachments'], [{ containerID: 'keep-1', ifname: 'eth0' }]);
  });
  it('--valid-file reads one CID/IFNAME per line, comments and blanks skipped', () => {
    const file = join(fx.dir, 'valid.txt');
    writeFileSync(file, '# live attachments\nkeep-1/eth0\n\ndrop-2/eth0\n');
    const r = runCli(['gc', 'rec', '--valid-file', file], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(), ['rec-drop-2-eth0', 'rec-keep-1-eth0']);
  });
  it('a bad --valid-file line names the file and line', () => {
    const file = join(fx.dir, 'valid.txt');
    writeFileSync(file, 'keep-1/eth0\nnonsense\n');
    const r = runCli(['gc', 'rec', '--valid-file', file], fx.env);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${file}:2`), r.stderr);
  });
  it('--all removes every attachment of the network; --json reports them', () => {
    const r = runCli(['gc', 'rec', '--all', '--json'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { removed: { containerId: string }[]; errors: unknown[] };
    assert.deepEqual(report.removed.map((x) => x.containerId).sort(), ['drop-1', 'drop-2', 'keep-1']);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(entries(), []);
  });
  it('--dry-run lists what would go and changes nothing', () => {
    const r = runCli(['gc', 'rec', '--valid', 'keep-1/eth0', '--dry-run'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^would remove drop-1 eth0/m);
    assert.equal(entries().length, 3);
    assert.ok(!fx.calls().some((c) => c.command === 'DEL'));
  });
  it('sweeps an empty cache file too (owner from the file name)', () => {
    writeFileSync(join(fx.resultsDir, 'rec-drop-1-eth0'), '');
    const r = runCli(['gc', 'rec', '--valid', 'keep-1/eth0,drop-2/eth0'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^removed drop-1 eth0 \(cache empty\)$/m);
    assert.ok(!existsSync(join(fx.resultsDir, 'rec-drop-1-eth0')));
  });
});
