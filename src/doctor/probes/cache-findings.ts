// The cache's findings, judged once the live set is complete (the cache and the runtime have both been read).
import { type Judge, judgeGarbage, judgeOwner } from '../judge.ts';
import type { Liveness } from '../liveness.ts';
import type { Disposition, Finding } from '../types.ts';
import type { CacheOwner, CacheScan } from './cache.ts';

/** After the live set is complete: IPs of netns-gone entries whose container turned out live are held too. */
export function holdLiveIps(scan: CacheScan, live: Liveness): void {
  for (const f of scan.facts) {
    if (f.state === 'netns-gone' && live.isLive(f.owner.containerId)) for (const ip of f.ips) live.addHeldIp(ip);
  }
}

/** The cache's findings, judged against the complete live set. */
export function cacheFindings(scan: CacheScan, judge: Judge): Finding[] {
  const out: Finding[] = [];
  for (const f of scan.facts) {
    const o = f.owner;
    const base = { network: o?.network, containerId: o?.containerId, ifName: o?.ifName, ageMs: f.ageMs };
    switch (f.state) {
      case 'empty':
        out.push({ ...base, kind: 'cache-empty', path: f.path, disposition: badFileDisposition(judge, o, f.ageMs) });
        break;
      case 'corrupt':
        out.push({
          ...base,
          kind: 'cache-corrupt',
          path: f.path,
          reason: f.reason,
          disposition: badFileDisposition(judge, o, f.ageMs),
        });
        break;
      case 'intent':
        out.push({
          ...base,
          kind: 'cache-intent',
          path: f.path,
          netns: f.netns,
          netnsExists: f.netnsExists,
          disposition: judgeOwner(judge, f.owner.containerId, f.ageMs),
        });
        break;
      case 'netns-gone':
        out.push({
          ...base,
          kind: 'cache-netns-gone',
          path: f.path,
          netns: f.netns,
          disposition: judgeOwner(judge, f.owner.containerId, f.ageMs),
        });
        break;
    }
  }
  for (const t of scan.temp) {
    out.push({
      ...noOwner(t.ageMs),
      kind: 'cache-temp-stale',
      path: t.path,
      disposition: judgeGarbage(judge, t.ageMs),
    });
  }
  for (const q of scan.quarantined) {
    out.push({ ...noOwner(q.ageMs), kind: 'cache-quarantined', path: q.path, disposition: 'report-only' });
  }
  // Who may write the cache is the admin's decision: shown, never chmod'ed or chown'ed by the doctor.
  for (const d of scan.dirProblems) {
    out.push({
      ...noOwner(undefined),
      kind: 'cache-dir-unsafe',
      path: d.path,
      problem: d.kind,
      mode: d.mode,
      uid: d.uid,
      disposition: 'report-only',
    });
  }
  return out;
}

function badFileDisposition(judge: Judge, owner: CacheOwner | undefined, ageMs: number | undefined): Disposition {
  // An unreadable file is useless to anyone; without an owner it is quarantined, with one it goes through DEL.
  return owner === undefined ? judgeGarbage(judge, ageMs) : judgeOwner(judge, owner.containerId, ageMs);
}

function noOwner(ageMs: number | undefined): Pick<Finding, 'network' | 'containerId' | 'ifName' | 'ageMs'> {
  return { network: undefined, containerId: undefined, ifName: undefined, ageMs };
}
