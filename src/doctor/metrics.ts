// The doctor's state in Prometheus text format (prom-client, loaded only when metrics are asked for): gauges describe
// the node after the last run, counters accumulate repairs over a watch process's life.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Counter, Gauge, Registry } from 'prom-client';
import type { DoctorRun } from './doctor.ts';
import type { Finding, FindingKind, RepairKind } from './types.ts';

type PromClient = typeof import('prom-client');

/** Every metric name the doctor exports. */
export const METRIC_NAMES = [
  'cnikit_cache_entries',
  'cnikit_cache_temp_files',
  'cnikit_cache_quarantined_files',
  'cnikit_leaked_ipam_reservations',
  'cnikit_orphan_links',
  'cnikit_leaked_netns',
  'cnikit_stale_iptables_chains',
  'cnikit_stale_iptables_rules',
  'cnikit_doctor_findings',
  'cnikit_live_containers',
  'cnikit_doctor_live_set_available',
  'cnikit_doctor_probe_errors',
  'cnikit_repairs_total',
  'cnikit_repair_failures_total',
  'cnikit_doctor_last_run_timestamp_seconds',
  'cnikit_doctor_scan_duration_seconds',
] as const;

/** A finding counts as a suspected leak unless its owner is live or it is too young to judge. */
function suspected(f: Finding): boolean {
  return f.disposition !== 'live' && f.disposition !== 'young';
}

type GaugeName =
  | 'cache'
  | 'temp'
  | 'quarantined'
  | 'ipam'
  | 'links'
  | 'netns'
  | 'chains'
  | 'rules'
  | 'findings'
  | 'live'
  | 'available'
  | 'errors'
  | 'last'
  | 'duration';
type Gauges = Readonly<Record<GaugeName, Gauge>>;

/** The doctor's metrics registry. */
export class DoctorMetrics {
  readonly registry: Registry;
  readonly #g: Gauges;
  readonly #repairs: Counter;
  readonly #failures: Counter;

  private constructor(prom: PromClient) {
    this.registry = new prom.Registry();
    const registers = [this.registry];
    const gauge = (name: string, help: string, labelNames: string[] = []): Gauge =>
      new prom.Gauge({ name, help, labelNames, registers });
    this.#g = {
      cache: gauge(
        'cnikit_cache_entries',
        'Result cache entries by read state (netns_gone: ok entries whose netns is gone).',
        ['state'],
      ),
      temp: gauge('cnikit_cache_temp_files', 'Temp files a cache writer left in results/.'),
      quarantined: gauge('cnikit_cache_quarantined_files', 'Files kept in the cache quarantine.'),
      ipam: gauge('cnikit_leaked_ipam_reservations', 'host-local reservations whose owner is not live.'),
      links: gauge('cnikit_orphan_links', 'Host veths on a CNI bridge whose peer is gone.'),
      netns: gauge('cnikit_leaked_netns', 'Named netns that only dead attachments (or nothing) refer to.'),
      chains: gauge('cnikit_stale_iptables_chains', 'Per-container iptables chains of dead containers.'),
      rules: gauge('cnikit_stale_iptables_rules', 'iptables rules naming dead containers or IPs nobody holds.'),
      findings: gauge('cnikit_doctor_findings', 'Findings of the last run by kind and disposition.', [
        'kind',
        'disposition',
      ]),
      live: gauge('cnikit_live_containers', 'Containers the last run considered live.'),
      available: gauge(
        'cnikit_doctor_live_set_available',
        '1 when the last run could tell what is live (else it repaired nothing).',
      ),
      errors: gauge('cnikit_doctor_probe_errors', 'Probe errors in the last run.', ['probe']),
      last: gauge('cnikit_doctor_last_run_timestamp_seconds', 'When the last doctor run finished (Unix time).'),
      duration: gauge('cnikit_doctor_scan_duration_seconds', "How long the last run's first scan took."),
    };
    this.#repairs = new prom.Counter({
      name: 'cnikit_repairs_total',
      help: 'Repairs applied and verified, by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.#failures = new prom.Counter({
      name: 'cnikit_repair_failures_total',
      help: 'Repairs that failed or could not be verified, by kind.',
      labelNames: ['kind'],
      registers,
    });
  }

  /** Loads prom-client and builds the registry. */
  static async create(): Promise<DoctorMetrics> {
    const m = await import('prom-client');
    const prom: PromClient = (m as PromClient & { default?: PromClient }).default ?? m;
    return new DoctorMetrics(prom);
  }

  /** Sets the gauges from a run's final scan and counts its repairs. */
  update(run: DoctorRun, finishedAtMs: number = Date.now()): void {
    const s = run.final;
    const g = this.#g;
    for (const [state, n] of Object.entries(s.cacheCounts)) g.cache.set({ state }, n);
    const count = (kind: FindingKind): number => s.findings.filter((f) => f.kind === kind && suspected(f)).length;
    g.temp.set(count('cache-temp-stale'));
    g.quarantined.set(count('cache-quarantined'));
    g.ipam.set(count('ipam-leak'));
    g.links.set(count('orphan-veth'));
    g.netns.set(count('leaked-netns'));
    g.chains.set(count('iptables-stale-chain'));
    g.rules.set(count('iptables-stale-rule'));
    g.findings.reset();
    const byKey = new Map<string, { kind: string; disposition: string; n: number }>();
    for (const f of s.findings) {
      const k = `${f.kind}\0${f.disposition}`;
      const e = byKey.get(k) ?? { kind: f.kind, disposition: f.disposition, n: 0 };
      e.n++;
      byKey.set(k, e);
    }
    for (const e of byKey.values()) g.findings.set({ kind: e.kind, disposition: e.disposition }, e.n);
    g.live.set(s.liveness.summary().liveContainers);
    g.available.set(s.liveness.available ? 1 : 0);
    g.errors.reset();
    for (const probe of ['config', 'cache', 'live', 'ipam', 'links', 'netns', 'iptables']) {
      g.errors.set({ probe }, s.errors.filter((e) => e.probe === probe).length);
    }
    g.last.set(finishedAtMs / 1000);
    g.duration.set(run.initial.durationMs / 1000);
    for (const o of run.outcomes) {
      const kind: RepairKind = o.action.kind === 'del' ? 'del' : o.action.repair;
      if (o.status === 'done') this.#repairs.inc({ kind });
      else if (o.status === 'failed') this.#failures.inc({ kind });
    }
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

/**
 * Writes `text` to `path` atomically and durably (temp file in the same dir, fsync, rename, fsync dir), as
 * node_exporter's textfile collector needs: it must never read a half-written file. The temp name does not end
 * in .prom, so the collector never picks it up.
 */
export async function writeMetricsFile(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
