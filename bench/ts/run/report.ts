// Turning harness outputs into figures: samples pooled over the rounds per implementation, summarized the way
// both harnesses summarize (median, nearest-rank p99), and the ratio cnikit/Go of each.
import { type Summary, summarize } from '../stats.ts';
import type { HarnessOutput } from './harness.ts';
import type { Figure, Goal } from './scenarios.ts';

/** One harness run of a scenario. */
export interface RoundRun {
  readonly round: number;
  readonly impl: string;
  readonly output: HarnessOutput;
}

/** A figure's numbers per implementation, and each cnikit backend's ratios to Go. */
export interface FigureResult {
  readonly label: string;
  readonly byImpl: Readonly<Record<string, Summary>>;
  /** Per cnikit implementation: median and p99 ratio to Go, and the ratio of each round's medians. */
  readonly ratios: Readonly<Record<string, { median: number; p99: number; perRound: number[] }>>;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly goal: Goal | undefined;
  readonly figures: readonly FigureResult[];
  readonly failures: Readonly<Record<string, number>>;
  readonly errors: readonly string[];
  readonly runs: readonly { round: number; impl: string; json: Readonly<Record<string, unknown>> }[];
}

/** The samples one run contributes to a figure. */
function samplesOf(fig: Figure, impl: string, out: HarnessOutput): number[] {
  switch (fig.kind) {
    case 'metric':
      return [...(out.raw[impl === 'go' ? fig.go : fig.ts] ?? [])];
    case 'extra': {
      const v = out.extra[fig.key];
      return v === undefined ? [] : [v];
    }
    case 'rss':
      return [out.maxRssKiB];
  }
}

const ratio = (a: number, b: number): number => (a > 0 && b > 0 ? Math.round((a / b) * 1000) / 1000 : Number.NaN);

/** Pools every round per implementation and computes the ratios. */
export function scenarioResult(
  id: string,
  title: string,
  goal: Goal | undefined,
  figures: readonly Figure[],
  runs: readonly RoundRun[],
): ScenarioResult {
  const impls = [...new Set(runs.map((r) => r.impl))];
  const rounds = [...new Set(runs.map((r) => r.round))];
  const out: FigureResult[] = figures.map((fig) => {
    const byImpl: Record<string, Summary> = {};
    for (const impl of impls) {
      byImpl[impl] = summarize(runs.filter((r) => r.impl === impl).flatMap((r) => samplesOf(fig, impl, r.output)));
    }
    const go = byImpl.go;
    const ratios: Record<string, { median: number; p99: number; perRound: number[] }> = {};
    for (const impl of impls.filter((i) => i !== 'go')) {
      const ts = byImpl[impl];
      if (go === undefined || ts === undefined) continue;
      const perRound = rounds.flatMap((round) => {
        const g = runs.find((r) => r.round === round && r.impl === 'go');
        const t = runs.find((r) => r.round === round && r.impl === impl);
        if (g === undefined || t === undefined) return [];
        return [
          ratio(summarize(samplesOf(fig, impl, t.output)).median, summarize(samplesOf(fig, 'go', g.output)).median),
        ];
      });
      ratios[impl] = { median: ratio(ts.median, go.median), p99: ratio(ts.p99, go.p99), perRound };
    }
    return { label: fig.label, byImpl, ratios };
  });
  const failures: Record<string, number> = {};
  const errors: string[] = [];
  for (const r of runs) {
    failures[r.impl] = (failures[r.impl] ?? 0) + r.output.failures;
    for (const e of r.output.errors) if (errors.length < 10) errors.push(`${r.impl} round ${r.round}: ${e}`);
    if (r.output.fatal !== undefined) errors.push(`${r.impl} round ${r.round}: fatal: ${r.output.fatal}`);
  }
  return {
    id,
    title,
    goal,
    figures: out,
    failures,
    errors,
    runs: runs.map((r) => ({ round: r.round, impl: r.impl, json: r.output.json })),
  };
}

const fmt = (n: number | undefined): string =>
  n === undefined || Number.isNaN(n) ? '-' : n >= 1000 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(3);

/** Whether a ratio meets the goal on this figure ('' when the figure has none). */
export function verdict(goal: Goal | undefined, label: string, r: number): string {
  if (goal === undefined || goal.label !== label) return '';
  return `${r <= goal.max ? 'met' : 'MISSED'} (<= ${goal.max.toFixed(2)})`;
}

/** Rows of the summary table: one per figure and cnikit implementation. */
export function tableRows(results: readonly ScenarioResult[]): string[][] {
  const rows: string[][] = [];
  for (const s of results) {
    for (const f of s.figures) {
      const go = f.byImpl.go;
      for (const [impl, r] of Object.entries(f.ratios)) {
        const ts = f.byImpl[impl];
        const has = go !== undefined && go.n > 0;
        rows.push([
          s.id,
          f.label,
          impl,
          has ? fmt(go.median) : '-',
          has ? fmt(go.p99) : '-',
          fmt(ts?.median),
          fmt(ts?.p99),
          fmt(r.median),
          fmt(r.p99),
          r.perRound.map((x) => (Number.isNaN(x) ? '-' : x.toFixed(2))).join(' '),
          verdict(s.goal, f.label, r.median),
        ]);
      }
    }
  }
  return rows;
}

export const TABLE_HEADER = [
  'scenario',
  'figure',
  'impl',
  'go med',
  'go p99',
  'ts med',
  'ts p99',
  'ratio med',
  'ratio p99',
  'per round',
  'goal',
];

/** A fixed-width text table. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (r: readonly string[]): string => `| ${r.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
