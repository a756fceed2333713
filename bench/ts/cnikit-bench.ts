// cnikit-bench: times the cnikit runtime in one process with cnibench's scenarios, flags and JSON schema
// (bench/go/README.md), so bench/run.mjs can print cnikit/Go ratios from one machine and one run.
// Run bundled (bench/build.mjs → bench/out/cnikit-bench.cjs), as the CLI and plugins ship, or with tsx.
// Exit 0, or 1 when any operation failed; 2 for bad usage (no JSON).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadNetworkConfigList } from '../../src/config/index.ts';
import { BenchRun, type Output } from './bench-run.ts';
import { cacheRead, cacheWrite, genCache, listMode } from './cache.ts';
import { concurrent, cycle } from './cycle.ts';
import { parseFlags, UsageError } from './flags.ts';
import { execFloor } from './floor.ts';
import { round4 } from './stats.ts';

async function main(): Promise<number> {
  const opt = parseFlags(process.argv.slice(2), process.env);
  if (opt.n < 0 || opt.warmup < 0 || opt.concurrency < 1 || opt.total < 0 || opt.entries < 0) {
    throw new UsageError('-n, -warmup, -total and -entries must be >= 0 and -concurrency >= 1');
  }
  const modes: Record<string, (run: BenchRun, tempCache: boolean) => Promise<void>> = {
    cycle,
    concurrent,
    exec: execFloor,
    'cache-write': cacheWrite,
    'cache-read': cacheRead,
    list: listMode,
    'gen-cache': genCache,
  };
  const mode = modes[opt.mode];
  if (mode === undefined) throw new UsageError(`unknown -mode ${JSON.stringify(opt.mode)}`);

  const out: Output = {
    harness: 'cnikit-bench',
    impl: 'cnikit',
    nodeVersion: process.version,
    spawn: process.env.CNIKIT_SPAWN || 'default',
    mode: opt.mode,
    params: { n: opt.n, warmup: opt.warmup, ifName: opt.ifName, netns: opt.netns, pluginPath: opt.pluginPath },
    wallMs: 0,
    failures: 0,
    errors: [],
    metrics: {},
    maxRssKiB: 0,
    startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const run = new BenchRun(opt, out);
  if (opt.net !== '') {
    try {
      run.list = await loadNetworkConfigList(opt.confDir, opt.net);
    } catch (e) {
      throw new UsageError(`load network ${JSON.stringify(opt.net)} from ${opt.confDir}: ${String(e)}`);
    }
    out.network = run.list.name;
    out.cniVersion = run.list.cniVersion;
    out.plugins = run.list.plugins.map((p) => p.network.type);
  }
  const tempCache = opt.cacheDir === '';
  run.cacheDir = tempCache ? await mkdtemp(join(tmpdir(), 'cnikit-bench-')) : resolve(opt.cacheDir);
  out.cacheDir = run.cacheDir;
  if (opt.mode === 'concurrent') {
    out.params.concurrency = opt.concurrency;
    out.params.total = opt.total;
  }
  if (opt.mode === 'list' || opt.mode === 'gen-cache') out.params.entries = opt.entries;

  const start = performance.now();
  try {
    await mode(run, tempCache);
  } catch (e) {
    out.fatal = e instanceof Error ? e.message : String(e);
    out.failures++;
  } finally {
    out.wallMs = round4(performance.now() - start);
    if (tempCache && !opt.keep) await rm(run.cacheDir, { recursive: true, force: true });
  }
  out.metrics = run.rec.summaries();
  if (opt.raw) out.raw = run.rec.raw();
  const usage = process.resourceUsage();
  out.maxRssKiB = usage.maxRSS;
  out.selfCpuMs = round4((usage.userCPUTime + usage.systemCPUTime) / 1000);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return out.failures > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`cnikit-bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
