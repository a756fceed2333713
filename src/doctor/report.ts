// A run as data (`--json`) and as text for a person: findings grouped by network and container, the plan, what was
// done, what remains, and one summary line.
import type { DoctorRun } from './doctor.ts';
import { describeAction } from './plan.ts';
import type { Scan } from './scan.ts';
import {
  type Action,
  type Disposition,
  FINDING_KINDS,
  type Finding,
  type LivenessSummary,
  type ProbeError,
} from './types.ts';

/** Counts for the summary line and the exit code. */
export interface ReportSummary {
  readonly findings: number;
  readonly repairable: number;
  readonly kept: Readonly<Partial<Record<Disposition, number>>>;
  readonly planned: number;
  readonly done: number;
  readonly failed: number;
  readonly skipped: number;
  /** Repairable findings left at the end (for a dry run: all of them). */
  readonly remaining: number;
  readonly errors: number;
}

/** The JSON report (`--json`). */
export interface DoctorReport {
  readonly mode: 'dry-run' | 'fix';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly networks: readonly string[];
  readonly liveness: LivenessSummary;
  readonly cache: { readonly entries: number; readonly states: Readonly<Record<string, number>> };
  readonly findings: readonly Finding[];
  readonly plan: readonly { readonly description: string; readonly action: Action }[];
  readonly outcomes: readonly { readonly status: string; readonly description: string; readonly detail: string }[];
  /** Findings of the final scan (fix runs only). */
  readonly remaining: readonly Finding[] | undefined;
  readonly errors: readonly ProbeError[];
  readonly summary: ReportSummary;
}

/** Summary counts of a run. */
export function summarize(run: DoctorRun): ReportSummary {
  const kept: Partial<Record<Disposition, number>> = {};
  for (const f of run.initial.findings)
    if (f.disposition !== 'repair') kept[f.disposition] = (kept[f.disposition] ?? 0) + 1;
  const count = (s: string): number => run.outcomes.filter((o) => o.status === s).length;
  const errors = new Set([...run.initial.errors, ...run.final.errors].map((e) => `${e.probe}\0${e.message}`)).size;
  return {
    findings: run.initial.findings.length,
    repairable: run.initial.findings.filter((f) => f.disposition === 'repair').length,
    kept,
    planned: run.plan.length,
    done: count('done'),
    failed: count('failed'),
    skipped: count('skipped'),
    remaining: run.final.findings.filter((f) => f.disposition === 'repair').length,
    errors,
  };
}

/** The run as the JSON document `--json` prints. */
export function toReport(run: DoctorRun): DoctorReport {
  const s = run.initial;
  return {
    mode: run.mode,
    startedAt: new Date(s.startedAt).toISOString(),
    durationMs: Math.round(run.durationMs),
    networks: s.networks.networks.map((n) => n.name),
    liveness: s.liveness.summary(),
    cache: { entries: s.cacheEntries, states: s.cacheCounts },
    findings: s.findings,
    plan: run.plan.map((action) => ({ description: describeAction(action), action })),
    outcomes: run.outcomes.map((o) => ({
      status: o.status,
      description: describeAction(o.action),
      detail: o.status === 'failed' ? o.error : o.detail,
    })),
    remaining: run.mode === 'fix' ? run.final.findings : undefined,
    errors: dedupe([...s.errors, ...(run.final === s ? [] : run.final.errors)]),
    summary: summarize(run),
  };
}

function dedupe(errors: readonly ProbeError[]): ProbeError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.probe}\0${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** "45s", "12m", "3h", "2d". */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function what(f: Finding): string {
  switch (f.kind) {
    case 'cache-empty':
    case 'cache-temp-stale':
    case 'cache-quarantined':
      return f.path;
    case 'cache-corrupt':
      return `${f.path}: ${f.reason}`;
    case 'cache-dir-unsafe':
      return `${f.path}: ${f.problem} (mode ${f.mode.toString(8).padStart(4, '0')}, uid ${f.uid ?? '?'})`;
    case 'cache-intent':
      return `${f.path} (netns ${f.netns || 'none'}${f.netnsExists ? ', exists' : ', gone'})`;
    case 'cache-netns-gone':
      return `${f.path} (netns ${f.netns} is gone)`;
    case 'ipam-leak':
      return `${f.ip} (${f.path})`;
    case 'orphan-veth':
      return `${f.link} on ${f.master}: ${f.reason}`;
    case 'leaked-netns':
      return `${f.path} (${f.reason === 'dead-intent' ? 'only a dead intent record names it' : 'wired to a CNI bridge, no cache entry names it'})`;
    case 'iptables-stale-chain':
      return `${f.family === 6 ? 'ip6tables' : 'iptables'} -t ${f.table} ${f.chain}`;
    case 'iptables-stale-rule':
      return `${f.family === 6 ? 'ip6tables' : 'iptables'} -t ${f.table} ${f.rule}`;
  }
}

const DISPOSITION_TEXT: Readonly<Record<Disposition, string>> = {
  repair: 'repair',
  young: `keep: younger than --min-age`,
  live: 'keep: owner is live',
  'unknown-owner': 'keep: owner unknown',
  'report-only': 'report only',
  'liveness-unavailable': 'keep: live set unavailable',
};

function groupFindings(findings: readonly Finding[]): string[] {
  const lines: string[] = [];
  const byNet = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    const net = f.network ?? '';
    const ctr = f.containerId === undefined ? '' : `${f.containerId}${f.ifName === undefined ? '' : ` (${f.ifName})`}`;
    let m = byNet.get(net);
    if (m === undefined) {
      m = new Map();
      byNet.set(net, m);
    }
    const list = m.get(ctr);
    if (list === undefined) m.set(ctr, [f]);
    else list.push(f);
  }
  const nets = [...byNet.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  for (const net of nets) {
    const ctrs = byNet.get(net) ?? new Map<string, Finding[]>();
    const n = [...ctrs.values()].reduce((acc, l) => acc + l.length, 0);
    lines.push(`${net === '' ? '(no network)' : `network ${net}`}: ${n} finding(s)`);
    const names = [...ctrs.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
    for (const ctr of names) {
      const list = (ctrs.get(ctr) ?? []).sort((a, b) => FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind));
      lines.push(`  ${ctr === '' ? '(no container)' : `container ${ctr}`}`);
      for (const f of list) {
        const age = f.ageMs === undefined ? '' : `, ${formatAge(f.ageMs)} old`;
        lines.push(`    ${f.kind.padEnd(21)} ${what(f)} [${DISPOSITION_TEXT[f.disposition]}${age}]`);
      }
    }
  }
  return lines;
}

function header(s: Scan, mode: string): string[] {
  const c = s.cacheCounts;
  const live = s.liveness.summary();
  const liveText = live.available
    ? `${live.liveContainers} live container(s) from ${live.sources.join(' + ') || 'nothing'}`
    : `live set unavailable (${live.error ?? 'unknown'}): nothing will be repaired`;
  return [
    `cnikit doctor: ${mode}`,
    `  networks: ${s.networks.networks.map((n) => n.name).join(', ') || '(none)'}`,
    `  cache: ${s.cacheEntries} entries (${c.ok} ok, ${c.netns_gone} netns gone, ${c.intent} intent, ${c.empty} empty, ${c.corrupt} corrupt)`,
    `  live: ${liveText}`,
  ];
}

/** The human report. */
export function renderText(run: DoctorRun): string {
  const s = run.initial;
  const sum = summarize(run);
  const lines = header(s, run.mode === 'fix' ? 'fix' : 'dry run (nothing changed)');
  lines.push('');
  if (s.findings.length === 0) lines.push('No findings.');
  else lines.push(...groupFindings(s.findings));
  if (run.plan.length > 0) {
    lines.push('', `Plan (${run.plan.length} action(s)):`);
    run.plan.forEach((a, i) => {
      const covers =
        a.kind === 'del' && a.covers.length > 0
          ? ` (covers ${a.covers.length} finding(s); leftovers removed after)`
          : '';
      lines.push(`  ${i + 1}. ${describeAction(a)}${covers}`);
    });
  }
  if (run.outcomes.length > 0) {
    lines.push('', 'Done:');
    for (const o of run.outcomes) {
      const mark = o.status === 'done' ? 'ok  ' : o.status === 'failed' ? 'FAIL' : 'skip';
      lines.push(`  ${mark} ${describeAction(o.action)}: ${o.status === 'failed' ? o.error : o.detail}`);
    }
  }
  if (run.mode === 'fix' && run.final !== s) {
    const left = run.final.findings.filter((f) => f.disposition === 'repair');
    lines.push('', left.length === 0 ? 'Remaining: nothing repairable.' : `Remaining (${left.length} repairable):`);
    if (left.length > 0) lines.push(...groupFindings(left).map((l) => `  ${l}`));
  }
  const errors = toReport(run).errors;
  if (errors.length > 0) {
    lines.push('', 'Errors:');
    for (const e of errors) lines.push(`  ${e.probe}: ${e.message}`);
  }
  lines.push('', summaryLine(sum, run.mode));
  return `${lines.join('\n')}\n`;
}

/** One line: counts, and what to do next. */
export function summaryLine(sum: ReportSummary, mode: 'dry-run' | 'fix'): string {
  const kept = Object.entries(sum.kept)
    .map(([d, n]) => `${n} ${d}`)
    .join(', ');
  const base = `${sum.findings} finding(s), ${sum.repairable} repairable${kept === '' ? '' : ` (kept: ${kept})`}`;
  if (mode === 'dry-run') {
    return sum.planned === 0
      ? `${base}; nothing to do.`
      : `${base}; ${sum.planned} action(s) planned. Run with --fix to apply.`;
  }
  return `${base}; ${sum.done} done, ${sum.failed} failed, ${sum.skipped} skipped; ${sum.remaining} repairable remaining.`;
}
