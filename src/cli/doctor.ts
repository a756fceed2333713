// `cnikit doctor`: find what crashes left behind (dry run by default), repair it with --fix, and report it for people
// (grouped text), scripts (--json) and Prometheus (--metrics-file, or --watch with --listen).
import { createInterface } from 'node:readline/promises';
import {
  type Action,
  DEFAULT_MIN_AGE_MS,
  DEFAULT_NETNS_DIR,
  DoctorMetrics,
  type DoctorOptions,
  type DoctorRun,
  describeAction,
  type ListenAddress,
  type ProbeName,
  parseListen,
  renderText,
  runDoctorOnce,
  summarize,
  summaryLine,
  toReport,
  watch,
  writeMetricsFile,
} from '../doctor/index.ts';
import { DEFAULT_IPAM_DATA_DIR } from '../runtime/index.ts';
import { parseDuration } from './duration.ts';
import { ExitCode } from './exit-codes.ts';
import { helpText } from './help.ts';
import { type CliIO, processIO } from './io.ts';
import { booleanFlag, type CommonOptions, parseCommand, stringFlag, stringFlags } from './options.ts';
import { printJson } from './output.ts';
import { UsageError } from './usage-error.ts';

const USAGE = 'Usage: cnikit doctor [--fix [--confirm]] [--json] [--live-cmd CMD | --live-from FILE] [flags]';

const PROBES: readonly ProbeName[] = ['cache', 'ipam', 'links', 'netns', 'iptables'];

const FLAGS = {
  fix: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  confirm: { type: 'boolean' },
  'min-age': { type: 'string' },
  'live-from': { type: 'string' },
  'live-cmd': { type: 'string' },
  'data-dir': { type: 'string' },
  'netns-dir': { type: 'string' },
  skip: { type: 'string', multiple: true },
  'lock-timeout': { type: 'string' },
  'metrics-file': { type: 'string' },
  watch: { type: 'boolean' },
  interval: { type: 'string' },
  listen: { type: 'string' },
} as const;

/** `cnikit doctor --help`. */
export const DOCTOR_HELP = helpText({
  usage: USAGE,
  summary: `Finds what crashes leave behind — empty, corrupt or unfinished cache entries, entries whose netns is gone,
stale temp files, host-local reservations nobody owns, orphan veths on CNI bridges, netns only a dead ADD named,
per-container iptables chains and rules of dead containers — and prints a plan. Nothing changes without --fix.
--fix DELs each dead attachment through its plugins (cached or reconstructed prevResult), removes what DEL could
not reach (rules, chains, links, reservations under host-local's own flock), quarantines bad cache files, verifies
each step, and scans again to report what remains. Live = ok cache entries whose netns exists, plus the runtime's
answer (--live-cmd/--live-from); anything unknown counts as live, and nothing younger than --min-age is touched.`,
  flags: `  --fix                 apply the plan (default: dry run, which changes nothing)
  --dry-run             explicit dry run (the default)
  --confirm             with --fix: ask before each action (needs a terminal)
  --min-age DURATION    never repair evidence younger than this (default 5m)
  --live-cmd CMD        shell command printing live container IDs, one a line (e.g. "crictl pods -q")
  --live-from FILE      file of live container IDs, one a line
  --data-dir DIR        host-local's default dataDir (default ${DEFAULT_IPAM_DATA_DIR}; a network's ipam.dataDir wins)
  --netns-dir DIR       where named netns live (default ${DEFAULT_NETNS_DIR})
  --container-id ID     look at this container only (the CNI_CONTAINERID variable does not narrow the doctor)
  --skip PROBE[,PROBE]  skip probes: ${PROBES.join(', ')} (skipping cache needs --live-cmd/--live-from to repair)
  --lock-timeout DUR    how long to wait for host-local's lock (default 10s)
  --metrics-file PATH   write Prometheus metrics there atomically (node_exporter textfile collector: *.prom)
  --watch               run every --interval until stopped (SIGTERM/SIGINT)
  --interval DURATION   time between --watch runs (default 5m)
  --listen ADDR         with --watch: serve /metrics and /healthz on ADDR (:9750, 127.0.0.1:9750, [::1]:9750)

Exit codes of the doctor: 0 nothing to repair (or all repaired); 3 leaks found (dry run) or left (after --fix);
1 the doctor could not do its job (a probe failed, the live set was unavailable, a repair failed).`,
});

function duration(values: Parameters<typeof stringFlag>[0], name: string, fallback: number): number {
  const text = stringFlag(values, name);
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`invalid --${name} ${JSON.stringify(text)}: use e.g. 30s, 5m, 1h`, USAGE);
  return ms;
}

function parseSkip(values: Parameters<typeof stringFlag>[0]): Set<ProbeName> {
  const out = new Set<ProbeName>();
  for (const item of stringFlags(values, 'skip').flatMap((s) => s.split(','))) {
    const p = item.trim();
    if (p === '') continue;
    const probe = PROBES.find((x) => x === p);
    if (probe === undefined)
      throw new UsageError(`unknown probe ${JSON.stringify(p)} in --skip (known: ${PROBES.join(', ')})`, USAGE);
    out.add(probe);
  }
  return out;
}

/** Exit code of a finished run (see DOCTOR_HELP). */
export function exitCodeOf(run: DoctorRun): number {
  const sum = summarize(run);
  if (sum.errors > 0 || sum.failed > 0 || !run.final.liveness.available) return ExitCode.Failed;
  if (sum.remaining > 0) return ExitCode.BadCache;
  return ExitCode.Ok;
}

function progressPrinter(io: CliIO, enabled: boolean): ((phase: string, done?: number) => void) | undefined {
  if (!enabled) return undefined;
  let last = 0;
  return (phase, done) => {
    const t = Date.now();
    if (t - last < 100 && phase === 'cache') return;
    last = t;
    io.stderr.write(`\r\x1b[2Kscanning ${phase}${done === undefined ? '' : `: ${done} entries`}`);
  };
}

async function askEach(io: CliIO): Promise<(a: Action) => Promise<boolean>> {
  return async (a) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`${describeAction(a)}\nApply? [y/N] `, { signal: io.signal });
      return /^y(es)?$/i.test(answer.trim());
    } catch {
      return false;
    } finally {
      rl.close();
    }
  };
}

function ownIO(): { io: CliIO; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(new Error(`interrupted by ${signal}`));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    io: processIO(controller.signal),
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/** Runs `cnikit doctor` with its argv (common flags included) and the resolved common options; returns the exit code. */
export async function runDoctor(argv: string[], common: CommonOptions, io?: CliIO): Promise<number> {
  if (io !== undefined) return doctorMain(argv, common, io);
  const own = ownIO();
  try {
    return await doctorMain(argv, common, own.io);
  } finally {
    own.dispose();
  }
}

async function doctorMain(argv: string[], common: CommonOptions, io: CliIO): Promise<number> {
  const { values, positionals } = parseCommand(argv, FLAGS, USAGE);
  if (booleanFlag(values, 'help')) {
    io.stdout.write(DOCTOR_HELP);
    return ExitCode.Ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, USAGE);
  const fix = booleanFlag(values, 'fix');
  if (fix && booleanFlag(values, 'dry-run')) throw new UsageError('--fix and --dry-run contradict each other', USAGE);
  const confirm = booleanFlag(values, 'confirm');
  const isWatch = booleanFlag(values, 'watch');
  if (confirm && !fix) throw new UsageError('--confirm only makes sense with --fix', USAGE);
  if (confirm && isWatch) throw new UsageError('--confirm cannot be used with --watch', USAGE);
  if (confirm && (process.stdin.isTTY !== true || !io.stderr.isTTY))
    throw new UsageError('--confirm needs a terminal', USAGE);
  const listenText = stringFlag(values, 'listen');
  let listen: ListenAddress | undefined;
  if (listenText !== undefined) {
    if (!isWatch) throw new UsageError('--listen needs --watch', USAGE);
    listen = parseListen(listenText);
    if (listen === undefined)
      throw new UsageError(`invalid --listen ${JSON.stringify(listenText)}: use :PORT or HOST:PORT`, USAGE);
  }
  const metricsFile = stringFlag(values, 'metrics-file');
  const options: DoctorOptions = {
    cacheDir: common.cacheDir,
    confDir: common.confDir,
    path: common.path,
    ipamDataDir: stringFlag(values, 'data-dir'),
    netnsDir: stringFlag(values, 'netns-dir'),
    minAgeMs: duration(values, 'min-age', DEFAULT_MIN_AGE_MS),
    live: { liveFrom: stringFlag(values, 'live-from'), liveCmd: stringFlag(values, 'live-cmd') },
    skip: parseSkip(values),
    // Only the explicit flag narrows a node-wide scan: CNI_CONTAINERID is often left set for cnitool use, and a
    // doctor that silently looked at one container would report a leaky node as clean.
    containerId: stringFlag(values, 'container-id'),
    fix,
    confirm: confirm ? await askEach(io) : undefined,
    timeoutMs: common.timeoutMs,
    lock: { timeoutMs: duration(values, 'lock-timeout', 10_000) },
    signal: io.signal,
    stderr: (chunk) => io.stderr.write(Buffer.from(chunk).toString('utf8')),
  };

  if (isWatch) {
    const intervalMs = duration(values, 'interval', 5 * 60_000);
    if (intervalMs <= 0) throw new UsageError('--interval must be more than 0', USAGE);
    await watch({
      doctor: options,
      intervalMs,
      listen,
      metricsFile,
      signal: io.signal,
      onListening: (a) =>
        io.stderr.write(
          `cnikit doctor: serving /metrics on ${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}\n`,
        ),
      onRun: (run, error) => {
        const at = new Date().toISOString();
        if (run === undefined) {
          io.stderr.write(`${at} doctor run failed: ${error instanceof Error ? error.message : String(error)}\n`);
        } else if (common.json) {
          io.stdout.write(
            `${JSON.stringify({ at, mode: run.mode, summary: summarize(run), errors: toReport(run).errors })}\n`,
          );
        } else {
          io.stderr.write(`${at} ${summaryLine(summarize(run), run.mode)}\n`);
        }
      },
    });
    return ExitCode.Ok;
  }

  const showProgress = io.stdout.isTTY && io.stderr.isTTY && !common.json;
  const run = await runDoctorOnce({ ...options, onProgress: progressPrinter(io, showProgress) });
  if (showProgress) io.stderr.write('\r\x1b[2K');
  if (metricsFile !== undefined) {
    const metrics = await DoctorMetrics.create();
    metrics.update(run);
    await writeMetricsFile(metricsFile, await metrics.text());
  }
  if (common.json) printJson(io, toReport(run));
  else io.stdout.write(renderText(run));
  if (io.signal.aborted) return ExitCode.Interrupted;
  return exitCodeOf(run);
}
