// ETXTBSY for real: a plugin file held open for writing cannot be exec'd until it is closed.
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { type PluginDir, pluginDir } from '../../test/fixtures/plugins/cni-path.ts';
import { createExec } from './create-exec.ts';
import { buildPluginEnv } from './env.ts';
import { PluginError } from './errors.ts';

let plugins: PluginDir;
const stdin = Buffer.from('{"cniVersion":"1.0.0","name":"n","type":"noop"}');
const env = buildPluginEnv({ command: 'ADD', containerId: 'c', ifName: 'eth0', path: [] });

before(async () => {
  plugins = await pluginDir(['noop']);
});
after(() => plugins.cleanup());

describe('ETXTBSY', () => {
  it('retries while the binary is held open for writing and succeeds once it is closed', async () => {
    const exec = createExec({ stderr: () => {} }); // upstream's 1 s between attempts
    const writer = await open(plugins.path('noop'), 'r+');
    const started = Date.now();
    const closing = new Promise<void>((resolve) => setTimeout(() => writer.close().then(resolve), 1500));
    const out = await exec.execPlugin(plugins.path('noop'), stdin, env, {});
    await closing;
    const took = Date.now() - started;
    assert.equal(Buffer.from(out).toString(), '{"cniVersion":"1.0.0"}\n');
    assert.ok(took >= 1500 && took < 4500, `took ${took} ms`);
  });

  it('fails with a clear error naming the plugin once the retries are spent', async () => {
    const exec = createExec({ stderr: () => {}, textBusyRetries: 2, textBusyDelayMs: 50 });
    const writer = await open(plugins.path('noop'), 'r+');
    try {
      await assert.rejects(exec.execPlugin(plugins.path('noop'), stdin, env, {}), (e: unknown) => {
        assert.ok(e instanceof PluginError);
        assert.equal(e.reason, 'text-busy');
        assert.equal(e.code, 11);
        assert.match(e.message, new RegExp(`fork/exec ${plugins.path('noop')}: text file busy`));
        assert.match(e.message, /still busy after 3 attempts/);
        return true;
      });
    } finally {
      await writer.close();
    }
  });

  it('stops waiting when the call is aborted or its time-out passes', async () => {
    const exec = createExec({ stderr: () => {}, textBusyDelayMs: 10_000 });
    const writer = await open(plugins.path('noop'), 'r+');
    try {
      const started = Date.now();
      await assert.rejects(exec.execPlugin(plugins.path('noop'), stdin, env, { timeoutMs: 200 }), (e: unknown) => {
        assert.ok(e instanceof PluginError && e.reason === 'timeout', String(e));
        return true;
      });
      assert.ok(Date.now() - started < 2000);
      await assert.rejects(
        exec.execPlugin(plugins.path('noop'), stdin, env, { signal: AbortSignal.timeout(100) }),
        (e: unknown) => e instanceof PluginError && e.reason === 'aborted',
      );
    } finally {
      await writer.close();
    }
  });
});
