// One read-only pass over the node: networks, cache, live set, IPAM, iptables, links, netns. The order matters:
// nothing is judged until the live set is complete (the cache and the runtime have both been read).
import { lstat } from 'node:fs/promises';
import { ResultCache } from '../cache/index.ts';
import { DEFAULT_IPAM_DATA_DIR } from '../runtime/index.ts';
import type { RunCommand } from './exec.ts';
import type { Judge } from './judge.ts';
import { type ExternalLive, Liveness, type LiveSources, readExternalLive } from './liveness.ts';
import { loadNetworks, type NetworkSet } from './networks.ts';
import { type CacheScan, probeCache } from './probes/cache.ts';
import { cacheFindings, holdLiveIps } from './probes/cache-findings.ts';
import { discoverHints, NetnsFinder } from './probes/discover.ts';
import { holdReservedIps, type IpamScan, ipamFindings, noteReservations, probeIpam } from './probes/ipam.ts';
import { probeIptables } from './probes/iptables.ts';
import { type LinkScan, linkFindings, readLinks } from './probes/links.ts';
import { DEFAULT_NETNS_DIR, probeNetns } from './probes/netns.ts';
import type { CacheState, Finding, ProbeError, ProbeName } from './types.ts';

/** What a scan reads and how it judges. */
export interface ScanOptions {
  readonly cacheDir: string;
  readonly confDir: string;
  /** host-local's default dataDir (a network's `ipam.dataDir` wins). */
  readonly ipamDataDir?: string | undefined;
  readonly netnsDir?: string | undefined;
  readonly minAgeMs: number;
  readonly live?: LiveSources | undefined;
  /** The runtime's answer read earlier in this run (a repair's re-scans reuse it). */
  readonly external?: ExternalLive | undefined;
  readonly skip?: ReadonlySet<ProbeName> | undefined;
  /** Only findings about this container. */
  readonly containerId?: string | undefined;
  /** Container IDs known from an earlier scan of this run (to name the owner of a chain after its DEL). */
  readonly extraCandidates?: Iterable<string> | undefined;
  readonly run: RunCommand;
  readonly now?: (() => number) | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((phase: string, done?: number) => void) | undefined;
}

/** The result of one scan. */
export interface Scan {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly networks: NetworkSet;
  readonly liveness: Liveness;
  readonly external: ExternalLive | undefined;
  readonly findings: readonly Finding[];
  readonly cacheCounts: Readonly<Record<CacheState, number>>;
  readonly cacheEntries: number;
  readonly errors: readonly ProbeError[];
  /** Dead attachment (`net\0cid\0ifname`) → netns found holding its reserved IP. */
  readonly netnsHints: ReadonlyMap<string, string>;
  /** Every container ID the scan saw named anywhere (for later scans' chain attribution). */
  readonly candidates: ReadonlySet<string>;
}

const EMPTY_COUNTS: Readonly<Record<CacheState, number>> = { ok: 0, netns_gone: 0, intent: 0, empty: 0, corrupt: 0 };

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs every probe not skipped; never changes the node. */
export async function scan(opts: ScanOptions): Promise<Scan> {
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const t0 = performance.now();
  const skip = opts.skip ?? new Set<ProbeName>();
  const errors: ProbeError[] = [];
  const ipamDataDir = opts.ipamDataDir ?? DEFAULT_IPAM_DATA_DIR;
  const progress = opts.onProgress;

  progress?.('config');
  let networks: NetworkSet = { networks: [], byName: new Map(), errors: [] };
  try {
    networks = await loadNetworks(opts.confDir, ipamDataDir);
  } catch (e) {
    errors.push({ probe: 'config', message: message(e) });
  }
  for (const m of networks.errors) errors.push({ probe: 'config', message: m });

  const sources = opts.live ?? {};
  const hasExternal = sources.liveFrom !== undefined || sources.liveCmd !== undefined;
  progress?.('live');
  const external = opts.external ?? (hasExternal ? await readExternalLive(sources, opts.run, opts.signal) : undefined);
  if (external !== undefined && !external.ok) errors.push({ probe: 'live', message: external.error });

  // Without the cache the only live set is the runtime's; without either, nothing may be judged dead.
  let cacheScan: CacheScan | undefined;
  let unavailable: string | undefined = external !== undefined && !external.ok ? external.error : undefined;
  const liveSources = [...(skip.has('cache') ? [] : ['cache']), ...(external?.sources ?? [])];
  const pending = new Liveness({ available: true, sources: liveSources });
  if (!skip.has('cache')) {
    progress?.('cache', 0);
    const cache = new ResultCache(opts.cacheDir);
    // No results/ at all is more likely a wrong --cache-dir than a node without containers: judged by an empty
    // cache, every reservation and chain on the node would look dead.
    if (external === undefined && !(await exists(cache.resultsDir))) {
      unavailable ??= `${cache.resultsDir} does not exist (wrong --cache-dir?): without it or --live-cmd/--live-from nothing can be judged dead`;
    }
    try {
      cacheScan = await probeCache(cache, pending, {
        knownNetworks: networks.networks.map((n) => n.name),
        now: startedAt,
        minAgeMs: opts.minAgeMs,
        onProgress: (n) => progress?.('cache', n),
      });
    } catch (e) {
      errors.push({ probe: 'cache', message: message(e) });
      unavailable ??= `cache unreadable: ${message(e)}`;
    }
  } else if (external === undefined) {
    unavailable ??= 'the cache probe is skipped and no --live-from/--live-cmd was given';
  }
  const liveness =
    unavailable === undefined ? pending : new Liveness({ available: false, error: unavailable, sources: liveSources });
  if (external?.ok === true) for (const id of external.ids) liveness.addLive(id);
  if (liveness !== pending) for (const id of pending.liveIds()) liveness.addLive(id);

  let ipamScan: IpamScan = { reservations: [], unreadable: new Set(), errors: [] };
  if (!skip.has('ipam')) {
    progress?.('ipam');
    ipamScan = await probeIpam(networks.networks, startedAt);
    for (const m of ipamScan.errors) errors.push({ probe: 'ipam', message: m });
    noteReservations(ipamScan, liveness, opts.minAgeMs);
  }
  if (cacheScan !== undefined) holdLiveIps(cacheScan, liveness);
  holdReservedIps(ipamScan, liveness);

  const judge: Judge = { liveness, minAgeMs: opts.minAgeMs };
  const findings: Finding[] = [];
  if (cacheScan !== undefined) findings.push(...cacheFindings(cacheScan, judge));
  findings.push(...ipamFindings(ipamScan, judge));

  const candidates = new Set<string>(opts.extraCandidates ?? []);
  for (const f of cacheScan?.facts ?? []) if (f.owner !== undefined) candidates.add(f.owner.containerId);
  for (const r of ipamScan.reservations) if (r.containerId !== undefined) candidates.add(r.containerId);
  for (const id of liveness.liveIds()) candidates.add(id);

  if (!skip.has('iptables')) {
    progress?.('iptables');
    const ipt = await probeIptables(
      opts.run,
      { networks, judge, candidates, reservations: ipamScan.reservations, unreadableStores: ipamScan.unreadable },
      opts.signal,
    );
    findings.push(...ipt.findings);
    for (const m of ipt.errors) errors.push({ probe: 'iptables', message: m });
  }

  let links: LinkScan | undefined;
  if (!skip.has('links')) {
    progress?.('links');
    try {
      links = await readLinks(opts.run, opts.signal);
      const bridges = new Map<string, string>();
      for (const n of networks.networks) for (const b of n.bridges) if (!bridges.has(b)) bridges.set(b, n.name);
      findings.push(...linkFindings(links, bridges, judge));
    } catch (e) {
      errors.push({ probe: 'links', message: message(e) });
    }
  }

  if (!skip.has('netns')) {
    progress?.('netns');
    try {
      const connected = new Set<string>();
      for (const v of links?.attached ?? []) {
        const isCni = networks.networks.some((n) => n.bridges.includes(v.master));
        if (isCni && v.peerNetns !== undefined) connected.add(v.peerNetns);
      }
      findings.push(
        ...(await probeNetns({
          netnsDir: opts.netnsDir ?? DEFAULT_NETNS_DIR,
          refs: cacheScan?.netnsRefs ?? new Map(),
          facts: cacheScan?.facts ?? [],
          connected,
          judge,
        })),
      );
    } catch (e) {
      errors.push({ probe: 'netns', message: message(e) });
    }
  }

  const netnsHints =
    links === undefined
      ? new Map<string, string>()
      : await discoverHints(findings, networks, ipamScan, new NetnsFinder(opts.run, links));
  const scoped = opts.containerId === undefined ? findings : findings.filter((f) => f.containerId === opts.containerId);
  return {
    startedAt,
    durationMs: performance.now() - t0,
    networks,
    liveness,
    external,
    findings: scoped,
    cacheCounts: cacheScan?.counts ?? EMPTY_COUNTS,
    cacheEntries: cacheScan?.entries ?? 0,
    errors,
    netnsHints,
    candidates,
  };
}
