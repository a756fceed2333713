// del: silent like cnitool, never blocked by a damaged cache entry, and --json reports what it met.
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
  assert.equal(runCli(['add', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env).code, 0);
});
after(() => fx?.cleanup());

const ENTRY = (): string => join(fx.resultsDir, 'rec-c-1-eth0');

describe('del', () => {
  it('prints nothing, runs the plugin with the cached prevResult and removes the entry', () => {
    const r = runCli(['del', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
    assert.equal(fx.calls().at(-1)?.command, 'DEL');
    assert.deepEqual((fx.stdin('DEL').prevResult as { ips: unknown[] }).ips.length, 1);
    assert.ok(!existsSync(ENTRY()));
  });
  it('a 0-byte entry does not block DEL: the plugin runs, the file is quarantined, a note goes to stderr', () => {
    writeFileSync(ENTRY(), '');
    const r = runCli(['del', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^note: cache entry was empty \(moved to \S+quarantine\S+\)/);
    assert.equal(fx.calls().at(-1)?.command, 'DEL');
    assert.ok(!existsSync(ENTRY()));
    assert.equal(readdirSync(join(fx.cacheDir, 'quarantine')).filter((n) => !n.endsWith('.reason')).length, 1);
  });
  it('--json prints the DEL report on stdout', () => {
    writeFileSync(ENTRY(), 'not json');
    const r = runCli(['del', '--json', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      cacheState: string;
      prevResultSource: string;
      pluginsRun: number;
      quarantined: string;
    };
    assert.equal(report.cacheState, 'corrupt');
    assert.equal(report.prevResultSource, 'none');
    assert.equal(report.pluginsRun, 1);
    assert.match(report.quarantined, /quarantine/);
  });
  it('twice is fine', () => {
    assert.equal(runCli(['del', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env).code, 0);
    assert.equal(runCli(['del', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env).code, 0);
  });
});

describe('check and status', () => {
  it('check passes the cached result and prints nothing', () => {
    const r = runCli(['check', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(fx.calls().at(-1)?.command, 'CHECK');
    assert.ok(fx.stdin('CHECK').prevResult !== undefined);
  });
  it('check on a 0-byte entry fails (exit 1) and names the file', () => {
    writeFileSync(ENTRY(), '');
    const r = runCli(['check', 'rec', '/run/netns/d', '--container-id', 'c-1'], fx.env);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(ENTRY()), r.stderr);
  });
  it('status needs only the network; --json says ready', () => {
    const r = runCli(['status', 'rec', '--json'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { network: 'rec', ready: true });
    assert.equal(fx.calls().at(-1)?.command, 'STATUS');
  });
  it('status of a failing plugin exits 1 with its error', () => {
    const r = runCli(['status', 'bad', '/run/netns/d'], fx.env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /try again later/);
  });
});

describe('version <plugin>', () => {
  it('lists the plugin supported versions, by type or by path', () => {
    const byType = runCli(['version', 'recorder'], fx.env);
    assert.equal(byType.code, 0, byType.stderr);
    assert.match(byType.stdout, /0\.4\.0, 1\.0\.0, 1\.1\.0/);
    const byPath = runCli(['version', '--json', join(fx.pluginDir, 'recorder')], {});
    assert.equal(byPath.code, 0, byPath.stderr);
    assert.deepEqual((JSON.parse(byPath.stdout) as { supportedVersions: string[] }).supportedVersions, [
      '0.4.0',
      '1.0.0',
      '1.1.0',
    ]);
  });
  it('an unknown plugin exits 1', () => {
    assert.equal(runCli(['version', 'no-such-plugin'], fx.env).code, 1);
  });
});
