// The plugin-exec floor per spawn backend: one trivial static plugin (Go's cnigo-noop, else Debian's loopback,
// CNI_COMMAND=VERSION) exec'd through runChild over child_process (fork) and over posix_spawn (vfork), at our
// normal RSS and with ~250 MB more of it touched, beside Go's os/exec (bench/exec-floor.go) on the same plugin.
// Cases alternate in rounds so drift hits all alike. Also reports koffi's one-time load cost.
// Usage: node --import tsx bench/exec-floor.ts [--n 500] [--rounds 10] [--ballast-mb 200] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadLibc } from '../src/invoke/libc.ts';
import { type ChildLimits, runChild } from '../src/invoke/spawn-child.ts';
import { runChildPosix } from '../src/invoke/spawn-posix.ts';

const t0 = performance.now();
const libc = await loadLibc(); // first thing: nothing else has loaded koffi yet
const loadMs = performance.now() - t0;
if (libc === undefined) throw new Error('posix_spawn backend unavailable (koffi or glibc missing)');

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '10' },
    'ballast-mb': { type: 'string', default: '200' },
    json: { type: 'string' },
  },
});
const n = Number(values.n);
const rounds = Number(values.rounds);
const perRound = Math.ceil(n / rounds);

const goNoop = join(root, 'bench/go/bin/cnigo-noop');
const plugin = existsSync(goNoop) ? goNoop : '/usr/lib/cni/loopback';
const env = { CNI_COMMAND: 'VERSION', CNI_CONTAINERID: '', CNI_NETNS: 'dummy', CNI_IFNAME: '', CNI_PATH: 'dummy' };
const stdin = Buffer.from('{"cniVersion":"1.0.0"}');
const limits: ChildLimits = { signal: undefined, timeoutMs: 10_000, maxOutputBytes: 1 << 20, stderr: () => {} };

type Backend = 'child_process' | 'posix_spawn';
const runners: Record<Backend, () => ReturnType<typeof runChild>> = {
  child_process: () => runChild(plugin, stdin, env, limits),
  posix_spawn: () => runChildPosix(libc, plugin, stdin, env, limits),
};

async function once(b: Backend): Promise<number> {
  const t = performance.now();
  const o = await runners[b]();
  const ms = performance.now() - t;
  if (o.kind !== 'exited' || o.exitCode !== 0) throw new Error(`${b}: ${plugin} ended ${o.kind}`);
  return ms;
}

const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);

/** Builds bench/exec-floor.go into a temp dir; undefined when go is missing. */
function buildGo(dir: string): string | undefined {
  const bin = join(dir, 'exec-floor-go');
  const build = spawnSync('go', ['build', '-o', bin, join(root, 'bench/exec-floor.go')], {
    env: { ...process.env, GO111MODULE: 'off', GOPROXY: 'off', CGO_ENABLED: '0' },
    encoding: 'utf8',
  });
  return build.status === 0 ? bin : undefined;
}

/** `count` execs timed inside Go's own process (its start-up is not on the clock). */
function goRound(bin: string, count: number): number[] {
  const envText = Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const args = ['-n', String(count), '-warmup', '3', '-plugin', plugin, '-env', envText, '-stdin', stdin.toString()];
  const run = spawnSync(bin, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`exec-floor-go: ${run.stderr}`);
  const samples = (JSON.parse(run.stdout) as { samples?: unknown }).samples;
  if (!Array.isArray(samples)) throw new Error('exec-floor-go: no samples');
  return samples.filter((x): x is number => typeof x === 'number');
}

type Case = Backend | 'go';

/** Our own CPU time (user + sys, ms) per backend: robust to a busy machine, and fork's page-table copy is in it. */
const cpuMs: Record<Backend, number> = { child_process: 0, posix_spawn: 0 };

/** perRound execs of each case per round, in an order that rotates each round; samples per case. */
async function phase(goBin: string | undefined): Promise<Record<Case, number[]>> {
  const out: Record<Case, number[]> = { child_process: [], posix_spawn: [], go: [] };
  cpuMs.child_process = 0;
  cpuMs.posix_spawn = 0;
  for (const b of ['child_process', 'posix_spawn'] as const) for (let i = 0; i < 20; i++) await once(b); // warm-up
  const cases: Case[] = goBin === undefined ? ['child_process', 'posix_spawn'] : ['child_process', 'posix_spawn', 'go'];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(r + k) % cases.length] ?? 'go';
      if (c === 'go') out.go.push(...goRound(goBin ?? '', perRound));
      else {
        const cpu0 = process.cpuUsage();
        for (let i = 0; i < perRound; i++) out[c].push(await once(c));
        const cpu = process.cpuUsage(cpu0);
        cpuMs[c] += (cpu.user + cpu.system) / 1000;
      }
    }
  }
  return out;
}

/** A fresh node's cost of import('koffi') plus binding libc, measured inside it (median of 5). */
function coldLoadMs(): number {
  const dir = mkdtempSync(join(root, '.tmp-exec-floor-'));
  try {
    const probe = join(dir, 'probe.mjs');
    writeFileSync(
      probe,
      "const t=performance.now();const k=await import('koffi');const l=k.load('libc.so.6');" +
        "l.func('int getpid(void)');console.log(performance.now()-t);",
    );
    const runs = Array.from({ length: 5 }, () =>
      Number(spawnSync(process.execPath, [probe], { encoding: 'utf8' }).stdout),
    );
    return quantile(runs, 0.5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

const rows: { case: string; rssMb: number; median: number; p99: number; mean: number; cpu: number }[] = [];
const add = (name: string, rss: number, xs: readonly number[], cpuTotal = Number.NaN): void => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const cpu = cpuTotal / xs.length;
  rows.push({ case: name, rssMb: rss, median: quantile(xs, 0.5), p99: quantile(xs, 0.99), mean, cpu });
};

const tmp = mkdtempSync(join(tmpdir(), 'exec-floor-'));
const goBin = buildGo(tmp);
const base = await phase(goBin);
const baseRss = rssMb();
add('child_process', baseRss, base.child_process, cpuMs.child_process);
add('posix_spawn', baseRss, base.posix_spawn, cpuMs.posix_spawn);
const ballast = Buffer.alloc(Number(values['ballast-mb']) * 2 ** 20, 1); // filled: every page resident
const big = await phase(goBin);
const bigRss = rssMb();
add('child_process +ballast', bigRss, big.child_process, cpuMs.child_process);
add('posix_spawn +ballast', bigRss, big.posix_spawn, cpuMs.posix_spawn);
if (goBin !== undefined) add('go os/exec', Number.NaN, [...base.go, ...big.go]);
rmSync(tmp, { recursive: true, force: true });
const cold = coldLoadMs();

const f = (x: number): string => (Number.isNaN(x) ? '-' : x.toFixed(3));
const goMedian = rows.find((r) => r.case === 'go os/exec')?.median;
console.log(
  `plugin: ${plugin} (VERSION), ${n} execs per case in ${rounds} alternating rounds, node ${process.version}`,
);
console.log('case                     RSS MB  median ms  p99 ms   mean ms  our CPU ms  vs go (median)');
for (const r of rows) {
  const vsGo = goMedian === undefined ? '-' : (r.median / goMedian).toFixed(2);
  const rss = String(Number.isNaN(r.rssMb) ? '-' : r.rssMb).padStart(6);
  console.log(
    `${r.case.padEnd(24)} ${rss} ${f(r.median).padStart(10)} ${f(r.p99).padStart(7)} ${f(r.mean).padStart(9)} ${f(r.cpu).padStart(11)}  ${vsGo}`,
  );
}
console.log(
  `koffi + libc binding, first use in this process: ${loadMs.toFixed(1)} ms; fresh node (median of 5): ${cold.toFixed(1)} ms`,
);
if (values.json !== undefined) {
  writeFileSync(values.json, `${JSON.stringify({ plugin, n, rounds, loadMs, coldLoadMs: cold, rows }, null, 2)}\n`);
}
ballast.fill(0); // keep the ballast alive (and resident) until the end
