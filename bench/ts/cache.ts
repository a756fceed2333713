// The cache scenarios, as cnibench's cache.go: writing one entry the way the runtime's ADD does (durably), reading
// one back through the runtime's getNetworkListCachedResult, and listing a large cache dir with
// getCachedAttachments.
import { readFile, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { ResultCache } from '../../src/cache/index.ts';
import { type NetworkConfigList, parseConfigList } from '../../src/config/index.ts';
// The entry the runtime's ADD caches, from the runtime itself, so the benchmark writes exactly what ADD writes.
import { entryFor } from '../../src/runtime/add.ts';
import { CNI, type RuntimeConf } from '../../src/runtime/index.ts';
import { parseResult, type Result } from '../../src/spec/index.ts';
import { type BenchRun, parseCapArgs } from './bench-run.ts';
import { SAMPLE_CAP_ARGS, SAMPLE_CONF_LIST, SAMPLE_RESULT } from './samples.ts';
import { round4 } from './stats.ts';

interface Inputs {
  readonly list: NetworkConfigList;
  readonly result: Result;
  readonly capabilityArgs: Record<string, unknown>;
}

/** -net's list or the built-in one, -result-file or the built-in result, -cap-args or the built-in mapping. */
async function inputs(run: BenchRun): Promise<Inputs> {
  let list = run.list;
  if (list === undefined) {
    list = parseConfigList(SAMPLE_CONF_LIST);
    run.out.network = list.name;
    run.out.cniVersion = list.cniVersion;
  }
  const text = run.opt.resultFile === '' ? SAMPLE_RESULT : await readFile(run.opt.resultFile, 'utf8');
  const result = parseResult(JSON.parse(text));
  const capabilityArgs = parseCapArgs(run.opt.capArgs === '' ? SAMPLE_CAP_ARGS : run.opt.capArgs);
  return { list, result, capabilityArgs };
}

function rtFor(run: BenchRun, containerId: string, capabilityArgs: Record<string, unknown>): RuntimeConf {
  return { containerId, ifName: run.opt.ifName, netns: run.netnsFor(0), capabilityArgs };
}

/** warmup+n writes of one fresh entry each (a create, as an ADD is): "cacheAdd" = entry build + durable write. */
export async function cacheWrite(run: BenchRun): Promise<void> {
  const { list, result, capabilityArgs } = await inputs(run);
  const cache = new ResultCache(run.cacheDir);
  const written: string[] = [];
  try {
    for (let i = -run.opt.warmup; i < run.opt.n; i++) {
      const rt = rtFor(run, run.containerId(i), capabilityArgs);
      const key = { networkName: list.name, containerId: rt.containerId, ifName: rt.ifName };
      const t0 = performance.now();
      try {
        await cache.write(key, entryFor(list, rt, result));
        if (i >= 0) run.rec.add('cacheAdd', performance.now() - t0);
      } catch (e) {
        run.fail(`cacheAdd ${rt.containerId}`, e);
      }
      written.push(cache.entryPath(key));
    }
    const first = written[0];
    if (first !== undefined) run.setExtra('entryBytes', (await readFile(first)).byteLength);
  } finally {
    // Off the clock, and not durable: the files only need to go.
    await Promise.all(written.map((p) => rm(p, { force: true })));
  }
}

/** Writes one entry, then warmup+n × getNetworkListCachedResult of it: "getCachedResult". */
export async function cacheRead(run: BenchRun): Promise<void> {
  const { list, result, capabilityArgs } = await inputs(run);
  const rt = rtFor(run, `${run.opt.cidPrefix}read`, capabilityArgs);
  const cache = new ResultCache(run.cacheDir);
  const key = { networkName: list.name, containerId: rt.containerId, ifName: rt.ifName };
  await cache.write(key, entryFor(list, rt, result));
  const cni = new CNI({ path: [], cacheDir: run.cacheDir });
  try {
    for (let i = -run.opt.warmup; i < run.opt.n; i++) {
      const t0 = performance.now();
      try {
        const got = await cni.getNetworkListCachedResult(list, rt);
        const ms = performance.now() - t0;
        if (got === undefined) run.fail('getCachedResult', new Error(`no cached result for ${rt.containerId}`));
        else if (i >= 0) run.rec.add('getCachedResult', ms);
      } catch (e) {
        run.fail('getCachedResult', e);
      }
    }
  } finally {
    await rm(cache.entryPath(key), { force: true });
  }
}

/** Writes `count` entries named <net>-<cid-prefix><index>-<ifname>, durably as the runtime does; "genMs". */
async function generate(run: BenchRun, count: number): Promise<void> {
  const { list, result, capabilityArgs } = await inputs(run);
  const cache = new ResultCache(run.cacheDir);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const rt = rtFor(run, run.containerId(i), capabilityArgs);
    await cache.write(
      { networkName: list.name, containerId: rt.containerId, ifName: rt.ifName },
      entryFor(list, rt, result),
    );
  }
  run.setExtra('genMs', round4(performance.now() - start));
  run.setExtra('generated', count);
}

/** -mode gen-cache: fills -cache-dir and keeps it, so a later list run measures a process that did nothing else. */
export async function genCache(run: BenchRun, tempCache: boolean): Promise<void> {
  if (tempCache && !run.opt.keep)
    throw new Error('gen-cache needs -cache-dir (or -keep): a temp dir is removed at exit');
  await generate(run, run.opt.entries);
}

const MIB = 1024 * 1024;

/** Optionally generates -entries entries, then warmup+n × getCachedAttachments: "list"; memory in extra. */
export async function listMode(run: BenchRun): Promise<void> {
  if (run.opt.entries > 0) await generate(run, run.opt.entries);
  const cni = new CNI({ path: [], cacheDir: run.cacheDir });
  let found = 0;
  let peakHeap = 0;
  for (let i = -run.opt.warmup; i < run.opt.n; i++) {
    const t0 = performance.now();
    try {
      const atts = await cni.getCachedAttachments(run.opt.listCid === '' ? undefined : run.opt.listCid);
      const ms = performance.now() - t0;
      // Sampled while the listing is still referenced: what holding one listing costs.
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      found = atts.length;
      if (i >= 0) run.rec.add('list', ms);
    } catch (e) {
      run.fail('list', e);
    }
  }
  run.setExtra('attachments', found);
  run.setExtra('heapUsedMiBWithList', round4(peakHeap / MIB));
  run.setExtra('heapUsedMiB', round4(process.memoryUsage().heapUsed / MIB));
}
