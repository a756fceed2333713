// Removing per-container iptables state by hand, the way debian-baseline's manual cleanup did: a rule is deleted with
// the very words iptables-save printed it with, a per-container chain is flushed and deleted once nothing jumps to it.
// Shared chains are refused here whatever the plan says.
import { runChecked } from '../exec.ts';
import { isPerContainerChain } from '../probes/chain-names.ts';
import { parseIptablesSave, type SavedTable } from '../probes/iptables-save.ts';
import type { IpFamily } from '../types.ts';
import type { RepairContext } from './context.ts';

const TOOL: Readonly<Record<IpFamily, string>> = { 4: 'iptables', 6: 'ip6tables' };
const SAVE: Readonly<Record<IpFamily, string>> = { 4: 'iptables-save', 6: 'ip6tables-save' };

async function readTable(ctx: RepairContext, family: IpFamily, table: string): Promise<SavedTable> {
  const text = await runChecked(ctx.run, SAVE[family], ['-t', table]);
  return parseIptablesSave(text).find((t) => t.name === table) ?? { name: table, chains: [], rules: [] };
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

/** Deletes one rule (`-D chain spec`); verified by re-reading the table. Returns a detail line. */
export async function deleteRule(
  ctx: RepairContext,
  r: { family: IpFamily; table: string; chain: string; spec: readonly string[] },
): Promise<string> {
  const present = (t: SavedTable): boolean => t.rules.some((x) => x.chain === r.chain && sameWords(x.spec, r.spec));
  if (!present(await readTable(ctx, r.family, r.table))) return 'already gone';
  // -w: wait for the xtables lock rather than fail while a plugin holds it (iptables-legacy; nft ignores it).
  const del = await ctx.run(TOOL[r.family], ['-w', '-t', r.table, '-D', r.chain, ...r.spec]);
  if (present(await readTable(ctx, r.family, r.table))) {
    throw new Error(
      `rule still present after ${TOOL[r.family]} -D ${r.chain}: ${del.stderr.trim() || `exit ${del.code}`}`,
    );
  }
  return 'deleted';
}

/** Flushes and deletes a per-container chain nothing jumps to any more; verified by re-reading the table. */
export async function deleteChain(
  ctx: RepairContext,
  c: { family: IpFamily; table: string; chain: string },
): Promise<string> {
  if (!isPerContainerChain(c.chain)) throw new Error(`refusing to delete ${c.chain}: not a per-container chain`);
  const before = await readTable(ctx, c.family, c.table);
  if (!before.chains.includes(c.chain)) return 'already gone';
  const jumps = before.rules.filter((x) => x.target === c.chain);
  if (jumps.length > 0) {
    // Flushing a chain something still jumps to would change live traffic: leave it, and say why.
    throw new Error(`chain ${c.chain} is still referenced: ${jumps.map((j) => j.line).join('; ')}`);
  }
  const tool = TOOL[c.family];
  // An empty chain is deleted without a flush: if an ADD fills it meanwhile, -X fails and its rules stay.
  const empty = !before.rules.some((x) => x.chain === c.chain);
  const flush = empty ? { stderr: '' } : await ctx.run(tool, ['-w', '-t', c.table, '-F', c.chain]);
  const del = await ctx.run(tool, ['-w', '-t', c.table, '-X', c.chain]);
  const after = await readTable(ctx, c.family, c.table);
  if (after.chains.includes(c.chain)) {
    const why = del.stderr.trim() || flush.stderr.trim() || `exit ${del.code}`;
    throw new Error(`chain ${c.chain} still present after -F/-X: ${why}`);
  }
  return 'flushed and deleted';
}
