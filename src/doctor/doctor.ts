// One doctor run: scan, plan, and with --fix apply in two passes — DELs (and independent removals) first, then a
// fresh scan and direct removal of whatever the DELs could not reach — then a final scan that says what remains.
import { ResultCache } from '../cache/index.ts';
import { CNI, DEFAULT_IPAM_DATA_DIR } from '../runtime/index.ts';
import { type RunCommand, runCommand } from './exec.ts';
import type { LockOptions } from './flock.ts';
import type { LiveSources } from './liveness.ts';
import { plan } from './plan.ts';
import { DEFAULT_NETNS_DIR } from './probes/netns.ts';
import { applyAction } from './repair/apply.ts';
import type { RepairContext } from './repair/context.ts';
import { type Scan, type ScanOptions, scan } from './scan.ts';
import type { Action, ActionOutcome, ProbeName } from './types.ts';

/** Default grace period: evidence younger than this is never repaired (an ADD may be in flight). */
export const DEFAULT_MIN_AGE_MS = 5 * 60_000;

/** Everything one doctor run needs. */
export interface DoctorOptions {
  readonly cacheDir: string;
  readonly confDir: string;
  /** Plugin search path for the DELs. */
  readonly path: readonly string[];
  readonly ipamDataDir?: string | undefined;
  readonly netnsDir?: string | undefined;
  readonly minAgeMs?: number | undefined;
  readonly live?: LiveSources | undefined;
  readonly skip?: ReadonlySet<ProbeName> | undefined;
  readonly containerId?: string | undefined;
  /** Apply the plan (default: dry run). */
  readonly fix?: boolean | undefined;
  /** Asked before each action; false skips it. */
  readonly confirm?: ((action: Action) => Promise<boolean>) | undefined;
  /** Per plugin exec, for the DELs. */
  readonly timeoutMs?: number | undefined;
  readonly lock?: LockOptions | undefined;
  readonly run?: RunCommand | undefined;
  readonly now?: (() => number) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Plugin stderr during DELs (default: the process's stderr). */
  readonly stderr?: ((chunk: Uint8Array) => void) | undefined;
  readonly onProgress?: ((phase: string, done?: number) => void) | undefined;
  readonly onOutcome?: ((outcome: ActionOutcome) => void) | undefined;
}

/** What one run saw, planned, did and left. */
export interface DoctorRun {
  readonly mode: 'dry-run' | 'fix';
  readonly initial: Scan;
  readonly plan: readonly Action[];
  readonly outcomes: readonly ActionOutcome[];
  /** The last scan of the run (the initial one for a dry run or when nothing was to be done). */
  readonly final: Scan;
  readonly durationMs: number;
}

/** Runs the doctor once. A dry run changes nothing on the node. */
export async function runDoctorOnce(opts: DoctorOptions): Promise<DoctorRun> {
  const t0 = performance.now();
  const run = opts.run ?? runCommand;
  const now = opts.now ?? Date.now;
  const minAgeMs = opts.minAgeMs ?? DEFAULT_MIN_AGE_MS;
  const ipamDataDir = opts.ipamDataDir ?? DEFAULT_IPAM_DATA_DIR;
  const netnsDir = opts.netnsDir ?? DEFAULT_NETNS_DIR;
  const scanOpts: ScanOptions = {
    cacheDir: opts.cacheDir,
    confDir: opts.confDir,
    ipamDataDir,
    netnsDir,
    minAgeMs,
    live: opts.live,
    skip: opts.skip,
    containerId: opts.containerId,
    run,
    now,
    signal: opts.signal,
    onProgress: opts.onProgress,
  };
  const initial = await scan(scanOpts);
  const first = plan(initial, { allowDel: true });
  const done = (outcomes: ActionOutcome[], final: Scan): DoctorRun => ({
    mode: opts.fix === true ? 'fix' : 'dry-run',
    initial,
    plan: first,
    outcomes,
    final,
    durationMs: performance.now() - t0,
  });
  if (opts.fix !== true || first.length === 0) return done([], initial);

  let runtime: CNI | undefined;
  const ctx: RepairContext = {
    run,
    cache: new ResultCache(opts.cacheDir),
    runtime: () => {
      runtime ??= new CNI({
        path: opts.path,
        cacheDir: opts.cacheDir,
        ipamDataDir,
        ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
        ...(opts.stderr === undefined ? {} : { stderr: opts.stderr }),
      });
      return runtime;
    },
    networks: initial.networks,
    netnsDir,
    minAgeMs,
    lock: opts.lock ?? {},
    now,
    signal: opts.signal,
  };
  const outcomes: ActionOutcome[] = [];
  const apply = async (actions: readonly Action[]): Promise<void> => {
    for (const a of actions) {
      const o = await applyAction(ctx, a, opts.confirm);
      outcomes.push(o);
      opts.onOutcome?.(o);
    }
  };
  await apply(first);
  // The same runtime answer for every pass: the live set must not shrink in the middle of a repair.
  const again = { ...scanOpts, external: initial.external, extraCandidates: initial.candidates };
  if (first.some((a) => a.kind === 'del')) {
    const mid = await scan(again);
    // An attachment whose DEL the operator declined is not to be taken apart piece by piece either.
    const declined = new Set(
      outcomes.flatMap((o) =>
        o.status === 'skipped' && o.action.kind === 'del'
          ? [`${o.action.target.network}\0${o.action.target.containerId}`]
          : [],
      ),
    );
    const second = plan(mid, { allowDel: false }).filter(
      (a) => a.kind !== 'remove' || !declined.has(`${a.finding.network ?? ''}\0${a.finding.containerId ?? ''}`),
    );
    await apply(second);
  }
  return done(outcomes, await scan(again));
}
