// Hanging, lingering and flooding plugins: killed with their whole process group, reaped, and reported.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PluginDir, pluginDir } from '../../test/fixtures/plugins/cni-path.ts';
import { pluginFailure } from '../../test/helpers/plugin-error.ts';
import { fdCount, isGone, ourZombies, procStat } from '../../test/helpers/procs.ts';
import { createExec } from './create-exec.ts';
import { buildPluginEnv } from './env.ts';

let plugins: PluginDir;
const exec = createExec({ stderr: () => {} });
const stdin = Buffer.from('{"cniVersion":"1.0.0","name":"n","type":"hang"}');
const env = buildPluginEnv({ command: 'ADD', containerId: 'c', ifName: 'eth0', path: [] });

async function waitFor<T>(read: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) assert.fail('timed out waiting');
    await sleep(10);
  }
}

async function hangPids(): Promise<[number, number]> {
  const text = await waitFor(async () => {
    const t = await readFile(plugins.path('hang.pids'), 'utf8');
    return t.trim() === '' ? undefined : t;
  });
  const [leader, child] = text.trim().split(' ').map(Number);
  assert.ok(leader !== undefined && child !== undefined && leader > 0 && child > 0);
  return [leader, child];
}

before(async () => {
  plugins = await pluginDir();
});
beforeEach(() => rm(plugins.path('hang.pids'), { force: true }));
after(() => plugins.cleanup());

describe('a plugin that hangs', () => {
  it('is killed on abort with its child, reaped, and reported as aborted', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const run = pluginFailure(
      exec.execPlugin(plugins.path('hang'), stdin, env, { signal: ac.signal, timeoutMs: 60_000 }),
    );
    const [leader, child] = await hangPids();
    assert.ok(!isGone(leader) && !isGone(child), 'both run before the abort');
    ac.abort(new Error('pod deleted'));
    const e = await run;
    assert.ok(Date.now() - started < 5000);
    assert.equal(e.reason, 'aborted');
    assert.equal(e.signal, 'SIGKILL');
    assert.match(e.message, /^netplugin failed with no error message: signal: killed/);
    assert.match(e.message, /aborted by the caller/);
    assert.match(e.stderrTail, /hang: waiting forever/);
    assert.equal((e.cause as Error).message, 'pod deleted');
    assert.ok(isGone(leader), 'leader gone');
    await waitFor(async () => (isGone(child) ? true : undefined), 2000);
    assert.equal(procStat(leader), undefined, 'our own child is reaped, not left a zombie');
    assert.deepEqual(ourZombies(), []);
  });

  it('is killed at the time-out with its child', async () => {
    const started = Date.now();
    const e = await pluginFailure(exec.execPlugin(plugins.path('hang'), stdin, env, { timeoutMs: 300 }));
    const took = Date.now() - started;
    assert.ok(took >= 290 && took < 3000, `took ${took} ms`);
    assert.equal(e.reason, 'timeout');
    assert.match(e.message, /timed out after 300 ms/);
    const [leader, child] = await hangPids();
    assert.equal(procStat(leader), undefined);
    await waitFor(async () => (isGone(child) ? true : undefined), 2000);
    assert.deepEqual(ourZombies(), []);
  });

  it('never starts when the signal has already fired', async () => {
    const e = await pluginFailure(exec.execPlugin(plugins.path('hang'), stdin, env, { signal: AbortSignal.abort() }));
    assert.equal(e.reason, 'aborted');
    await sleep(100);
    await assert.rejects(readFile(plugins.path('hang.pids')));
  });

  it('uses the Exec default time-out when the call gives none', async () => {
    const quick = createExec({ stderr: () => {}, timeoutMs: 200 });
    const e = await pluginFailure(quick.execPlugin(plugins.path('hang'), stdin, env, {}));
    assert.equal(e.reason, 'timeout');
  });
});

describe('a plugin that exits but leaves a child holding its pipes', () => {
  it('succeeds without waiting for the child, and the child is killed', async () => {
    const started = Date.now();
    const out = await exec.execPlugin(plugins.path('daemon'), stdin, env, { timeoutMs: 10_000 });
    assert.ok(Date.now() - started < 3000);
    assert.equal(Buffer.from(out).toString(), '{"cniVersion":"1.0.0"}\n');
    const pid = Number(await readFile(plugins.path('daemon.pid'), 'utf8'));
    await waitFor(async () => (isGone(pid) ? true : undefined), 2000);
  });
});

describe('a plugin that floods', () => {
  it('is killed past the stdout cap with a clear error', async () => {
    const e = await pluginFailure(exec.execPlugin(plugins.path('flood'), stdin, env, { maxOutputBytes: 1 << 20 }));
    assert.equal(e.reason, 'output-limit');
    assert.equal(e.msg, 'netplugin wrote more than 1048576 bytes to stdout');
    assert.match(e.message, /flood \(CNI_COMMAND=ADD\)/);
    assert.deepEqual(ourZombies(), []);
  });

  it('is killed past the stderr cap too, having forwarded what came before', async () => {
    let forwarded = 0;
    const e = await pluginFailure(
      exec.execPlugin(
        plugins.path('flood'),
        stdin,
        { ...env, FLOOD_STDERR: '1' },
        { maxOutputBytes: 256 * 1024, stderr: (c) => (forwarded += c.length) },
      ),
    );
    assert.equal(e.msg, 'netplugin wrote more than 262144 bytes to stderr');
    assert.ok(forwarded > 0 && forwarded <= 256 * 1024);
  });

  it('applies the 16 MiB default cap', async () => {
    const e = await pluginFailure(exec.execPlugin(plugins.path('flood'), stdin, env, {}));
    assert.equal(e.msg, `netplugin wrote more than ${16 * 1024 * 1024} bytes to stdout`);
  });
});

describe('resources', () => {
  it('leaves no file descriptor and no zombie behind after every kind of ending', async () => {
    await exec.execPlugin(plugins.path('noop'), stdin, env, {}); // warm-up: libuv opens its own fds once
    const before = fdCount();
    for (let i = 0; i < 3; i++) {
      await exec.execPlugin(plugins.path('noop'), stdin, env, {});
      await pluginFailure(exec.execPlugin(plugins.path('garbage'), stdin, env, {}));
      await pluginFailure(exec.execPlugin(plugins.path('hang'), stdin, env, { timeoutMs: 100 }));
      await pluginFailure(exec.execPlugin(plugins.path('flood'), stdin, env, { maxOutputBytes: 4096 }));
      await pluginFailure(exec.execPlugin(plugins.path('nope'), stdin, env, {}));
      await exec.execPlugin(plugins.path('daemon'), stdin, env, {});
    }
    await sleep(50);
    assert.equal(fdCount(), before);
    assert.deepEqual(ourZombies(), []);
  });
});
