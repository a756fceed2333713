// How the doctor scales: a scan of a cache dir with 100,000 entries (generated; a few bad ones among them, as a
// node after crashes has), each measured in a fresh process so peak RSS is that scan's own. Not a test: prints figures.
//   scan:     the library's scan() with the cache and IPAM probes (kernel probes skipped: they do not grow with the
//             cache), wall time and maxRSS, against a baseline process that only loads the modules.
//   cli:      the bundled `cnikit doctor --json` on the same node, end to end (report included), under /usr/bin/time.
// Usage: npx tsx bench/doctor-scan.ts [--entries N] [--json FILE]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type AttachmentKey, type CacheEntry, encodeEntry } from '../src/cache/index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { entries: { type: 'string', default: '100000' }, json: { type: 'string' } },
});

const NET = 'bench';

function config(dataDir: string): string {
  return JSON.stringify({
    cniVersion: '1.0.0',
    name: NET,
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: true,
        ipam: { type: 'host-local', subnet: '10.88.0.0/14', dataDir },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'firewall' },
    ],
  });
}

const keyFor = (i: number): AttachmentKey => ({
  networkName: NET,
  containerId: `${i.toString(16).padStart(8, '0')}-4c1b-9d0e-${'a'.repeat(12)}`,
  ifName: 'eth0',
});

const ipFor = (i: number): string => `10.${88 + ((i >> 16) & 3)}.${(i >> 8) & 255}.${i & 255}`;

function entryFor(key: AttachmentKey, i: number, netns: string, conf: string, withResult: boolean): CacheEntry {
  const base = {
    kind: 'cniCacheV1' as const,
    ...key,
    config: Buffer.from(conf),
    netns,
    cniArgs: [['IgnoreUnknown', '1']] as const,
    capabilityArgs: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] },
  };
  if (!withResult) return base;
  return {
    ...base,
    result: {
      cniVersion: '1.0.0',
      interfaces: [
        { name: 'cni0', mac: '0a:58:0a:58:00:01' },
        { name: 'eth0', sandbox: netns },
      ],
      ips: [{ interface: 1, address: `${ipFor(i)}/14`, gateway: '10.88.0.1' }],
      routes: [{ dst: '0.0.0.0/0' }],
      dns: {},
    },
  };
}

/** Builds the node: conf dir, cache with n entries, a netns stand-in per live entry, host-local reservations. */
function populate(root: string, n: number): { ms: number; mix: Record<string, number> } {
  const t = performance.now();
  const confDir = join(root, 'conf');
  const results = join(root, 'cache', 'results');
  const netnsDir = join(root, 'netns');
  const store = join(root, 'ipam', NET);
  for (const d of [confDir, results, netnsDir, store]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  const conf = config(join(root, 'ipam'));
  fs.writeFileSync(join(confDir, '10-bench.conflist'), conf);
  const mix: Record<string, number> = { ok: 0, 'netns-gone': 0, intent: 0, empty: 0, corrupt: 0 };
  const old = new Date(Date.now() - 3_600_000);
  for (let i = 0; i < n; i++) {
    const key = keyFor(i);
    const name = `${key.networkName}-${key.containerId}-${key.ifName}`;
    const netns = join(netnsDir, `cni-${i}`);
    // Per 1000: 970 live, 10 whose netns is gone, 10 intent records, 5 empty, 5 torn.
    const r = i % 1000;
    const kind = r < 970 ? 'ok' : r < 980 ? 'netns-gone' : r < 990 ? 'intent' : r < 995 ? 'empty' : 'corrupt';
    mix[kind] = (mix[kind] ?? 0) + 1;
    const text =
      kind === 'empty'
        ? ''
        : kind === 'corrupt'
          ? '{"kind":"cniCacheV1","conta'
          : encodeEntry(entryFor(key, i, netns, conf, kind !== 'intent'));
    fs.writeFileSync(join(results, name), text, { mode: 0o600 });
    fs.utimesSync(join(results, name), old, old);
    if (kind !== 'netns-gone') fs.writeFileSync(netns, '');
    fs.writeFileSync(join(store, ipFor(i)), `${key.containerId}\r\neth0`);
  }
  return { ms: performance.now() - t, mix };
}

/** Child mode: one scan in this process, so maxRSS is its own. */
async function child(mode: string, root: string): Promise<void> {
  const { scan } = await import('../src/doctor/index.ts');
  const { runCommand } = await import('../src/doctor/exec.ts');
  const t = performance.now();
  let out: Record<string, unknown> = { mode };
  if (mode === 'scan') {
    const s = await scan({
      cacheDir: join(root, 'cache'),
      confDir: join(root, 'conf'),
      netnsDir: join(root, 'netns'),
      minAgeMs: 300_000,
      skip: new Set(['links', 'iptables', 'netns']),
      run: runCommand,
    });
    const byKind: Record<string, number> = {};
    for (const f of s.findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    out = {
      ...out,
      entries: s.cacheEntries,
      findings: s.findings.length,
      byKind,
      live: s.liveness.summary().liveContainers,
    };
  }
  out = { ...out, ms: performance.now() - t, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runChild(mode: string, root: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, mode, root], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
}

/** The bundled CLI, end to end, under GNU time (elapsed seconds, max RSS in KB). */
function runCli(root: string): Record<string, unknown> | undefined {
  const cli = join(new URL('..', import.meta.url).pathname, 'bin', 'cnikit.cjs');
  if (!fs.existsSync(cli) || !fs.existsSync('/usr/bin/time')) return undefined;
  const args = ['-f', '%e %M', process.execPath, cli, 'doctor', '--json', '--skip', 'links,iptables,netns'];
  args.push('--conf-dir', join(root, 'conf'), '--cache-dir', join(root, 'cache'), '--netns-dir', join(root, 'netns'));
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [secs, kb] = last.split(' ').map(Number);
  const report = JSON.parse(r.stdout) as { summary: { findings: number } };
  return {
    mode: 'cli',
    exit: r.status,
    ms: (secs ?? 0) * 1000,
    maxRssMB: (kb ?? 0) / 1024,
    findings: report.summary.findings,
    reportMB: r.stdout.length / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const [mode, dir] = positionals;
  if (mode !== undefined && dir !== undefined) return child(mode, dir);
  const n = Number(values.entries);
  const root = fs.mkdtempSync(join(tmpdir(), 'cnikit-bench-doctor-'));
  try {
    const pop = populate(root, n);
    console.log(
      `doctor scan, ${n} cache entries ${JSON.stringify(pop.mix)} (populated in ${(pop.ms / 1000).toFixed(1)} s):`,
    );
    const runs = [
      runChild('baseline', root),
      runChild('scan', root),
      runChild('scan', root),
      runCli(root),
      runCli(root),
    ].filter((r): r is Record<string, unknown> => r !== undefined);
    for (const r of runs) {
      const extra =
        r.mode === 'baseline'
          ? ''
          : `  ${r.findings} findings${r.byKind === undefined ? '' : ` ${JSON.stringify(r.byKind)}`}`;
      console.log(
        `  ${String(r.mode).padEnd(9)} ${(Number(r.ms) / 1000).toFixed(2)} s  peak RSS ${Number(r.maxRssMB).toFixed(0)} MB${extra}`,
      );
    }
    if (values.json) fs.writeFileSync(values.json, `${JSON.stringify({ entries: n, populate: pop, runs }, null, 2)}\n`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
