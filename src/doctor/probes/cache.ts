// Reads the result cache once, streaming (100,000 entries must not mean 100,000 records in memory): live
// attachments only feed the live set; everything suspicious is kept as a fact for the findings.
import { statSync } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DirProblem, isTempName, type ResultCache } from '../../cache/index.ts';
import type { Liveness } from '../liveness.ts';
import type { CacheState } from '../types.ts';
import { resultIps } from './result-ips.ts';

/** The attachment a cache file belongs to. */
export interface CacheOwner {
  readonly network: string;
  readonly containerId: string;
  readonly ifName: string;
}

/** A cache file that is not a healthy, live attachment (or may turn out not to be one). */
export type CacheFact =
  | { readonly state: 'empty'; readonly path: string; readonly owner: CacheOwner | undefined; readonly ageMs: number }
  | {
      readonly state: 'corrupt';
      readonly path: string;
      readonly owner: CacheOwner | undefined;
      readonly ageMs: number | undefined;
      readonly reason: string;
    }
  | {
      readonly state: 'intent';
      readonly path: string;
      readonly owner: CacheOwner;
      readonly ageMs: number;
      readonly netns: string;
      readonly netnsExists: boolean;
    }
  | {
      readonly state: 'netns-gone';
      readonly path: string;
      readonly owner: CacheOwner;
      readonly ageMs: number;
      readonly netns: string;
      readonly ips: readonly string[];
    };

/** A file the cache keeps beside its entries (a writer's temp file, a quarantined file). */
export interface SideFile {
  readonly path: string;
  readonly ageMs: number;
}

/** What the cache probe read. */
export interface CacheScan {
  readonly facts: readonly CacheFact[];
  readonly counts: Readonly<Record<CacheState, number>>;
  readonly temp: readonly SideFile[];
  readonly quarantined: readonly SideFile[];
  /** netns path → owners of entries naming it (healthy or not), for the netns probe. */
  readonly netnsRefs: ReadonlyMap<string, readonly CacheOwner[]>;
  readonly entries: number;
  /** The cache's directories owned by someone else, writable by group or others, or symlinks. */
  readonly dirProblems: readonly DirProblem[];
}

/** Options of the cache probe. */
export interface CacheProbeOptions {
  readonly knownNetworks: readonly string[];
  readonly now: number;
  readonly minAgeMs: number;
  /** Called now and then with the number of entries read so far. */
  readonly onProgress?: ((read: number) => void) | undefined;
}

/**
 * Whether a netns path exists, memoised. A synchronous stat: one syscall of microseconds, where a promise through
 * libuv's pool costs tens of them and, awaited per entry, serialised a 100,000-entry scan (bench/doctor-scan).
 */
function makeExists(): (path: string) => boolean {
  const seen = new Map<string, boolean>();
  return (path) => {
    let known = seen.get(path);
    if (known === undefined) {
      try {
        known = statSync(path, { throwIfNoEntry: false }) !== undefined;
      } catch {
        known = false;
      }
      seen.set(path, known);
    }
    return known;
  };
}

function ownerOf(
  key: { networkName: string; containerId: string; ifName: string } | undefined,
): CacheOwner | undefined {
  return key === undefined ? undefined : { network: key.networkName, containerId: key.containerId, ifName: key.ifName };
}

async function sideFiles(dir: string, keep: (name: string) => boolean, now: number): Promise<SideFile[]> {
  const out: SideFile[] = [];
  let d: Awaited<ReturnType<typeof opendir>>;
  try {
    d = await opendir(dir, { bufferSize: 256 });
  } catch {
    return out;
  }
  for await (const ent of d) {
    if (!keep(ent.name)) continue;
    const path = join(dir, ent.name);
    const st = await lstat(path).catch(() => undefined);
    if (st?.isFile() === true) out.push({ path, ageMs: Math.max(0, Math.round(now - st.mtimeMs)) });
  }
  return out;
}

/**
 * Streams `<cacheDir>/results` into the live set (ok entries whose netns exists, or whose netns is not recorded)
 * and facts about everything else; never changes a file. Throws when results/ cannot be listed.
 */
export async function probeCache(cache: ResultCache, live: Liveness, opts: CacheProbeOptions): Promise<CacheScan> {
  // First: a symlinked cache dir makes the listing below throw, and this says why only when it did not.
  const dirProblems = await cache.inspectDir();
  const exists = makeExists();
  const facts: CacheFact[] = [];
  const counts: Record<CacheState, number> = { ok: 0, netns_gone: 0, intent: 0, empty: 0, corrupt: 0 };
  const netnsRefs = new Map<string, CacheOwner[]>();
  const ref = (netns: string | undefined, owner: CacheOwner | undefined): void => {
    if (netns === undefined || netns === '' || owner === undefined) return;
    const list = netnsRefs.get(netns);
    if (list === undefined) netnsRefs.set(netns, [owner]);
    else list.push(owner);
  };
  let n = 0;
  for await (const e of cache.entries({ knownNetworks: opts.knownNetworks })) {
    n++;
    if (opts.onProgress !== undefined && n % 1000 === 0) opts.onProgress(n);
    const read = e.read;
    const owner = ownerOf(e.owner);
    const ageMs =
      'mtimeMs' in read && read.mtimeMs !== undefined ? Math.max(0, Math.round(opts.now - read.mtimeMs)) : undefined;
    if (owner !== undefined && ageMs !== undefined && ageMs < opts.minAgeMs) live.addYoung(owner.containerId);
    switch (read.state) {
      case 'missing':
        break;
      case 'ok': {
        const netns = read.entry.netns ?? '';
        ref(netns, owner);
        // No netns recorded (or a legacy file that never had one): nothing says it is gone, so it is live.
        if (owner === undefined || read.legacy || netns === '' || exists(netns)) {
          counts.ok++;
          if (owner !== undefined) live.addLive(owner.containerId);
          for (const ip of resultIps(read.result)) live.addHeldIp(ip);
          break;
        }
        counts.netns_gone++;
        facts.push({ state: 'netns-gone', path: e.path, owner, ageMs: ageMs ?? 0, netns, ips: resultIps(read.result) });
        break;
      }
      case 'intent': {
        counts.intent++;
        const netns = read.entry.netns ?? '';
        ref(netns, owner);
        if (owner === undefined) {
          facts.push({
            state: 'corrupt',
            path: e.path,
            owner: undefined,
            ageMs,
            reason: 'intent record names no attachment',
          });
          break;
        }
        const netnsExists = netns !== '' && exists(netns);
        facts.push({ state: 'intent', path: e.path, owner, ageMs: ageMs ?? 0, netns, netnsExists });
        break;
      }
      case 'empty':
        counts.empty++;
        facts.push({ state: 'empty', path: e.path, owner, ageMs: ageMs ?? 0 });
        break;
      case 'corrupt':
        counts.corrupt++;
        facts.push({ state: 'corrupt', path: e.path, owner, ageMs, reason: read.reason });
        break;
    }
  }
  opts.onProgress?.(n);
  const temp = await sideFiles(cache.resultsDir, isTempName, opts.now);
  const quarantined = await sideFiles(
    join(cache.cacheDir, 'quarantine'),
    (name) => !name.endsWith('.reason'),
    opts.now,
  );
  return { facts, counts, temp, quarantined, netnsRefs, entries: n, dirProblems };
}
