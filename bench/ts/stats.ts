// Summary statistics of timing samples, computed exactly as the Go harness does (bench/go/src/.../stats.go), so a
// ratio of two figures compares like with like.

/** One metric's figures in milliseconds, rounded to 4 decimals. */
export interface Summary {
  readonly n: number;
  readonly min: number;
  readonly median: number;
  readonly mean: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Rounds to 4 decimals (0.1 µs), as cnibench does: finer digits are clock noise. */
export function round4(ms: number): number {
  return Math.round(ms * 1e4) / 1e4;
}

/** The p-th percentile of non-empty sorted samples by nearest rank: the value at rank ceil(p/100*n). */
export function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** n, min, median (mean of the two middle values when n is even), mean, nearest-rank p90/p99, max. */
export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  if (n === 0) return { n: 0, min: 0, median: 0, mean: 0, p90: 0, p99: 0, max: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return {
    n,
    min: round4(s[0] ?? 0),
    median: round4(median),
    mean: round4(sum / n),
    p90: round4(nearestRank(s, 90)),
    p99: round4(nearestRank(s, 99)),
    max: round4(s[n - 1] ?? 0),
  };
}

/** Named series of samples (ms). */
export class Recorder {
  readonly #series = new Map<string, number[]>();

  /** Appends one sample to the named series. */
  add(name: string, ms: number): void {
    const s = this.#series.get(name);
    if (s === undefined) this.#series.set(name, [ms]);
    else s.push(ms);
  }

  /** Every series' summary, keyed by name. */
  summaries(): Record<string, Summary> {
    const out: Record<string, Summary> = {};
    for (const [k, v] of this.#series) out[k] = summarize(v);
    return out;
  }

  /** Every series' samples rounded like the summaries, keyed by name. */
  raw(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [k, v] of this.#series) out[k] = v.map(round4);
    return out;
  }
}
