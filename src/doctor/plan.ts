// Findings → actions. A dead attachment is first torn down the way its runtime should have done it: a DEL through
// the plugins (with its cached or a reconstructed prevResult). What no DEL can reach is removed piece by piece.
import { attachmentKey } from './attachment-key.ts';
import type { Scan } from './scan.ts';
import type { Action, DelTarget, Finding, RepairKind } from './types.ts';

/** Plan options. */
export interface PlanOptions {
  /** False for the second pass of a repair: only direct removals of what the DELs left. */
  readonly allowDel: boolean;
}

/** The repair kind that removes a finding directly, or undefined for kinds never removed. */
export function removalKind(f: Finding): Exclude<RepairKind, 'del'> | undefined {
  switch (f.kind) {
    case 'cache-empty':
    case 'cache-corrupt':
    case 'cache-intent':
    case 'cache-netns-gone':
      return 'cache-quarantine';
    case 'cache-temp-stale':
      return 'temp-file';
    case 'cache-quarantined':
    case 'cache-dir-unsafe':
      return undefined;
    case 'ipam-leak':
      return 'ipam-reservation';
    case 'orphan-veth':
      return 'link';
    case 'leaked-netns':
      return 'netns';
    case 'iptables-stale-chain':
      return 'iptables-chain';
    case 'iptables-stale-rule':
      return 'iptables-rule';
  }
}

// Rules before the chains they jump to; kernel objects before the files that describe them; evidence last.
const REMOVAL_ORDER: readonly Exclude<RepairKind, 'del'>[] = [
  'iptables-rule',
  'iptables-chain',
  'link',
  'ipam-reservation',
  'netns',
  'cache-quarantine',
  'temp-file',
];

/** A finding that names a whole attachment a DEL can be built for (a cache entry, or a reservation with its ifname). */
function delTargetOf(f: Finding, scan: Scan): DelTarget | undefined {
  const { network, containerId, ifName } = f;
  if (network === undefined || containerId === undefined || ifName === undefined) return undefined;
  // Without the network's config there is no plugin list to run, unless the cache entry carries its own.
  const hasCachedConfig = f.kind === 'cache-intent' || f.kind === 'cache-netns-gone';
  if (!hasCachedConfig && !scan.networks.byName.has(network)) return undefined;
  const base = { network, containerId, ifName };
  switch (f.kind) {
    case 'cache-intent':
      return f.netnsExists ? { ...base, netns: f.netns, netnsSource: 'cache' } : withHint(base, scan);
    case 'cache-netns-gone':
    case 'cache-empty':
    case 'cache-corrupt':
    case 'ipam-leak':
      return withHint(base, scan);
    default:
      return undefined;
  }
}

function withHint(base: { network: string; containerId: string; ifName: string }, scan: Scan): DelTarget {
  const hint = scan.netnsHints.get(attachmentKey(base.network, base.containerId, base.ifName));
  return hint === undefined
    ? { ...base, netns: '', netnsSource: 'none' }
    : { ...base, netns: hint, netnsSource: 'discovered' };
}

/** Turns a scan's repairable findings into ordered actions: DELs first, then removals in a safe order. */
export function plan(scan: Scan, opts: PlanOptions): Action[] {
  const repairable = scan.findings.filter((f) => f.disposition === 'repair');
  const dels = new Map<string, { target: DelTarget; covers: Finding[]; removeNetns: string | undefined }>();
  if (opts.allowDel) {
    for (const f of repairable) {
      const target = delTargetOf(f, scan);
      if (target === undefined) continue;
      const key = attachmentKey(target.network, target.containerId, target.ifName);
      const known = dels.get(key);
      // Prefer the netns the cache recorded over a discovered one, and any over none.
      if (known === undefined) dels.set(key, { target, covers: [], removeNetns: undefined });
      else if (rank(target) > rank(known.target)) known.target = target;
    }
  }
  const covered = new Set<Finding>();
  const byOwner = new Map<string, string>(); // `net\0cid` → first DEL key of that container on that network
  for (const [key, d] of dels) {
    const owner = `${d.target.network}\0${d.target.containerId}`;
    if (!byOwner.has(owner)) byOwner.set(owner, key);
  }
  for (const f of repairable) {
    if (f.network === undefined || f.containerId === undefined) continue;
    const key =
      f.ifName !== undefined && dels.has(attachmentKey(f.network, f.containerId, f.ifName))
        ? attachmentKey(f.network, f.containerId, f.ifName)
        : byOwner.get(`${f.network}\0${f.containerId}`);
    const d = key === undefined ? undefined : dels.get(key);
    if (d === undefined) continue;
    d.covers.push(f);
    covered.add(f);
    if (f.kind === 'leaked-netns') d.removeNetns = f.path;
  }
  const actions: Action[] = [...dels.values()].map((d) => ({
    kind: 'del',
    target: d.target,
    covers: d.covers,
    removeNetns: d.removeNetns,
  }));
  const removals: Action[] = [];
  for (const f of repairable) {
    if (covered.has(f)) continue;
    const repair = removalKind(f);
    if (repair !== undefined) removals.push({ kind: 'remove', repair, finding: f });
  }
  removals.sort((a, b) => orderOf(a) - orderOf(b));
  return [...actions, ...removals];
}

function rank(t: DelTarget): number {
  return t.netnsSource === 'cache' ? 2 : t.netnsSource === 'discovered' ? 1 : 0;
}

function orderOf(a: Action): number {
  return a.kind === 'del' ? -1 : REMOVAL_ORDER.indexOf(a.repair);
}

/** One line describing an action, for reports and --confirm prompts. */
export function describeAction(a: Action): string {
  if (a.kind === 'del') {
    const t = a.target;
    const ns =
      t.netns === '' ? 'no netns' : `netns ${t.netns} (${t.netnsSource === 'cache' ? 'cached' : 'discovered'})`;
    const then = a.removeNetns === undefined ? '' : `, then remove netns ${a.removeNetns}`;
    return `DEL ${t.network} ${t.containerId} ${t.ifName} with ${ns}${then}`;
  }
  const f = a.finding;
  switch (f.kind) {
    case 'iptables-stale-rule':
      return `delete ${f.family === 6 ? 'ip6tables' : 'iptables'} rule -t ${f.table} ${f.rule.replace(/^-A /, '-D ')}`;
    case 'iptables-stale-chain':
      return `flush and delete ${f.family === 6 ? 'ip6tables' : 'iptables'} chain -t ${f.table} ${f.chain}`;
    case 'orphan-veth':
      return `delete link ${f.link} (on ${f.master})`;
    case 'ipam-leak':
      return `release reservation ${f.ip} (${f.path}) under host-local's lock`;
    case 'leaked-netns':
      return `remove netns ${f.path}`;
    case 'cache-temp-stale':
      return `remove temp file ${f.path}`;
    case 'cache-empty':
    case 'cache-corrupt':
    case 'cache-intent':
    case 'cache-netns-gone':
      return `quarantine ${f.path}`;
    case 'cache-quarantined':
    case 'cache-dir-unsafe':
      return `keep ${f.path}`;
  }
}
