// cnikit-noop as a real process: every command at every spec version, and the protocol errors skel reports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cniEnv, ensureFreshBundle, execNoop, NOOP, sandbox } from './test-support.ts';

const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
const sb = sandbox();
before(ensureFreshBundle);
after(() => sb.cleanup());

const errorJson = (code: number, msg: string, details?: string) =>
  JSON.stringify(details === undefined ? { code, msg } : { code, msg, details }, null, 4);

// Go's 0.x result types always print `dns`, the 1.x type drops it when empty.
const emptyResult = (v: string) => (v.startsWith('0.') ? { cniVersion: v, dns: {} } : { cniVersion: v });

describe('cnikit-noop bundle', () => {
  it('is one executable file with a node shebang that loads as CommonJS', () => {
    const text = readFileSync(NOOP, 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node\n'));
    assert.ok(!text.includes('import.meta'), 'no import.meta in a CJS bundle');
    assert.ok(!/require\("(?!node:)[^"]+"\)/.test(text), 'no require of anything but node builtins');
    const r = execNoop({ env: { CNI_COMMAND: 'VERSION' } });
    assert.equal(r.status, 0, `${r.stderr}\n(plugins/bin needs a package.json with "type": "commonjs"?)`);
  });
});

describe('cnikit-noop: every command at every spec version', () => {
  for (const v of VERSIONS) {
    it(`cniVersion ${v}`, () => {
      const debug = join(sb.dir, `matrix-${v}`);
      const stdin = JSON.stringify({ cniVersion: v, name: 'matrix', type: 'cnikit-noop', debugFile: debug });
      const outcomes: Record<string, ReturnType<typeof execNoop>> = {};
      for (const command of ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS']) {
        outcomes[command] = execNoop({ env: cniEnv(command), stdin });
      }
      const add = outcomes.ADD;
      assert.ok(add);
      assert.equal(add.status, 0, add.stdout + add.stderr);
      assert.equal(add.stdout, JSON.stringify(emptyResult(v), null, 4));
      assert.equal(outcomes.DEL?.status, 0);
      assert.equal(outcomes.DEL?.stdout, '');
      const checkOk = v === '0.4.0' || v.startsWith('1.');
      assert.equal(outcomes.CHECK?.status, checkOk ? 0 : 1);
      assert.equal(outcomes.CHECK?.stdout, checkOk ? '' : errorJson(1, 'config version does not allow CHECK'));
      for (const command of ['GC', 'STATUS']) {
        const ok = v === '1.1.0';
        assert.equal(outcomes[command]?.status, ok ? 0 : 1, command);
        assert.equal(outcomes[command]?.stdout, ok ? '' : errorJson(1, `config version does not allow ${command}`));
      }
      const records = sb.records(`${debug}.log`);
      assert.deepEqual(
        records.map((r) => r.command),
        ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS'],
        'every invocation is recorded, refused ones too',
      );
      for (const r of records) {
        assert.equal(r.stdin, stdin);
        assert.equal(typeof r.pid, 'number');
        assert.deepEqual(r.env, cniEnv(String(r.command)));
      }
    });
  }

  it('VERSION answers every spec version without reading stdin', () => {
    const r = execNoop({ env: { CNI_COMMAND: 'VERSION' }, stdin: 'not json at all' });
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${JSON.stringify({ cniVersion: '1.1.0', supportedVersions: VERSIONS })}\n`);
  });

  it('passes prevResult through converted to the config version, with no debug file at all', () => {
    const prevResult = {
      cniVersion: '1.1.0',
      interfaces: [{ name: 'eth0', sandbox: '/var/run/netns/x' }],
      ips: [{ address: '10.9.0.2/24', gateway: '10.9.0.1', interface: 0 }],
    };
    for (const v of VERSIONS) {
      const r = execNoop({
        env: cniEnv('ADD'),
        stdin: JSON.stringify({ cniVersion: v, name: 'pt', type: 'x', prevResult }),
      });
      assert.equal(r.status, 0, r.stdout);
      const out = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.equal(out.cniVersion, v);
      if (v === '0.1.0' || v === '0.2.0') assert.deepEqual(out.ip4, { ip: '10.9.0.2/24', gateway: '10.9.0.1' });
      else assert.equal((out.ips as { address: string }[])[0]?.address, '10.9.0.2/24');
    }
  });
});

describe('cnikit-noop: protocol errors', () => {
  it('reports missing variables with code 4 and exit 1', () => {
    const r = execNoop({ env: { CNI_COMMAND: 'ADD' }, stdin: '{}' });
    assert.equal(r.status, 1);
    assert.equal(
      r.stdout,
      errorJson(4, 'required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing'),
    );
    const del = execNoop({ env: { CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c', CNI_IFNAME: 'eth0' }, stdin: '{}' });
    assert.equal(del.stdout, errorJson(4, 'required env variables [CNI_PATH] missing'));
  });
  it('prints its about text when run with no command', () => {
    const r = execNoop();
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^cnikit-noop: .*\nCNI protocol versions supported: 0\.1\.0, 0\.2\.0, .*1\.1\.0\n$/);
  });
  it('reports malformed stdin with code 6 or 7', () => {
    const cases: [string, string][] = [
      ['', errorJson(6, 'error unmarshall network config: unexpected end of JSON input')],
      ['{"cniVersion": "1.0.0", "name": ', ''],
      ['"a string"', errorJson(6, 'error unmarshall network config: network config must be a JSON object, got string')],
      ['{"cniVersion": "1.0.0", "type": "x"}', errorJson(7, 'missing network name')],
      ['{"cniVersion": "1.0.0", "name": "a:b"}', errorJson(7, 'invalid characters found in network name', 'a:b')],
      [
        '{"cniVersion": 1, "name": "n"}',
        errorJson(6, 'decoding version from network config: field "cniVersion" must be a string, got number'),
      ],
    ];
    for (const [stdin, want] of cases) {
      const r = execNoop({ env: cniEnv('ADD'), stdin });
      assert.equal(r.status, 1, stdin);
      if (want === '') assert.match(r.stdout, /^\{\n {4}"code": 6,\n {4}"msg": "error unmarshall network config: /);
      else assert.equal(r.stdout, want, stdin);
    }
  });
  it('refuses a config version it does not support', () => {
    const r = execNoop({ env: cniEnv('ADD'), stdin: JSON.stringify({ cniVersion: '2.0.0', name: 'n', type: 'x' }) });
    assert.equal(r.status, 1);
    assert.equal(
      r.stdout,
      errorJson(
        1,
        'incompatible CNI versions',
        `config is "2.0.0", plugin supports [${VERSIONS.map((v) => `"${v}"`).join(' ')}]`,
      ),
    );
  });
  it('reports an unknown command', () => {
    const r = execNoop({ env: { CNI_COMMAND: 'SHRUG' }, stdin: JSON.stringify({ cniVersion: '1.1.0', name: 'n' }) });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, errorJson(4, 'unknown CNI_COMMAND: SHRUG'));
  });
  it('refuses to run ADD against its own network namespace', () => {
    const stdin = JSON.stringify({ cniVersion: '1.1.0', name: 'n' });
    const r = execNoop({ env: cniEnv('ADD', { CNI_NETNS: '/proc/self/ns/net' }), stdin });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, errorJson(8, "plugin's netns and netns from CNI_NETNS should not be the same"));
    const ok = execNoop({ env: cniEnv('ADD', { CNI_NETNS: '/proc/self/ns/net', CNI_NETNS_OVERRIDE: '1' }), stdin });
    assert.equal(ok.status, 0);
  });
});
