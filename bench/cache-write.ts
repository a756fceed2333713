// What crash safety costs, and whether listing scales. Not a test: prints figures.
//   write: ResultCache.write (temp + fsync + rename + dir fsync) against a plain fs.writeFile of the same bytes
//          (what Go libcni does), and writeFile + fsync (to show where the time goes); interleaved, so load drift
//          hits every variant alike.
//   list:  100,000 entries (a few bad ones among them), listed by a fresh process each time: list() into an
//          array, entries() streamed, and list({containerId}); wall time and peak RSS (maxRSS of that process,
//          against a baseline process that only loads the module).
// Usage: npx tsx bench/cache-write.ts [--writes N] [--entries N] [--json FILE]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type AttachmentKey, type CacheEntry, encodeEntry, ResultCache } from '../src/cache/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    writes: { type: 'string', default: '500' },
    entries: { type: 'string', default: '100000' },
    json: { type: 'string' },
  },
});

const CONFIG = JSON.stringify({
  cniVersion: '1.0.0',
  name: 'bench',
  plugins: [
    {
      type: 'bridge',
      bridge: 'cni0',
      isGateway: true,
      ipMasq: true,
      ipam: { type: 'host-local', subnet: '10.88.0.0/16' },
    },
    { type: 'portmap', capabilities: { portMappings: true } },
    { type: 'firewall' },
  ],
});

function entryFor(key: AttachmentKey, i: number): CacheEntry {
  return {
    kind: 'cniCacheV1',
    ...key,
    config: Buffer.from(CONFIG),
    netns: `/var/run/netns/cni-${i}`,
    cniArgs: [['IgnoreUnknown', '1']],
    capabilityArgs: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] },
    result: {
      cniVersion: '1.0.0',
      interfaces: [
        { name: 'cni0', mac: '0a:58:0a:58:00:01' },
        { name: 'eth0', sandbox: `/var/run/netns/cni-${i}` },
      ],
      ips: [{ interface: 1, address: `10.88.${(i >> 8) & 255}.${i & 255}/16`, gateway: '10.88.0.1' }],
      routes: [{ dst: '0.0.0.0/0' }],
      dns: {},
    },
  };
}

const keyFor = (i: number): AttachmentKey => ({
  networkName: 'bench',
  containerId: `${i.toString(16).padStart(8, '0')}-4c1b-9d0e-${'a'.repeat(12)}`,
  ifName: 'eth0',
});

function stats(ms: number[]): { mean: number; p50: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: at(0.5), p99: at(0.99) };
}

async function benchWrites(n: number) {
  const dir = fs.mkdtempSync(join(tmpdir(), 'cnikit-bench-w-'));
  const cache = new ResultCache(join(dir, 'durable'));
  const plainDir = join(dir, 'plain');
  fs.mkdirSync(plainDir, { mode: 0o700 });
  const times = { durable: [] as number[], writeFile: [] as number[], writeFileFsync: [] as number[] };
  const keys = Array.from({ length: 16 }, (_, i) => keyFor(i));
  let bytes = 0;
  for (let i = 0; i < n + 20; i++) {
    const key = keys[i % keys.length] ?? keyFor(0);
    const entry = entryFor(key, i);
    const text = encodeEntry(entry);
    bytes = text.length;
    const name = `${key.networkName}-${key.containerId}-${key.ifName}`;
    let t = performance.now();
    await cache.write(key, entry);
    const d = performance.now() - t;
    t = performance.now();
    await fs.promises.writeFile(join(plainDir, name), text, { mode: 0o600 });
    const p = performance.now() - t;
    t = performance.now();
    const fh = await fs.promises.open(join(plainDir, `${name}.sync`), 'w', 0o600);
    await fh.writeFile(text);
    await fh.sync();
    await fh.close();
    const f = performance.now() - t;
    if (i >= 20) {
      times.durable.push(d);
      times.writeFile.push(p);
      times.writeFileFsync.push(f);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    n,
    entryBytes: bytes,
    durable: stats(times.durable),
    writeFile: stats(times.writeFile),
    writeFileFsync: stats(times.writeFileFsync),
  };
}

/** Child-process modes: one listing each, so maxRSS is that listing's peak. */
async function child(mode: string, cacheDir: string): Promise<void> {
  const cache = new ResultCache(cacheDir);
  const t = performance.now();
  let count = 0;
  const states: Record<string, number> = {};
  if (mode === 'list-array') {
    const all = await cache.list({ knownNetworks: ['bench'] });
    count = all.length;
    for (const e of all) states[e.read.state] = (states[e.read.state] ?? 0) + 1;
  } else if (mode === 'list-stream') {
    for await (const e of cache.entries({ knownNetworks: ['bench'] })) {
      count++;
      states[e.read.state] = (states[e.read.state] ?? 0) + 1;
    }
  } else if (mode === 'list-filter') {
    count = (await cache.list({ containerId: keyFor(4242).containerId })).length;
  }
  const ms = performance.now() - t;
  process.stdout.write(
    `${JSON.stringify({ mode, count, states, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

function populate(cacheDir: string, n: number): number {
  const results = join(cacheDir, 'results');
  fs.mkdirSync(results, { recursive: true, mode: 0o700 });
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const key = keyFor(i);
    const name = `${key.networkName}-${key.containerId}-${key.ifName}`;
    // Every 1000th file is bad: empty, torn or an intent record, as a node after crashes would have.
    const text = i % 1000 === 1 ? '' : i % 1000 === 2 ? '{"kind":"cniCacheV1","conta' : encodeEntry(entryFor(key, i));
    fs.writeFileSync(join(results, name), text, { mode: 0o600 });
  }
  return performance.now() - t;
}

function runChild(mode: string, cacheDir: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, mode, cacheDir], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const [mode, dir] = positionals;
  if (mode !== undefined && dir !== undefined) return child(mode, dir);
  const writes = await benchWrites(Number(values.writes));
  const f = (x: number) => x.toFixed(3);
  console.log(`write, ${writes.n} writes of a ${writes.entryBytes}-byte entry (ms: mean / p50 / p99):`);
  for (const k of ['durable', 'writeFile', 'writeFileFsync'] as const) {
    const s = writes[k];
    console.log(`  ${k.padEnd(15)} ${f(s.mean)} / ${f(s.p50)} / ${f(s.p99)}`);
  }
  console.log(`  durable / writeFile (mean): ${(writes.durable.mean / writes.writeFile.mean).toFixed(1)}x`);
  console.log(`  durable / writeFile+fsync (mean): ${(writes.durable.mean / writes.writeFileFsync.mean).toFixed(2)}x`);

  const n = Number(values.entries);
  const cacheDir = fs.mkdtempSync(join(tmpdir(), 'cnikit-bench-l-'));
  try {
    const populateMs = populate(cacheDir, n);
    console.log(`\nlist, ${n} entries (populated in ${(populateMs / 1000).toFixed(1)} s), each in a fresh process:`);
    const listings = ['baseline', 'list-array', 'list-stream', 'list-filter'].map((m) => runChild(m, cacheDir));
    for (const l of listings) {
      console.log(
        `  ${String(l.mode).padEnd(12)} ${String(l.count).padStart(6)} entries  ${(Number(l.ms) / 1000).toFixed(2)} s  ` +
          `peak RSS ${Number(l.maxRssMB).toFixed(0)} MB  ${JSON.stringify(l.states)}`,
      );
    }
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ writes, populateMs, listings }, null, 2)}\n`);
  } finally {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

await main();
