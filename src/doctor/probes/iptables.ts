// Per-container iptables state the reference plugins leave when DEL never ran (or ran without prevResult):
// bridge's ipMasq chain CNI-<hash> and its POSTROUTING jump, portmap's CNI-DN-<hash> and its CNI-HOSTPORT-DNAT
// jump (both jumps commented with the network and container), and firewall's CNI-FORWARD /32 rules (no comment:
// judged by whether any live attachment holds the IP). Shared chains are never findings.

import { parseIp } from '../../spec/index.ts';
import { type RunCommand, runChecked } from '../exec.ts';
import { type Judge, judgeOwner } from '../judge.ts';
import { ipKey } from '../liveness.ts';
import { type NetworkSet, subnetContains } from '../networks.ts';
import type { Disposition, Finding, IpFamily } from '../types.ts';
import { dnatChainName, isPerContainerChain, masqChainName } from './chain-names.ts';
import type { Reservation } from './ipam.ts';
import { parseCniComment, parseIptablesSave, type SavedRule, type SavedTable } from './iptables-save.ts';

/** What the iptables probe judges with, besides the live set. */
export interface IptablesContext {
  readonly networks: NetworkSet;
  readonly judge: Judge;
  /** Container IDs that may own an unreferenced chain (cache owners, reservation owners, live IDs, ...). */
  readonly candidates: ReadonlySet<string>;
  readonly reservations: readonly Reservation[];
  /** Networks whose host-local store could not be read. */
  readonly unreadableStores: ReadonlySet<string>;
}

/** The saved tables of one family. */
export interface FamilyTables {
  readonly family: IpFamily;
  readonly tables: readonly SavedTable[];
}

const SAVE_TOOL: Readonly<Record<IpFamily, string>> = { 4: 'iptables-save', 6: 'ip6tables-save' };
/** The tables the reference plugins write per container. */
export const CNI_TABLES = ['nat', 'filter'] as const;

/** Reads nat and filter of one family. */
export async function readFamily(run: RunCommand, family: IpFamily, signal?: AbortSignal): Promise<FamilyTables> {
  const tables: SavedTable[] = [];
  for (const t of CNI_TABLES) {
    const out = await runChecked(run, SAVE_TOOL[family], ['-t', t], signal === undefined ? {} : { signal });
    tables.push(...parseIptablesSave(out).filter((x) => x.name === t));
  }
  return { family, tables };
}

type Owner = { readonly network: string; readonly containerId: string };

/** Owner of a per-container chain as named by the comment of a rule jumping to it, when the hash agrees. */
function ownerFromJumps(chain: string, jumps: readonly SavedRule[]): Owner | undefined {
  for (const r of jumps) {
    const o = r.comment === undefined ? undefined : parseCniComment(r.comment);
    if (o === undefined) continue;
    if (masqChainName(o.network, o.containerId) === chain || dnatChainName(o.network, o.containerId) === chain)
      return o;
  }
  return undefined;
}

/**
 * A per-container chain with no rules that nothing jumps to (bridge killed between flushing and deleting it) has
 * no owner left to name, and deleting it cannot change traffic: the repair deletes it with -X alone, which the
 * kernel refuses should an ADD have filled it meanwhile.
 */
function emptyOrphan(owner: Owner | undefined, jumps: readonly SavedRule[], own: readonly SavedRule[]): boolean {
  return owner === undefined && jumps.length === 0 && own.length === 0;
}

function orphanDisposition(ctx: IptablesContext): Disposition {
  return ctx.judge.liveness.available ? 'repair' : 'liveness-unavailable';
}

/** Lazily built: chain name → owner, over every known network × candidate container ID. */
function makeHashIndex(ctx: IptablesContext): (chain: string) => Owner | undefined {
  let index: Map<string, Owner> | undefined;
  return (chain) => {
    if (index === undefined) {
      index = new Map();
      for (const net of ctx.networks.networks) {
        for (const cid of ctx.candidates) {
          index.set(masqChainName(net.name, cid), { network: net.name, containerId: cid });
          index.set(dnatChainName(net.name, cid), { network: net.name, containerId: cid });
        }
      }
    }
    return index.get(chain);
  };
}

function firewallIp(rule: SavedRule, family: IpFamily): string | undefined {
  if (rule.chain !== 'CNI-FORWARD') return undefined;
  const host = family === 4 ? '/32' : '/128';
  const s = rule.spec;
  const accept = s.length >= 2 && s[s.length - 2] === '-j' && s[s.length - 1] === 'ACCEPT';
  if (!accept) return undefined;
  let addr: string | undefined;
  if (s.length === 4 && s[0] === '-s') addr = s[1];
  const related = ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'];
  if (s.length === 8 && s[0] === '-d' && related.every((w, i) => s[i + 2] === w)) addr = s[1];
  if (addr === undefined || !addr.endsWith(host)) return undefined;
  return addr.slice(0, -host.length);
}

/** Reservations by network and IP key, built once per scan. */
type ReservationIndex = ReadonlyMap<string, Reservation>;

function indexReservations(rs: readonly Reservation[]): ReservationIndex {
  const m = new Map<string, Reservation>();
  for (const r of rs) m.set(`${r.network}\0${ipKey(r.ip) ?? r.ip}`, r);
  return m;
}

function noteFirewall(
  ctx: IptablesContext,
  index: ReservationIndex,
  family: IpFamily,
  rule: SavedRule,
  ip: string,
  out: Finding[],
): void {
  const parsed = parseIp(ip);
  if (parsed === undefined) return;
  const net = ctx.networks.networks.find((n) => n.subnets.some((s) => subnetContains(s, parsed.family, parsed.bytes)));
  // Outside every host-local subnet we know, or in one whose store we could not read: not ours to judge.
  if (net === undefined || ctx.unreadableStores.has(net.name)) return;
  const live = ctx.judge.liveness;
  if (live.available && live.holdsIp(ip)) return;
  const owner = index.get(`${net.name}\0${ipKey(ip) ?? ip}`);
  let disposition: Disposition;
  if (!live.available) disposition = 'liveness-unavailable';
  else if (live.isYoungIp(ip) || (owner?.containerId !== undefined && live.isYoung(owner.containerId)))
    disposition = 'young';
  else disposition = 'repair';
  out.push({
    kind: 'iptables-stale-rule',
    family,
    table: rule.table,
    chain: rule.chain,
    rule: rule.line,
    spec: rule.spec,
    ip,
    reason: 'firewall-ip',
    network: net.name,
    containerId: owner?.containerId,
    ifName: owner?.ifName,
    ageMs: undefined,
    disposition,
  });
}

/** Findings in one family's saved tables; pure, so unit tests feed it text. */
export function iptablesFindings(ctx: IptablesContext, fam: FamilyTables): Finding[] {
  const out: Finding[] = [];
  const byHash = makeHashIndex(ctx);
  let index: ReservationIndex | undefined;
  const known = (o: Owner | undefined): o is Owner => o !== undefined && ctx.networks.byName.has(o.network);
  for (const table of fam.tables) {
    const jumpsTo = new Map<string, SavedRule[]>();
    for (const r of table.rules) {
      if (r.target === undefined || !isPerContainerChain(r.target)) continue;
      const list = jumpsTo.get(r.target);
      if (list === undefined) jumpsTo.set(r.target, [r]);
      else list.push(r);
    }
    for (const chain of table.chains) {
      if (!isPerContainerChain(chain)) continue;
      const jumps = jumpsTo.get(chain) ?? [];
      // bridge deletes the POSTROUTING jump before flushing its chain: a DEL killed in between leaves a chain
      // nothing jumps to, whose own rules still carry the owner's comment.
      const own = table.rules.filter((r) => r.chain === chain);
      const owner = ownerFromJumps(chain, jumps) ?? ownerFromJumps(chain, own) ?? byHash(chain);
      if (owner !== undefined && !known(owner)) continue;
      // Jumped to by rules we cannot attribute: someone else's chain.
      if (owner === undefined && jumps.length > 0) continue;
      if (owner !== undefined && ctx.judge.liveness.isLive(owner.containerId)) continue;
      out.push({
        kind: 'iptables-stale-chain',
        family: fam.family,
        table: table.name,
        chain,
        network: owner?.network,
        containerId: owner?.containerId,
        ifName: undefined,
        ageMs: undefined,
        disposition: emptyOrphan(owner, jumps, own)
          ? orphanDisposition(ctx)
          : judgeOwner(ctx.judge, owner?.containerId, undefined),
      });
    }
    for (const rule of table.rules) {
      // Rules inside a per-container chain go when the chain is flushed.
      if (isPerContainerChain(rule.chain)) continue;
      const o = rule.comment === undefined ? undefined : parseCniComment(rule.comment);
      if (known(o)) {
        if (ctx.judge.liveness.isLive(o.containerId)) continue;
        out.push({
          kind: 'iptables-stale-rule',
          family: fam.family,
          table: table.name,
          chain: rule.chain,
          rule: rule.line,
          spec: rule.spec,
          ip: undefined,
          reason: 'comment',
          network: o.network,
          containerId: o.containerId,
          ifName: undefined,
          ageMs: undefined,
          disposition: judgeOwner(ctx.judge, o.containerId, undefined),
        });
        continue;
      }
      const ip = table.name === 'filter' ? firewallIp(rule, fam.family) : undefined;
      if (ip === undefined) continue;
      index ??= indexReservations(ctx.reservations);
      noteFirewall(ctx, index, fam.family, rule, ip, out);
    }
  }
  return out;
}

/**
 * Reads both families and returns their findings; a family whose tools fail is reported in `errors`, except IPv6 on
 * a node whose networks have no IPv6 subnet (ip6tables is often absent or disabled there, and holds nothing of ours).
 */
export async function probeIptables(
  run: RunCommand,
  ctx: IptablesContext,
  signal?: AbortSignal,
): Promise<{ findings: Finding[]; errors: string[] }> {
  const findings: Finding[] = [];
  const errors: string[] = [];
  const wantV6 = ctx.networks.networks.some((n) => n.subnets.some((s) => s.family === 6));
  for (const family of [4, 6] as const) {
    try {
      findings.push(...iptablesFindings(ctx, await readFamily(run, family, signal)));
    } catch (e) {
      if (family === 6 && !wantV6) continue;
      errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { findings, errors };
}
