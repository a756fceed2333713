// Real fixture plugins (test/fixtures/plugins), run the way a runtime runs them.
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type PluginDir, pluginDir } from '../../test/fixtures/plugins/cni-path.ts';
import { pluginFailure } from '../../test/helpers/plugin-error.ts';
import { CNIError } from '../spec/errors.ts';
import { createExec } from './create-exec.ts';
import { buildPluginEnv } from './env.ts';
import { PluginError } from './errors.ts';
import { execPluginWithoutResult, execPluginWithResult, getVersionInfo } from './exec-plugin.ts';
import type { InvokeArgs } from './types.ts';

let plugins: PluginDir;
const stderrChunks: Buffer[] = [];
const exec = createExec({ stderr: (c) => stderrChunks.push(Buffer.from(c)), timeoutMs: 10_000 });
const stdin = Buffer.from('{"cniVersion":"1.0.0","name":"net","type":"record","x":"<&>"}');
const args = (over: Partial<InvokeArgs> = {}): InvokeArgs => ({
  command: 'ADD',
  containerId: 'ctr-1',
  netns: '/var/run/netns/ns1',
  ifName: 'eth0',
  pluginArgs: [['K8S_POD_NAME', 'web']],
  path: ['/opt/cni/bin', '/usr/lib/cni'],
  ...over,
});

async function recorded(): Promise<{ env: Map<string, string>; stdin: string }> {
  const envText = await readFile(plugins.path('record.env'), 'utf8');
  const env = new Map(
    envText
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );
  return { env, stdin: await readFile(plugins.path('record.stdin'), 'utf8') };
}

before(async () => {
  plugins = await pluginDir();
});
after(() => plugins.cleanup());

describe('exec of a real plugin', () => {
  it('passes the CNI_* env and the exact stdin, and decodes the result', async () => {
    process.env.CNIKIT_TEST_PASSTHROUGH = 'yes';
    const result = await execPluginWithResult(exec, plugins.path('record'), stdin, args(), {});
    assert.equal(result.cniVersion, '1.0.0');
    assert.deepEqual(result, {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'eth0' }],
      ips: [{ address: '10.0.0.2/24', interface: 0 }],
    });
    const got = await recorded();
    assert.equal(got.stdin, stdin.toString());
    assert.equal(got.env.get('CNI_COMMAND'), 'ADD');
    assert.equal(got.env.get('CNI_CONTAINERID'), 'ctr-1');
    assert.equal(got.env.get('CNI_NETNS'), '/var/run/netns/ns1');
    assert.equal(got.env.get('CNI_IFNAME'), 'eth0');
    assert.equal(got.env.get('CNI_ARGS'), 'K8S_POD_NAME=web');
    assert.equal(got.env.get('CNI_PATH'), '/opt/cni/bin:/usr/lib/cni');
    assert.equal(got.env.get('CNIKIT_TEST_PASSTHROUGH'), 'yes');
    assert.match(Buffer.concat(stderrChunks).toString(), /record: ADD done/);
  });

  it('sends empty CNI_* values rather than none (DEL without netns)', async () => {
    await execPluginWithoutResult(exec, plugins.path('record'), stdin, args({ command: 'DEL', netns: '' }), {});
    const got = await recorded();
    assert.equal(got.env.get('CNI_COMMAND'), 'DEL');
    assert.equal(got.env.get('CNI_NETNS'), '');
  });

  it('reads a result without cniVersion as the config version', async () => {
    await writeFile(plugins.path('record.answer'), '{"ip4":{"ip":"10.1.0.5/16"}}');
    try {
      const r = await execPluginWithResult(
        exec,
        plugins.path('record'),
        Buffer.from('{"cniVersion":"0.2.0","name":"n","type":"record"}'),
        args(),
        {},
      );
      assert.equal(r.cniVersion, '0.2.0');
      assert.ok('ip4' in r && r.ip4?.ip === '10.1.0.5/16');
    } finally {
      await writeFile(plugins.path('record.answer'), '{"cniVersion":"0.4.0","ips":[]}');
    }
    const r = await execPluginWithResult(exec, plugins.path('record'), stdin, args(), {});
    assert.equal(r.cniVersion, '0.4.0');
  });

  it('fails an ADD that exits 0 with nothing on stdout, in upstream words', async () => {
    const p = plugins.path('quiet-ok');
    await writeFile(p, '#!/bin/sh\ncat >/dev/null\n', { mode: 0o755 });
    await assert.rejects(execPluginWithResult(exec, p, stdin, args(), {}), (e: unknown) => {
      assert.ok(CNIError.is(e));
      assert.equal(e.code, 6);
      assert.equal(e.msg, 'failed to unmarshal raw result: unexpected end of JSON input');
      assert.match(e.message, /quiet-ok/);
      return true;
    });
    await execPluginWithoutResult(exec, p, stdin, args({ command: 'CHECK' }), {});
  });
});

describe('plugin failures', () => {
  it('decodes the spec error JSON into a CNIError keeping code, msg and details', async () => {
    const e = await pluginFailure(execPluginWithoutResult(exec, plugins.path('error-json'), stdin, args(), {}));
    assert.ok(CNIError.is(e));
    assert.equal(e.reason, 'reported');
    assert.equal(e.code, 11);
    assert.equal(e.msg, 'try again later');
    assert.equal(e.details, 'the IPAM store is locked');
    assert.equal(e.message, 'try again later; the IPAM store is locked');
    assert.deepEqual(e.toJSON(), { code: 11, msg: 'try again later', details: 'the IPAM store is locked' });
    assert.equal(e.exitCode, 1);
    assert.equal(e.command, 'ADD');
    assert.equal(e.pluginPath, plugins.path('error-json'));
    assert.equal(e.stderrTail, 'error-json: giving up\n');
  });

  it('reports garbage on stdout with the stdout text, exit status and stderr tail', async () => {
    const e = await pluginFailure(execPluginWithoutResult(exec, plugins.path('garbage'), stdin, args(), {}));
    assert.equal(e.reason, 'exit');
    assert.equal(e.exitCode, 3);
    assert.match(e.msg, /^netplugin failed but error parsing its diagnostic message "panic: this is not json\\n": /);
    assert.match(e.message, /exit status 3/);
    assert.match(e.message, /stderr: "garbage: something broke at line 42\\n"/);
    assert.match(e.message, /garbage \(CNI_COMMAND=ADD\)/);
  });

  it('reports a silent failure as upstream does, with stderr in the message when there is some', async () => {
    const p = plugins.path('silent-fail');
    const bare = await pluginFailure(exec.execPlugin(p, stdin, buildPluginEnv(args()), {}));
    assert.equal(bare.msg, 'netplugin failed with no error message: exit status 2');
    const env = { ...buildPluginEnv(args()), SILENT_FAIL_STDERR: 'oops: "quoted"' };
    const withErr = await pluginFailure(exec.execPlugin(p, stdin, env, {}));
    assert.equal(withErr.msg, 'netplugin failed: "oops: \\"quoted\\"": exit status 2');
    assert.equal(withErr.stderrTail, 'oops: "quoted"');
  });

  it('keeps only the tail of a long stderr', async () => {
    const env = { ...buildPluginEnv(args()), SILENT_FAIL_STDERR: `${'a'.repeat(10_000)}THE-END` };
    const e = await pluginFailure(exec.execPlugin(plugins.path('silent-fail'), stdin, env, { stderr: () => {} }));
    assert.ok(e.stderrTail.endsWith('THE-END'));
    assert.ok(e.stderrTail.length <= 2048);
  });

  it('names a signal the plugin died of', async () => {
    const e = await pluginFailure(execPluginWithoutResult(exec, plugins.path('killed'), stdin, args(), {}));
    assert.equal(e.signal, 'SIGSEGV');
    assert.equal(e.exitCode, null);
    assert.equal(e.msg, 'netplugin failed with no error message: signal: segmentation fault');
  });

  it('reports a plugin that cannot start, naming its path', async () => {
    const missing = plugins.path('does-not-exist');
    const e = await pluginFailure(execPluginWithoutResult(exec, missing, stdin, args(), {}));
    assert.equal(e.reason, 'spawn');
    assert.equal(e.code, 5);
    assert.equal(e.msg, `netplugin failed with no error message: fork/exec ${missing}: no such file or directory`);
    const p = plugins.path('not-executable');
    await writeFile(p, '#!/bin/sh\n');
    await chmod(p, 0o644);
    const denied = await pluginFailure(execPluginWithoutResult(exec, p, stdin, args(), {}));
    assert.match(denied.message, /fork\/exec .*not-executable: permission denied/);
  });

  it('reports an environment no process can hold (NUL) as code 4 without running anything', async () => {
    const e = await pluginFailure(
      execPluginWithoutResult(exec, plugins.path('record'), stdin, args({ netns: 'a\0b' }), {}),
    );
    assert.equal(e.code, 4);
  });
});

describe('getVersionInfo', () => {
  it('runs VERSION with the fixed stdin and dummy env, and decodes the answer', async () => {
    const info = await getVersionInfo(exec, plugins.path('record'), {});
    assert.deepEqual(info, { cniVersion: '1.1.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] });
    const got = await recorded();
    assert.equal(got.stdin, '{"cniVersion":"1.1.0"}');
    assert.equal(got.env.get('CNI_COMMAND'), 'VERSION');
    assert.equal(got.env.get('CNI_NETNS'), 'dummy');
    assert.equal(got.env.get('CNI_CONTAINERID'), '');
  });

  it('reads "unknown CNI_COMMAND: VERSION" as a 0.1.0-only plugin', async () => {
    assert.deepEqual(await getVersionInfo(exec, plugins.path('legacy'), {}), {
      cniVersion: '0.1.0',
      supportedVersions: ['0.1.0'],
    });
  });

  it('passes other failures through', async () => {
    await assert.rejects(getVersionInfo(exec, plugins.path('garbage'), {}), PluginError);
    await assert.rejects(getVersionInfo(exec, plugins.path('noop'), {}), /decoding version info/);
  });
});

describe('diagnostics channels', () => {
  it('publishes start and finish of each exec, with the error of a failed one', async () => {
    const seen: [string, unknown][] = [];
    const onStart = (m: unknown) => seen.push(['start', m]);
    const onFinish = (m: unknown) => seen.push(['finish', m]);
    subscribe('cnikit:exec:start', onStart);
    subscribe('cnikit:exec:finish', onFinish);
    try {
      await exec.execPlugin(plugins.path('noop'), stdin, buildPluginEnv(args()), {});
      await assert.rejects(exec.execPlugin(plugins.path('garbage'), stdin, buildPluginEnv(args()), {}));
    } finally {
      unsubscribe('cnikit:exec:start', onStart);
      unsubscribe('cnikit:exec:finish', onFinish);
    }
    assert.deepEqual(
      seen.map(([kind, m]) => [
        kind,
        (m as { pluginPath: string }).pluginPath.split('/').pop(),
        'error' in (m as object),
      ]),
      [
        ['start', 'noop', false],
        ['finish', 'noop', false],
        ['start', 'garbage', false],
        ['finish', 'garbage', true],
      ],
    );
    const finish = seen[1]?.[1] as { durationMs: number; command: string };
    assert.equal(finish.command, 'ADD');
    assert.ok(finish.durationMs > 0);
  });
});
