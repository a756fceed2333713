// cnikit-noop's debug file: every instruction it understands, where it is named, and its invocation log.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cniEnv, ensureFreshBundle, execNoop, sandbox, startNoop } from './test-support.ts';

const sb = sandbox();
before(ensureFreshBundle);
after(() => sb.cleanup());

const conf = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ cniVersion: '1.0.0', name: 'dbg', type: 'cnikit-noop', ...extra });
const prev100 = {
  cniVersion: '1.0.0',
  interfaces: [{ name: 'eth0' }],
  ips: [{ address: '10.1.0.2/24', interface: 0 }],
  dns: { domain: 'example.org' },
};

describe('cnikit-noop: where the debug file and log are', () => {
  it('takes DEBUG=<path> from CNI_ARGS over debugFile in the config, and logs next to it', () => {
    const fromArgs = sb.debug('args.json', { reportResult: '{"from":"args"}' });
    const fromConf = sb.debug('conf.json', { reportResult: '{"from":"conf"}' });
    const r = execNoop({
      env: cniEnv('ADD', { CNI_ARGS: `IgnoreUnknown=1;DEBUG=${fromArgs}` }),
      stdin: conf({ debugFile: fromConf }),
    });
    assert.equal(r.stdout, '{"from":"args"}');
    assert.equal(sb.records(`${fromArgs}.log`).length, 1);
    assert.equal(sb.records(`${fromConf}.log`).length, 0);
    const c = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: fromConf }) });
    assert.equal(c.stdout, '{"from":"conf"}');
  });
  it('writes to commandLog from the config when given', () => {
    const debug = sb.debug('cl.json', {});
    const log = join(sb.dir, 'shared-command.log');
    execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug, commandLog: log }) });
    execNoop({ env: cniEnv('DEL'), stdin: conf({ commandLog: log }) });
    assert.deepEqual(
      sb.records(log).map((r) => r.command),
      ['ADD', 'DEL'],
    );
    assert.equal(sb.records(`${debug}.log`).length, 0);
  });
  it('treats a debug file that does not exist as "no instructions" and still logs', () => {
    const debug = join(sb.dir, 'absent.json');
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug }) });
    assert.equal(r.status, 0);
    assert.deepEqual(JSON.parse(r.stdout), { cniVersion: '1.0.0' });
    assert.equal(sb.records(`${debug}.log`).length, 1);
  });
  it('reports a log it cannot write as its error', () => {
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ commandLog: join(sb.dir, 'no-such-dir', 'x.log') }) });
    assert.equal(r.status, 1);
    const e = JSON.parse(r.stdout) as { code: number; msg: string };
    assert.equal(e.code, 999);
    assert.match(e.msg, /ENOENT/);
  });
});

describe('cnikit-noop: debug instructions', () => {
  it('prints reportResult verbatim (an object compactly, text as is), for any command', () => {
    const result = { cniVersion: '0.3.1', ips: [{ version: '4', address: '10.2.0.2/24' }] };
    const obj = sb.debug('verbatim-obj.json', { reportResult: result });
    const add = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: obj }) });
    assert.equal(add.status, 0);
    assert.equal(add.stdout, JSON.stringify(result), 'no conversion to the config version');
    const text = sb.debug('verbatim-text.json', { reportResult: 'not json {' });
    assert.equal(execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: text }) }).stdout, 'not json {');
    assert.equal(execNoop({ env: cniEnv('DEL'), stdin: conf({ debugFile: text }) }).stdout, 'not json {');
  });
  it('PASSTHROUGH prints prevResult in the config version (an empty result without one)', () => {
    const debug = sb.debug('pass.json', { reportResult: 'PASSTHROUGH' });
    const r = execNoop({
      env: cniEnv('ADD'),
      stdin: conf({ cniVersion: '0.4.0', debugFile: debug, prevResult: prev100 }),
    });
    assert.deepEqual(JSON.parse(r.stdout), {
      cniVersion: '0.4.0',
      interfaces: [{ name: 'eth0' }],
      ips: [{ version: '4', interface: 0, address: '10.1.0.2/24' }],
      dns: { domain: 'example.org' },
    });
    const empty = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug }) });
    assert.deepEqual(JSON.parse(empty.stdout), { cniVersion: '1.0.0' });
    const del = execNoop({ env: cniEnv('DEL'), stdin: conf({ debugFile: debug, prevResult: prev100 }) });
    assert.equal(del.stdout, '', 'DEL prints nothing');
  });
  it('INJECT-DNS adds nameserver 1.2.3.4 to prevResult, in the config version', () => {
    const debug = sb.debug('dns.json', { reportResult: 'INJECT-DNS' });
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug, prevResult: prev100 }) });
    assert.deepEqual((JSON.parse(r.stdout) as { dns: unknown }).dns, {
      nameservers: ['1.2.3.4'],
      domain: 'example.org',
    });
    const v02 = execNoop({
      env: cniEnv('ADD'),
      stdin: conf({ cniVersion: '0.2.0', debugFile: debug, prevResult: prev100 }),
    });
    assert.deepEqual(JSON.parse(v02.stdout), {
      cniVersion: '0.2.0',
      ip4: { ip: '10.1.0.2/24' },
      dns: { nameservers: ['1.2.3.4'], domain: 'example.org' },
    });
  });
  it('reportError fails every command with its code and details (999 by default)', () => {
    const coded = sb.debug('err.json', { reportError: 'not ready', reportErrorCode: 50, reportErrorDetails: 'wait' });
    for (const command of ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS']) {
      const r = execNoop({ env: cniEnv(command), stdin: conf({ cniVersion: '1.1.0', debugFile: coded }) });
      assert.equal(r.status, 1, command);
      assert.equal(r.stdout, JSON.stringify({ code: 50, msg: 'not ready', details: 'wait' }, null, 4));
    }
    const plain = sb.debug('err999.json', { reportError: 'banana' });
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: plain }) });
    assert.equal(r.stdout, JSON.stringify({ code: 999, msg: 'banana' }, null, 4));
  });
  it('reportStderr writes to stderr and leaves stdout alone', () => {
    const debug = sb.debug('stderr.json', { reportStderr: 'something odd\n', reportResult: 'PASSTHROUGH' });
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug }) });
    assert.equal(r.stderr, 'something odd\n');
    assert.deepEqual(JSON.parse(r.stdout), { cniVersion: '1.0.0' });
  });
  it('reportVersionSupport drives VERSION (via CNI_ARGS or CNIKIT_NOOP_DEBUG) and the version check', () => {
    const debug = sb.debug('versions.json', { reportVersionSupport: ['0.3.1', '0.4.0'] });
    const want = '{"cniVersion":"1.1.0","supportedVersions":["0.3.1","0.4.0"]}\n';
    assert.equal(execNoop({ env: { CNI_COMMAND: 'VERSION', CNI_ARGS: `DEBUG=${debug}` } }).stdout, want);
    assert.equal(execNoop({ env: { CNI_COMMAND: 'VERSION', CNIKIT_NOOP_DEBUG: debug } }).stdout, want);
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug }) });
    assert.equal(r.status, 1);
    assert.equal(
      r.stdout,
      JSON.stringify(
        { code: 1, msg: 'incompatible CNI versions', details: 'config is "1.0.0", plugin supports ["0.3.1" "0.4.0"]' },
        null,
        4,
      ),
    );
    const ok = execNoop({ env: cniEnv('ADD'), stdin: conf({ cniVersion: '0.4.0', debugFile: debug }) });
    assert.equal(ok.status, 0);
  });
  it('exitWithCode exits with that code after printing the output', () => {
    const debug = sb.debug('exit.json', { exitWithCode: 3, reportResult: 'PASSTHROUGH' });
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug }) });
    assert.equal(r.status, 3);
    assert.deepEqual(JSON.parse(r.stdout), { cniVersion: '1.0.0' });
    const withError = sb.debug('exit-err.json', { exitWithCode: 3, reportError: 'boom' });
    assert.equal(execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: withError }) }).status, 1);
  });
  it('a malformed debug file fails as code 999 with its message, no stack on stdout', () => {
    const debug = sb.debug('bad.json', '{"reportResult": ');
    const r = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug }) });
    assert.equal(r.status, 1);
    const e = JSON.parse(r.stdout) as { code: number; msg: string };
    assert.equal(e.code, 999);
    assert.ok(!r.stdout.includes('    at '), 'no stack trace on stdout');
    assert.match(r.stderr, /SyntaxError/);
    const typed = sb.debug('badtype.json', { sleepMs: 'soon' });
    const t = execNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: typed }) });
    assert.equal(
      (JSON.parse(t.stdout) as { msg: string }).msg,
      `debug file ${typed}: "sleepMs" must be a non-negative integer`,
    );
  });
});

describe('cnikit-noop: in flight and concurrent', () => {
  it('sleepMs holds the call open after it is recorded', async () => {
    const debug = sb.debug('slow.json', { sleepMs: 800 });
    const started = Date.now();
    const run = startNoop({ env: cniEnv('ADD'), stdin: conf({ debugFile: debug }) });
    let finished = false;
    void run.done.then(() => {
      finished = true;
    });
    while (sb.records(`${debug}.log`).length === 0) {
      assert.ok(Date.now() - started < 5000, 'the call was recorded');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(finished, false, 'still running after it was recorded');
    const r = await run.done;
    assert.equal(r.status, 0);
    assert.ok(Date.now() - started >= 800);
  });
  it('concurrent calls append whole lines to one log', async () => {
    const log = join(sb.dir, 'concurrent.log');
    const pad = 'x'.repeat(16 * 1024);
    const runs = Array.from({ length: 24 }, (_, i) =>
      startNoop({
        env: cniEnv(i % 2 === 0 ? 'ADD' : 'DEL', { CNI_CONTAINERID: `ctr-${i}` }),
        stdin: conf({ commandLog: log, pad }),
      }),
    );
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) assert.equal(r.status, 0, r.stdout + r.stderr);
    const records = sb.records(log);
    assert.equal(records.length, 24);
    assert.deepEqual(
      records.map((r) => (r.env as Record<string, string>).CNI_CONTAINERID).sort(),
      Array.from({ length: 24 }, (_, i) => `ctr-${i}`).sort(),
    );
    for (const r of records) assert.equal((JSON.parse(String(r.stdin)) as { pad: string }).pad.length, pad.length);
  });
});
