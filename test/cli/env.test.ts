// Each environment variable cnitool reads (and cnikit's own), its flag, and which wins; add's output.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

const NETNS = '/run/netns/cnikit-env-test';
const ID = { CNI_CONTAINERID: 'ctr-1' };

describe('add output', () => {
  it('prints the result as Go result.Print does: 4-space JSON, no trailing newline when piped', () => {
    const r = runCli(['add', 'rec', NETNS], { ...fx.env, ...ID });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(r.stdout.startsWith('{\n    "cniVersion": "1.1.0",\n'), r.stdout);
    assert.ok(r.stdout.endsWith('}'), 'no trailing newline');
    const result = JSON.parse(r.stdout) as { ips: { address: string }[]; interfaces: { sandbox: string }[] };
    assert.equal(result.ips[0]?.address, '10.1.2.3/24');
    assert.equal(result.interfaces[0]?.sandbox, NETNS);
  });
  it('a plugin failure exits 1 with upstream wording on stderr', () => {
    const r = runCli(['add', 'bad', NETNS], { ...fx.env, ...ID });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^plugin type="failer" failed \(add\): try again later/);
  });
  it('with --json the failure is the plugin error object with its code', () => {
    const r = runCli(['add', '--json', 'bad', NETNS], { ...fx.env, ...ID });
    assert.equal(r.code, 1);
    const err = JSON.parse(r.stderr) as { code: number; msg: string };
    assert.equal(err.code, 11);
    assert.match(err.msg, /try again later/);
  });
});

describe('NETCONFPATH and --conf-dir', () => {
  it('NETCONFPATH names the conf dir', () => {
    assert.equal(runCli(['add', 'rec', NETNS], { ...fx.env, ...ID }).code, 0);
    assert.equal(fx.calls()[0]?.command, 'ADD');
  });
  it('--conf-dir wins over NETCONFPATH', () => {
    const r = runCli(['add', 'rec', NETNS, '--conf-dir', fx.confDir], {
      ...fx.env,
      ...ID,
      NETCONFPATH: '/nonexistent',
    });
    assert.equal(r.code, 0, r.stderr);
  });
  it('a network missing from the conf dir is an error naming the dir', () => {
    const r = runCli(['add', 'nope', NETNS], { ...fx.env, ...ID });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(fx.confDir.replaceAll('/', '\\/')));
  });
});

describe('CNI_PATH and --cni-path', () => {
  it('CNI_PATH is where plugins are found', () => {
    const r = runCli(['add', 'rec', NETNS], { ...fx.env, ...ID, CNI_PATH: '/nonexistent' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /recorder/);
  });
  it('--cni-path wins over CNI_PATH', () => {
    const r = runCli(['add', 'rec', NETNS, '--cni-path', fx.pluginDir], { ...fx.env, ...ID, CNI_PATH: '/nonexistent' });
    assert.equal(r.code, 0, r.stderr);
  });
  it('the plugins cnikit ships are searched last, with no CNI_PATH at all', (t) => {
    if (!existsSync(join(import.meta.dirname, '..', '..', 'plugins', 'bin', 'cnikit-noop'))) {
      t.skip('plugins/bin/cnikit-noop is not built');
      return;
    }
    const r = runCli(['version', 'cnikit-noop'], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1\.1\.0/);
  });
});

describe('CNI_IFNAME and -i', () => {
  const cases: [string, Record<string, string>, string[], string][] = [
    ['default eth0', {}, [], 'eth0'],
    ['CNI_IFNAME', { CNI_IFNAME: 'net7' }, [], 'net7'],
    ['empty CNI_IFNAME means eth0', { CNI_IFNAME: '' }, [], 'eth0'],
    ['-i wins', { CNI_IFNAME: 'net7' }, ['-i', 'net9'], 'net9'],
    ['--ifname wins', { CNI_IFNAME: 'net7' }, ['--ifname', 'net8'], 'net8'],
  ];
  for (const [name, env, flags, want] of cases) {
    it(name, () => {
      const r = runCli(['add', 'rec', NETNS, ...flags], { ...fx.env, ...ID, ...env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(fx.calls()[0]?.ifName, want);
      assert.ok(existsSync(join(fx.resultsDir, `rec-ctr-1-${want}`)));
    });
  }
});

describe('CNI_ARGS', () => {
  it('pairs reach the plugin', () => {
    const r = runCli(['add', 'rec', NETNS], { ...fx.env, ...ID, CNI_ARGS: 'K8S_POD_NAME=web;IgnoreUnknown=1' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fx.calls()[0]?.args, 'K8S_POD_NAME=web;IgnoreUnknown=1');
  });
  for (const [value, pair] of [
    ['novalue', 'novalue'],
    ['a=', 'a='],
    ['=b', '=b'],
    ['a=b=c', 'a=b=c'],
    ['a=b;', ''],
    ['a=b;;c=d', ''],
  ]) {
    it(`${JSON.stringify(value)} is a usage error naming the pair`, () => {
      const r = runCli(['add', 'rec', NETNS], { ...fx.env, ...ID, CNI_ARGS: value ?? '' });
      assert.equal(r.code, 2);
      assert.ok(r.stderr.includes(`invalid CNI_ARGS pair ${JSON.stringify(pair)}`), r.stderr);
      assert.deepEqual(fx.calls(), [], 'no plugin ran');
    });
  }
});

describe('CAP_ARGS', () => {
  it('becomes runtimeConfig for the capabilities the plugin enables', () => {
    const cap = { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], bandwidth: { rate: 1 } };
    const r = runCli(['add', 'rec', NETNS], { ...fx.env, ...ID, CAP_ARGS: JSON.stringify(cap) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fx.stdin('ADD').runtimeConfig, { portMappings: cap.portMappings });
  });
  for (const [value, why] of [
    ['{not json', /invalid CAP_ARGS: /],
    ['[1,2]', /invalid CAP_ARGS: want a JSON object, got an array/],
    ['"x"', /invalid CAP_ARGS: want a JSON object, got string/],
  ] as const) {
    it(`${value} is a usage error naming CAP_ARGS`, () => {
      const r = runCli(['add', 'rec', NETNS], { ...fx.env, ...ID, CAP_ARGS: value });
      assert.equal(r.code, 2);
      assert.match(r.stderr, why);
    });
  }
});

describe('CNI_CACHE_DIR and --cache-dir', () => {
  it('CNI_CACHE_DIR holds the result', () => {
    assert.equal(runCli(['add', 'rec', NETNS], { ...fx.env, ...ID }).code, 0);
    assert.ok(existsSync(join(fx.cacheDir, 'results', 'rec-ctr-1-eth0')));
  });
  it('--cache-dir wins over CNI_CACHE_DIR', () => {
    const other = join(fx.dir, 'other-cache');
    mkdirSync(other);
    assert.equal(runCli(['add', 'rec', NETNS, '--cache-dir', other], { ...fx.env, ...ID }).code, 0);
    assert.ok(existsSync(join(other, 'results', 'rec-ctr-1-eth0')));
    assert.ok(!existsSync(join(fx.cacheDir, 'results', 'rec-ctr-1-eth0')));
  });
});

describe('CNI_CONTAINERID and --container-id', () => {
  it('CNI_CONTAINERID replaces the derived ID', () => {
    assert.equal(runCli(['add', 'rec', NETNS], { ...fx.env, CNI_CONTAINERID: 'from-env' }).code, 0);
    assert.equal(fx.calls()[0]?.containerId, 'from-env');
  });
  it('--container-id wins over CNI_CONTAINERID', () => {
    assert.equal(
      runCli(['add', 'rec', NETNS, '--container-id', 'from-flag'], { ...fx.env, CNI_CONTAINERID: 'from-env' }).code,
      0,
    );
    assert.equal(fx.calls()[0]?.containerId, 'from-flag');
  });
  it('an invalid container ID is refused before any plugin runs', () => {
    const r = runCli(['add', 'rec', NETNS, '--container-id', 'bad/id'], fx.env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid characters in containerID/);
    assert.deepEqual(fx.calls(), []);
  });
});

describe('--timeout', () => {
  it('kills a plugin that takes longer', () => {
    writeFileSync(join(fx.pluginDir, 'sleeper'), '#!/bin/sh\ncat >/dev/null\nexec sleep 30\n', { mode: 0o755 });
    writeFileSync(
      join(fx.confDir, '30-slow.conflist'),
      JSON.stringify({ cniVersion: '1.1.0', name: 'slow', plugins: [{ type: 'sleeper' }] }),
    );
    const started = Date.now();
    const r = runCli(['add', 'slow', NETNS, '--timeout', '300ms'], { ...fx.env, ...ID });
    assert.equal(r.code, 1);
    assert.ok(Date.now() - started < 10_000, 'did not wait for the plugin');
  });
});

describe('--json with a chatty plugin', () => {
  it('the error object is the last line of stderr, after the plugin stderr', () => {
    writeFileSync(
      join(fx.pluginDir, 'chatty'),
      '#!/bin/sh\ncat >/dev/null\necho "chatty: warming up" >&2\nprintf \'{"cniVersion":"1.1.0","code":7,"msg":"bad config"}\'\nexit 1\n',
      { mode: 0o755 },
    );
    writeFileSync(
      join(fx.confDir, '40-chatty.conflist'),
      JSON.stringify({ cniVersion: '1.1.0', name: 'chatty', plugins: [{ type: 'chatty' }] }),
    );
    const r = runCli(['add', '--json', 'chatty', NETNS], { ...fx.env, ...ID });
    assert.equal(r.code, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.ok(lines.length >= 2, r.stderr);
    assert.match(r.stderr, /chatty: warming up/);
    const err = JSON.parse(lines.at(-1) ?? '') as { code: number; msg: string };
    assert.equal(err.code, 7);
    assert.match(err.msg, /bad config/);
  });
});
