// The attachment scenarios, as cnibench's cycle.go: N sequential ADD+DEL cycles, and many attachments at once.
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ResultCache } from '../../src/cache/index.ts';
import type { NetworkConfigList } from '../../src/config/index.ts';
import { createExec, type Exec } from '../../src/invoke/index.ts';
import { CNI, type RuntimeConf } from '../../src/runtime/index.ts';
import { isRecord, type Result } from '../../src/spec/index.ts';
import type { BenchRun } from './bench-run.ts';
import type { Recorder } from './stats.ts';
import { round4 } from './stats.ts';

/** cnikit's own Exec wrapped to time every plugin exec as `plugin:<type>:<command>` (cnibench's -perplugin). */
export function timedExec(rec: Recorder, enabled: () => boolean): Exec {
  const inner = createExec();
  return {
    findInPath: (t, paths) => inner.findInPath(t, paths),
    async execPlugin(pluginPath, stdin, env, opts) {
      const t0 = performance.now();
      const out = await inner.execPlugin(pluginPath, stdin, env, opts);
      if (enabled()) {
        rec.add(`plugin:${basename(pluginPath)}:${(env.CNI_COMMAND ?? '').toLowerCase()}`, performance.now() - t0);
      }
      return out;
    },
  };
}

type CacheOp = 'read' | 'write' | 'remove';

/**
 * -perplugin also splits the runtime's own time: every ResultCache read, write and remove the runtime makes is
 * timed as `cache:<op>` (cnikit writes durably: an intent record and the result on ADD, a durable unlink on DEL).
 * Bench-only instrumentation of the prototype; nothing in src/ knows about it.
 */
function timeCacheOps(rec: Recorder, enabled: () => boolean): void {
  const proto = ResultCache.prototype;
  const wrap = <A extends unknown[], R>(op: CacheOp, fn: (this: ResultCache, ...a: A) => Promise<R>) =>
    async function (this: ResultCache, ...a: A): Promise<R> {
      const t0 = performance.now();
      try {
        return await fn.apply(this, a);
      } finally {
        if (enabled()) rec.add(`cache:${op}`, performance.now() - t0);
      }
    };
  proto.read = wrap('read', proto.read);
  proto.write = wrap('write', proto.write);
  proto.remove = wrap('remove', proto.remove);
}

/** A runtime on the run's plugin path and cache dir; `exec` undefined means cnikit's default, as in production. */
function runtime(run: BenchRun, exec: Exec | undefined): CNI {
  return new CNI({ path: run.pluginPath(), cacheDir: run.cacheDir, ...(exec === undefined ? {} : { exec }) });
}

function needList(run: BenchRun): NetworkConfigList {
  if (run.list === undefined) throw new Error(`-mode ${run.opt.mode} needs -net`);
  return run.list;
}

/** warmup+n × (ADD, DEL), a fresh container ID each; "add", "del", "cycle" (a failed ADD is still DELed). */
export async function cycle(run: BenchRun): Promise<void> {
  const list = needList(run);
  let timed = false;
  if (run.opt.perPlugin) timeCacheOps(run.rec, () => timed);
  const cni = runtime(run, run.opt.perPlugin ? timedExec(run.rec, () => timed) : undefined);
  for (let i = -run.opt.warmup; i < run.opt.n; i++) {
    const rt = run.runtimeConf(i);
    timed = i >= 0;
    let addErr: unknown;
    let delErr: unknown;
    const t0 = performance.now();
    try {
      await cni.addNetworkList(list, rt);
    } catch (e) {
      addErr = e ?? new Error('add failed');
    }
    const t1 = performance.now();
    try {
      await cni.delNetworkList(list, rt);
    } catch (e) {
      delErr = e ?? new Error('del failed');
    }
    const t2 = performance.now();
    if (addErr !== undefined) run.fail(`add ${rt.containerId}`, addErr);
    else if (timed) run.rec.add('add', t1 - t0);
    if (delErr !== undefined) run.fail(`del ${rt.containerId}`, delErr);
    else if (timed) run.rec.add('del', t2 - t1);
    if (addErr === undefined && delErr === undefined && timed) run.rec.add('cycle', t2 - t0);
  }
}

/** Runs op(0..total-1) with at most `concurrency` in flight; returns the wall time (ms). */
async function phase(total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      await op(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return performance.now() - start;
}

/** The addresses in a result, from the 0.4.0+/1.0.0 `ips` list or a 0.2.0 result's ip4/ip6. */
function resultIps(result: Result | undefined): string[] {
  const res: unknown = result;
  if (!isRecord(res)) return [];
  const ips: string[] = [];
  const add = (ip: unknown): void => {
    if (isRecord(ip) && typeof ip.address === 'string') ips.push(ip.address.split('/')[0] ?? '');
  };
  if (Array.isArray(res.ips)) for (const ip of res.ips) add(ip);
  add(res.ip4);
  add(res.ip6);
  return ips;
}

/** ADD of -total attachments, -concurrency at a time, then DEL of all of them; per-op samples and wall times. */
export async function concurrent(run: BenchRun): Promise<void> {
  const list = needList(run);
  if (run.opt.perPlugin) timeCacheOps(run.rec, () => true);
  const cni = runtime(run, run.opt.perPlugin ? timedExec(run.rec, () => true) : undefined);
  const rts: RuntimeConf[] = Array.from({ length: run.opt.total }, (_, i) => run.runtimeConf(i));
  const ips: string[] = [];
  const at = (i: number): RuntimeConf => {
    const rt = rts[i];
    if (rt === undefined) throw new Error(`no attachment ${i}`);
    return rt;
  };
  const addWall = await phase(rts.length, run.opt.concurrency, async (i) => {
    const rt = at(i);
    const t0 = performance.now();
    try {
      const res = await cni.addNetworkList(list, rt);
      run.rec.add('add', performance.now() - t0);
      ips.push(...resultIps(res));
    } catch (e) {
      run.fail(`add ${rt.containerId}`, e);
    }
  });
  const delWall = await phase(rts.length, run.opt.concurrency, async (i) => {
    const rt = at(i);
    const t0 = performance.now();
    try {
      await cni.delNetworkList(list, rt);
      run.rec.add('del', performance.now() - t0);
    } catch (e) {
      run.fail(`del ${rt.containerId}`, e);
    }
  });
  run.out.extra = {
    addWallMs: round4(addWall),
    delWallMs: round4(delWall),
    totalWallMs: round4(addWall + delWall),
    ips: ips.length,
    distinctIps: new Set(ips).size,
  };
}
