// Named network namespaces (bind mounts under /run/netns). Runtimes create and remove them; the doctor only removes
// one that nothing but a dead intent record (an ADD that never finished) refers to. A netns wired to a CNI bridge that
// no cache entry names is reported; every other netns is somebody else's and is not even listed.
import { readdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Judge, judgeOwner } from '../judge.ts';
import type { Disposition, Finding } from '../types.ts';
import type { CacheFact, CacheOwner } from './cache.ts';

/** The default place of named netns (ip-netns(8)). */
export const DEFAULT_NETNS_DIR = '/run/netns';

/** What the netns probe judges with. */
export interface NetnsContext {
  readonly netnsDir: string;
  /** netns path as recorded in cache entries → their owners. */
  readonly refs: ReadonlyMap<string, readonly CacheOwner[]>;
  readonly facts: readonly CacheFact[];
  /** Names (under /run/netns) of netns whose veth peer hangs on a CNI bridge. */
  readonly connected: ReadonlySet<string>;
  readonly judge: Judge;
}

async function canonical(path: string, memo: Map<string, Promise<string>>): Promise<string> {
  const dir = dirname(path);
  let p = memo.get(dir);
  if (p === undefined) {
    p = realpath(dir).catch(() => dir);
    memo.set(dir, p);
  }
  return join(await p, basename(path));
}

function worst(ds: readonly Disposition[]): Disposition {
  const order: Disposition[] = ['liveness-unavailable', 'live', 'unknown-owner', 'young', 'report-only', 'repair'];
  for (const d of order) if (ds.includes(d)) return d;
  return 'repair';
}

/** Findings for the netns under `netnsDir`; never changes anything. */
export async function probeNetns(ctx: NetnsContext): Promise<Finding[]> {
  let names: string[];
  try {
    names = await readdir(ctx.netnsDir);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return [];
    throw e;
  }
  const memo = new Map<string, Promise<string>>();
  const refs = new Map<string, CacheOwner[]>();
  for (const [path, owners] of ctx.refs) {
    const key = await canonical(path, memo);
    refs.set(key, [...(refs.get(key) ?? []), ...owners]);
  }
  const intents = new Map<string, (CacheFact & { state: 'intent' })[]>();
  for (const f of ctx.facts) {
    if (f.state !== 'intent' || f.netns === '') continue;
    const key = await canonical(f.netns, memo);
    intents.set(key, [...(intents.get(key) ?? []), f]);
  }
  const dirIsRunNetns =
    (await canonical(join(ctx.netnsDir, 'x'), memo)) === (await canonical(join(DEFAULT_NETNS_DIR, 'x'), memo));
  const out: Finding[] = [];
  for (const name of names.sort()) {
    const path = join(ctx.netnsDir, name);
    const key = await canonical(path, memo);
    const owners = refs.get(key) ?? [];
    if (owners.length === 0) {
      if (dirIsRunNetns && ctx.connected.has(name)) {
        out.push({
          kind: 'leaked-netns',
          path,
          name,
          reason: 'unreferenced',
          network: undefined,
          containerId: undefined,
          ifName: undefined,
          ageMs: undefined,
          disposition: 'report-only',
        });
      }
      continue;
    }
    const mine = intents.get(key) ?? [];
    // Named by a healthy entry (its container is live by definition: the netns exists) or by nothing but intents?
    if (mine.length !== owners.length) continue;
    const first = mine[0];
    if (first === undefined) continue;
    out.push({
      kind: 'leaked-netns',
      path,
      name,
      reason: 'dead-intent',
      network: first.owner.network,
      containerId: first.owner.containerId,
      ifName: first.owner.ifName,
      ageMs: Math.min(...mine.map((f) => f.ageMs)),
      disposition: worst(mine.map((f) => judgeOwner(ctx.judge, f.owner.containerId, f.ageMs))),
    });
  }
  return out;
}
