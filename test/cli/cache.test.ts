// cache ls / show / verify on real cache dirs, including 0-byte and corrupt files; verify's exit codes.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ensureBuilt, type Fixture, makeFixture, runCli } from './helpers.ts';

let fx: Fixture;
before(() => ensureBuilt());
beforeEach(() => {
  fx?.cleanup();
  fx = makeFixture();
});
after(() => fx?.cleanup());

function add(id: string): void {
  const r = runCli(['add', 'rec', `/run/netns/${id}`, '--container-id', id], fx.env);
  assert.equal(r.code, 0, r.stderr);
}

const intentRecord = (id: string): string =>
  JSON.stringify({
    kind: 'cniCacheV1',
    containerId: id,
    config: Buffer.from('{"cniVersion":"1.1.0","name":"rec","plugins":[{"type":"recorder"}]}').toString('base64'),
    ifName: 'eth0',
    networkName: 'rec',
    cniArgs: [],
    capabilityArgs: {},
  });

describe('cache verify', () => {
  it('exits 0 on a missing or healthy cache dir', () => {
    assert.equal(runCli(['cache', 'verify'], fx.env).code, 0);
    add('c-1');
    const r = runCli(['cache', 'verify'], fx.env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /checked 1 entry .*1 ok, 0 intent, 0 empty, 0 corrupt/);
  });
  it('exits 3 on a dir with a 0-byte file and names it with its owner', () => {
    add('c-1');
    add('c-2');
    writeFileSync(join(fx.resultsDir, 'rec-c-2-eth0'), '');
    const r = runCli(['cache', 'verify'], fx.env);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /^EMPTY {2}rec c-2 eth0 {2}\S+rec-c-2-eth0$/m);
    assert.match(r.stdout, /1 ok, 0 intent, 1 empty, 0 corrupt/);
  });
  it('exits 3 on a corrupt file, with the reason; --json lists it', () => {
    mkdirSync(fx.resultsDir, { recursive: true });
    writeFileSync(join(fx.resultsDir, 'rec-c-9-eth0'), '{"kind":"cniCacheV1",');
    const r = runCli(['cache', 'verify', '--json'], fx.env);
    assert.equal(r.code, 3);
    const report = JSON.parse(r.stdout) as {
      checked: number;
      bad: { state: string; containerId: string; reason: string }[];
    };
    assert.equal(report.checked, 1);
    assert.equal(report.bad[0]?.state, 'corrupt');
    assert.equal(report.bad[0]?.containerId, 'c-9');
    assert.ok((report.bad[0]?.reason ?? '').length > 0);
  });
  it('an intent record is a warning (exit 0), and bad with --strict (exit 3)', () => {
    mkdirSync(fx.resultsDir, { recursive: true });
    writeFileSync(join(fx.resultsDir, 'rec-c-5-eth0'), intentRecord('c-5'));
    const loose = runCli(['cache', 'verify'], fx.env);
    assert.equal(loose.code, 0, loose.stdout);
    assert.match(loose.stdout, /^intent {2}rec c-5 eth0/m);
    assert.equal(runCli(['cache', 'verify', '--strict'], fx.env).code, 3);
  });
});

describe('cache ls', () => {
  it('lists owner, state and age as a table; a bad file keeps its owner from the name', () => {
    add('c-1');
    writeFileSync(join(fx.resultsDir, 'rec-c-2-eth0'), '');
    const r = runCli(['cache', 'ls'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^NETWORK +CONTAINER +IFNAME +STATE +AGE +NOTE$/);
    assert.match(lines[1] ?? '', /^rec +c-1 +eth0 +ok +\d+s$/);
    assert.match(lines[2] ?? '', /^rec +c-2 +eth0 +empty +\d+s$/);
    assert.ok(!r.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
  });
  it('a bad file of a network not in the conf dir shows "?" and its file name', () => {
    mkdirSync(fx.resultsDir, { recursive: true });
    writeFileSync(join(fx.resultsDir, 'gone-net-c-3-eth0'), '');
    const r = runCli(['cache', 'ls'], fx.env);
    assert.match(r.stdout, /^\? +\? +\? +empty +\d+s +file gone-net-c-3-eth0$/m);
  });
  it('--json and the --network / --container filters', () => {
    add('c-1');
    add('c-2');
    const r = runCli(['cache', 'ls', '--json', '--container', 'c-2'], fx.env);
    const rows = JSON.parse(r.stdout) as { containerId: string; state: string; network: string }[];
    assert.deepEqual(
      rows.map((x) => [x.network, x.containerId, x.state]),
      [['rec', 'c-2', 'ok']],
    );
    assert.deepEqual(JSON.parse(runCli(['cache', 'ls', '--json', '--network', 'other'], fx.env).stdout), []);
  });
});

describe('cache show', () => {
  it('prints the entry with its config decoded from base64', () => {
    add('c-1');
    const r = runCli(['cache', 'show', 'rec', 'c-1', 'eth0'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      state: string;
      entry: { config: { name: string; plugins: unknown[] }; result: { ips: unknown[] } };
    };
    assert.equal(doc.state, 'ok');
    assert.equal(doc.entry.config.name, 'rec');
    assert.equal(doc.entry.config.plugins.length, 1);
    assert.equal(doc.entry.result.ips.length, 1);
  });
  it('takes a file path too; a 0-byte file exits 3 with its state', () => {
    add('c-1');
    const file = join(fx.resultsDir, 'rec-c-1-eth0');
    writeFileSync(file, '');
    const r = runCli(['cache', 'show', file], fx.env);
    assert.equal(r.code, 3);
    assert.equal((JSON.parse(r.stdout) as { state: string }).state, 'empty');
  });
  it('a missing entry is an error (exit 1)', () => {
    const r = runCli(['cache', 'show', 'rec', 'nobody', 'eth0'], fx.env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no cache entry at/);
  });
  it('never changes the cache', () => {
    add('c-1');
    writeFileSync(join(fx.resultsDir, 'rec-c-1-eth0'), 'garbage');
    runCli(['cache', 'show', 'rec', 'c-1', 'eth0'], fx.env);
    runCli(['cache', 'verify'], fx.env);
    runCli(['cache', 'ls'], fx.env);
    assert.deepEqual(readdirSync(fx.resultsDir), ['rec-c-1-eth0']);
  });
});
