// Both runChild backends against the same real fixture plugins: the posix_spawn one must be indistinguishable from
// the child_process one in every outcome, and must leave no fd, zombie or stray process behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { type PluginDir, pluginDir } from '../../test/fixtures/plugins/cni-path.ts';
import { eventually, fdCount, isGone, ourZombies, procStat } from '../../test/helpers/procs.ts';
import { loadLibc } from './libc.ts';
import { type ChildLimits, type ChildOutcome, runChild } from './spawn-child.ts';
import { runChildPosix } from './spawn-posix.ts';
import { runChild as runChildSelected, spawnBackend } from './spawn-posix-select.ts';

type Run = (
  file: string,
  stdin: Uint8Array,
  env: Readonly<Record<string, string>>,
  l: ChildLimits,
) => Promise<ChildOutcome>;

const libc = await loadLibc();
const backends: readonly (readonly [string, Run | undefined])[] = [
  ['child_process', runChild],
  ['posix_spawn', libc === undefined ? undefined : (f, s, e, l) => runChildPosix(libc, f, s, e, l)],
];

let plugins: PluginDir;
const env = { CNI_COMMAND: 'ADD', PATH: '/usr/bin:/bin' };
const stdin = Buffer.from('{"cniVersion":"1.0.0","name":"n","type":"t"}');
const limits = (over: Partial<ChildLimits> = {}): ChildLimits => ({
  signal: undefined,
  timeoutMs: 10_000,
  maxOutputBytes: 16 << 20,
  stderr: () => {},
  ...over,
});

/** A fixture script of our own in the plugin dir. */
async function script(name: string, body: string): Promise<string> {
  const p = plugins.path(name);
  await writeFile(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

function ended(o: ChildOutcome): Exclude<ChildOutcome, { kind: 'spawn-error' }> {
  assert.notEqual(o.kind, 'spawn-error', o.kind === 'spawn-error' ? o.error.message : '');
  if (o.kind === 'spawn-error') throw o.error;
  return o;
}

before(async () => {
  plugins = await pluginDir();
});
beforeEach(() => rm(plugins.path('hang.pids'), { force: true }));
after(() => plugins.cleanup());

for (const [name, run] of backends) {
  describe(`runChild over ${name}`, { skip: run === undefined && 'koffi or glibc unavailable' }, () => {
    const go = run ?? runChild;

    it('captures stdout, stderr and the exit code; names a signal', async () => {
      const ok = ended(await go(plugins.path('noop'), stdin, env, limits()));
      assert.deepEqual(
        [ok.kind, ok.stdout.toString(), ok.exitCode, ok.signal],
        ['exited', '{"cniVersion":"1.0.0"}\n', 0, null],
      );
      const seen: Buffer[] = [];
      const bad = ended(
        await go(plugins.path('garbage'), stdin, env, limits({ stderr: (c) => seen.push(Buffer.from(c)) })),
      );
      assert.equal(bad.exitCode, 3);
      assert.equal(bad.stdout.toString(), 'panic: this is not json\n');
      assert.equal(bad.stderrTail.toString(), 'garbage: something broke at line 42\n');
      assert.equal(Buffer.concat(seen).toString(), 'garbage: something broke at line 42\n');
      const killed = ended(await go(plugins.path('killed'), stdin, env, limits()));
      assert.deepEqual([killed.exitCode, killed.signal], [null, 'SIGSEGV']);
    });

    it('passes the exact stdin and env, and round-trips 4 MiB each way', async () => {
      await go(plugins.path('record'), stdin, { ...env, ODD: 'a b=c;"é"' }, limits());
      assert.equal(await readFile(plugins.path('record.stdin'), 'utf8'), stdin.toString());
      assert.match(await readFile(plugins.path('record.env'), 'utf8'), /^ODD=a b=c;"é"$/m);
      const big = Buffer.alloc(4 << 20, 'xyz');
      const echo = ended(await go(await script('echo', 'exec cat'), big, env, limits()));
      assert.equal(echo.exitCode, 0);
      assert.ok(echo.stdout.equals(big));
    });

    it('does not crash when the plugin exits without reading a large stdin (EPIPE)', async () => {
      const o = ended(await go(await script('no-read', 'echo ok'), Buffer.alloc(1 << 20), env, limits()));
      assert.deepEqual([o.kind, o.stdout.toString(), o.exitCode], ['exited', 'ok\n', 0]);
    });

    it('starts the plugin with default signal dispositions, an empty mask, in its own session and group', async () => {
      // cat is exec'd straight from the shebang, so it reads the state we started it in; a shell would not do
      // (dash blocks every signal while it waits for a command).
      const p = plugins.path('sigs');
      await writeFile(p, '#!/bin/cat /proc/self/status\n', { mode: 0o755 });
      const text = ended(await go(p, stdin, env, limits())).stdout.toString();
      const field = (name: string): string => new RegExp(`^${name}:\\s+(\\S+)`, 'm').exec(text)?.[1] ?? 'missing';
      // Node ignores SIGPIPE; a plugin that inherited that would see EPIPE where Go's plugins expect to die.
      assert.match(field('SigIgn'), /^0+$/);
      assert.match(field('SigBlk'), /^0+$/);
      assert.deepEqual([field('NSpgid'), field('NSsid')], [field('Pid'), field('Pid')]);
    });

    it('kills a plugin past the output cap, on stdout and on stderr', async () => {
      const out = await go(plugins.path('flood'), stdin, env, limits({ maxOutputBytes: 64 * 1024 }));
      assert.equal(out.kind, 'output-limit');
      assert.ok(out.kind === 'output-limit' && out.stream === 'stdout' && out.signal === 'SIGKILL');
      const err = await go(
        plugins.path('flood'),
        stdin,
        { ...env, FLOOD_STDERR: '1' },
        limits({ maxOutputBytes: 4096 }),
      );
      assert.ok(err.kind === 'output-limit' && err.stream === 'stderr', err.kind);
    });

    it('kills a hanging plugin and its child at the time-out, and reaps the plugin', async () => {
      const started = Date.now();
      const o = await go(plugins.path('hang'), stdin, env, limits({ timeoutMs: 300 }));
      const took = Date.now() - started;
      assert.ok(o.kind === 'timeout' && o.timeoutMs === 300 && o.signal === 'SIGKILL', o.kind);
      assert.ok(took >= 290 && took < 3000, `took ${took} ms`);
      assert.match(o.stderrTail.toString(), /hang: waiting forever/);
      const [leader = 0, child = 0] = (await readFile(plugins.path('hang.pids'), 'utf8')).trim().split(' ').map(Number);
      assert.equal(procStat(leader), undefined, 'the plugin is reaped, not a zombie');
      assert.ok(await eventually(() => isGone(child)), 'timed out waiting');
    });

    it('kills on abort, and never starts when already aborted', async () => {
      const ac = new AbortController();
      const run = go(plugins.path('hang'), stdin, env, limits({ signal: ac.signal, timeoutMs: 60_000 }));
      assert.ok(await eventually(() => readdirSync(plugins.dir).includes('hang.pids')), 'timed out waiting');
      const reason = new Error('pod deleted');
      ac.abort(reason);
      const o = await run;
      assert.ok(o.kind === 'aborted' && o.reason === reason && o.signal === 'SIGKILL', o.kind);
      await rm(plugins.path('hang.pids'));
      const never = await go(plugins.path('hang'), stdin, env, limits({ signal: AbortSignal.abort() }));
      assert.equal(never.kind, 'aborted');
      await sleep(100);
      assert.ok(!readdirSync(plugins.dir).includes('hang.pids'));
    });

    it('returns soon after a plugin exits leaving a child on its pipes, and kills that child', async () => {
      const started = Date.now();
      const o = ended(await go(plugins.path('daemon'), stdin, env, limits()));
      assert.ok(Date.now() - started < 2000);
      assert.deepEqual([o.kind, o.exitCode, o.stdout.toString()], ['exited', 0, '{"cniVersion":"1.0.0"}\n']);
      const pid = Number(await readFile(plugins.path('daemon.pid'), 'utf8'));
      assert.ok(await eventually(() => isGone(pid)), 'timed out waiting');
    });

    it('reports why a plugin could not start, with the errno code the ETXTBSY retry keys on', async () => {
      const missing = await go(plugins.path('nope'), stdin, env, limits());
      assert.ok(missing.kind === 'spawn-error' && missing.code === 'ENOENT', missing.kind);
      assert.match(missing.error.message, /ENOENT/);
      const p = plugins.path('not-exec');
      await writeFile(p, '#!/bin/sh\n', { mode: 0o644 });
      const denied = await go(p, stdin, env, limits());
      assert.ok(denied.kind === 'spawn-error' && denied.code === 'EACCES', denied.kind);
      const busy = await script('busy', 'exit 0');
      const writer = await open(busy, 'r+');
      try {
        const o = await go(busy, stdin, env, limits());
        assert.ok(o.kind === 'spawn-error' && o.code === 'ETXTBSY', o.kind);
      } finally {
        await writer.close();
      }
      const nul = await go(plugins.path('noop'), stdin, { ...env, CNI_NETNS: 'a\0b' }, limits());
      assert.ok(nul.kind === 'spawn-error' && nul.code === 'ERR_INVALID_ARG_VALUE', nul.kind);
    });

    it('runs 32 plugins at once, each with its own stdin, env and output', async () => {
      const p = await script('ident', 'cat; printf " %s" "$ID"; exit $((ID % 7))');
      const runs = Array.from({ length: 32 }, (_, i) =>
        go(p, Buffer.from(`in-${i}`), { ...env, ID: String(i) }, limits()).then(ended),
      );
      const outs = await Promise.all(runs);
      outs.forEach((o, i) => {
        assert.equal(o.stdout.toString(), `in-${i} ${i}`);
        assert.equal(o.exitCode, i % 7);
      });
    });

    it('leaves no fd and no zombie behind after every kind of ending', async () => {
      await go(plugins.path('noop'), stdin, env, limits()); // warm-up: libuv opens its own fds once
      const before = fdCount();
      for (let i = 0; i < 3; i++) {
        await go(plugins.path('noop'), stdin, env, limits());
        await go(plugins.path('garbage'), stdin, env, limits());
        await go(plugins.path('hang'), stdin, env, limits({ timeoutMs: 100 }));
        await go(plugins.path('flood'), stdin, env, limits({ maxOutputBytes: 4096 }));
        await go(plugins.path('nope'), stdin, env, limits());
        await go(plugins.path('daemon'), stdin, env, limits());
      }
      await sleep(50);
      assert.equal(fdCount(), before);
      assert.deepEqual(ourZombies(), []);
    });
  });
}

describe('posix_spawn beside child_process', { skip: libc === undefined && 'koffi or glibc unavailable' }, () => {
  it("keeps every exit status while libuv reaps its own children at the same time (its SIGCHLD handler can't steal ours)", async () => {
    if (libc === undefined) return;
    const p = await script('code', 'sleep 0.0$((ID % 5)); exit $((ID % 100 + 1))');
    const others = Array.from(
      { length: 16 },
      () => new Promise<number | null>((resolve) => spawn('/bin/sh', ['-c', 'exit 9']).once('exit', resolve)),
    );
    const ours = Array.from({ length: 48 }, (_, i) => runChildPosix(libc, p, stdin, { ID: String(i) }, limits()));
    for (const [i, o] of (await Promise.all(ours)).entries()) assert.equal(ended(o).exitCode, (i % 100) + 1);
    assert.deepEqual(await Promise.all(others), Array(16).fill(9));
  });
});

describe('backend selection', () => {
  // Which backend took a call, seen from outside: a posix_spawn run listens for SIGCHLD until its plugin is reaped;
  // child_process leaves that to libuv (which does not show up as a process listener). The plugin takes 100 ms, so it
  // is surely still running when the run starts listening (one that is gone by then needs no listener).
  const slow = async (): Promise<string> => script('slow', 'sleep 0.1');
  const backendOf = async (run: () => Promise<ChildOutcome>): Promise<string> => {
    const p = run();
    const kind = process.listenerCount('SIGCHLD') > 0 ? 'posix' : 'child';
    ended(await p);
    return kind;
  };

  it('uses posix_spawn where it loads, and child_process when CNIKIT_SPAWN=child', async () => {
    const saved = process.env.CNIKIT_SPAWN;
    const p = await slow();
    const run = () => runChildSelected(p, stdin, env, limits());
    try {
      delete process.env.CNIKIT_SPAWN;
      assert.equal(await spawnBackend(), libc === undefined ? 'child' : 'posix');
      assert.equal(await backendOf(run), libc === undefined ? 'child' : 'posix');
      process.env.CNIKIT_SPAWN = 'child';
      assert.equal(await spawnBackend(), 'child');
      assert.equal(await backendOf(run), 'child');
    } finally {
      if (saved === undefined) delete process.env.CNIKIT_SPAWN;
      else process.env.CNIKIT_SPAWN = saved;
    }
  });

  it("runs a fresh process's first calls on child_process (loading koffi from the second), unless CNIKIT_SPAWN=posix", async () => {
    if (libc === undefined) return;
    const p = await slow();
    const select = new URL('./spawn-posix-select.ts', import.meta.url).pathname;
    // Three calls: after the first, koffi must still be unloaded (a one-shot CLI run never pays for it); the third
    // waits for the load to settle first (spawnBackend), so the test does not race it.
    const libcPath = new URL('./libc.ts', import.meta.url).pathname;
    const script = `
      const { runChild, spawnBackend } = await import(${JSON.stringify(select)});
      const { loadedLibc } = await import(${JSON.stringify(libcPath)});
      const l = { signal: undefined, timeoutMs: 10000, maxOutputBytes: 4096, stderr: () => {} };
      let posix = false;
      process.on('newListener', (event) => { if (event === 'SIGCHLD') posix = true; });
      for (let i = 0; i < 3; i++) {
        posix = false;
        if ((await runChild(${JSON.stringify(p)}, new Uint8Array(), {}, l)).exitCode !== 0) process.exit(3);
        await new Promise((r) => setTimeout(r, 20));
        // The second call started the load; wait for it to settle (it can take longer than 20 ms on a busy host).
        if (i === 1) await spawnBackend();
        process.stdout.write((posix ? 'posix' : 'child') + (loadedLibc() === undefined ? '-unloaded ' : ' '));
      }`;
    const run = (mode: string | undefined): string => {
      const childEnv: NodeJS.ProcessEnv = { ...process.env };
      if (mode === undefined) delete childEnv.CNIKIT_SPAWN;
      else childEnv.CNIKIT_SPAWN = mode;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: childEnv,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(run(undefined), 'child-unloaded child posix');
    assert.equal(run('posix'), 'posix posix posix');
    assert.equal(run('child'), 'child-unloaded child-unloaded child-unloaded');
  });
  it('keeps worker threads on child_process unless forced (signals do not reach workers)', async () => {
    // The test runner's TypeScript hooks do not reach workers: bundle the selector for one, in the repo's .tmp so
    // that its import('koffi') resolves from node_modules.
    const { build } = await import('esbuild');
    const tmp = new URL('../../.tmp/', import.meta.url).pathname;
    await mkdir(tmp, { recursive: true });
    const out = join(await mkdtemp(join(tmp, 'select-worker-')), 'select-worker.cjs');
    await build({
      stdin: {
        contents: `const { parentPort } = require('node:worker_threads');
          require('./spawn-posix-select.ts').spawnBackend().then((b) => parentPort.postMessage(b));`,
        resolveDir: new URL('.', import.meta.url).pathname,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: out,
      external: ['koffi'],
      logLevel: 'silent',
    });
    const inWorker = (mode: string | undefined): Promise<unknown> => {
      const workerEnv: NodeJS.ProcessEnv = { ...process.env };
      if (mode === undefined) delete workerEnv.CNIKIT_SPAWN;
      else workerEnv.CNIKIT_SPAWN = mode;
      const w = new Worker(out, { env: workerEnv });
      return new Promise((resolve, reject) => {
        w.once('message', (m) => resolve(m));
        w.once('error', reject);
      }).finally(() => w.terminate());
    };
    try {
      assert.equal(await inWorker(undefined), 'child');
      assert.equal(await inWorker('posix'), libc === undefined ? 'child' : 'posix');
    } finally {
      await rm(join(out, '..'), { recursive: true, force: true });
    }
  });
});
