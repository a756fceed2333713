// The benchmark driver (bench/run.mjs starts it): builds both harnesses, makes a private host netns and the
// container namespaces, runs cnibench and cnikit-bench alternating in rounds for every scenario, and prints
// medians, p99 and the ratio cnikit/Go; writes bench/out/results.json (and .md). Never asserts a time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { writeConfs } from './confs.ts';
import { type Binaries, type Impl, implLabel, runHarness } from './harness.ts';
import { load1, machine } from './machine.ts';
import { BenchNetns } from './netns.ts';
import { summarizeProfile } from './profile-summary.ts';
import {
  markdownTable,
  type RoundRun,
  type ScenarioResult,
  scenarioResult,
  TABLE_HEADER,
  tableRows,
  textTable,
} from './report.ts';
import { listEntries, type ScenarioContext, scenarios } from './scenarios.ts';
import { measureStartup, startupCases } from './startup.ts';

const root = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    spawn: { type: 'string', default: 'default' },
    out: { type: 'string', default: join(root, 'bench/out/results.json') },
    profile: { type: 'boolean', default: false },
    'startup-runs': { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function sh(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  return r.stdout;
}

function build(): Binaries & { cnigoNoop: string; cnikitNoop: string } {
  const goBins = values['skip-build'] ? '' : sh(join(root, 'scripts/build-go.sh'), []);
  const bin = join(root, 'bench/go/bin');
  if (!values['skip-build']) sh(process.execPath, [join(root, 'bench/build.mjs')]);
  const cnikitNoop = join(root, 'plugins/bin/cnikit-noop');
  if (!existsSync(cnikitNoop)) sh(process.execPath, [join(root, 'scripts/bundle.mjs')]);
  if (goBins !== '') log(goBins.trim());
  return {
    cnibench: join(bin, 'cnibench'),
    cnigoNoop: join(bin, 'cnigo-noop'),
    tsBundle: join(root, 'bench/out/cnikit-bench.cjs'),
    cnikitNoop,
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces)');
  const started = new Date();
  const loadBefore = load1();
  const bins = build();
  // Taken when the bundle is built: the commit the figures belong to (others may commit while the run goes on).
  const host = machine(root);
  const impls: Impl[] = [
    { kind: 'go' },
    ...(values.spawn ?? 'default').split(',').map((spawn): Impl => ({ kind: 'ts', spawn })),
  ];
  const only = values.only?.split(',');
  const want = (id: string): boolean => only === undefined || only.some((o) => id === o || id.startsWith(`${o}-`));
  const tmp = mkdtempSync(join(tmpdir(), 'cnikit-bench-run-'));
  const netns = new BenchNetns(`ckb${process.pid}`);
  const cleanup = (): void => {
    netns.close();
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const confDir = writeConfs(tmp);
    const ctx: ScenarioContext = {
      confDir,
      pluginPath: `${join(root, 'bench/go/bin')}:/usr/lib/cni`,
      containerNetns: netns.containerPath,
      perAttachmentNetns: (count) => netns.perAttachment(count),
      listCacheDir: join(tmp, 'list-cache'),
    };
    const results: ScenarioResult[] = [];
    const profiles: Record<string, string[]> = {};
    for (const s of scenarios(quick).filter((x) => want(x.id))) {
      if (s.id === 'list') {
        const entries = listEntries(quick);
        log(`list: generating ${entries} entries with cnibench gen-cache`);
        const gen = await runHarness(
          bins,
          netns,
          { kind: 'go' },
          ['-mode', 'gen-cache', '-cache-dir', ctx.listCacheDir, '-entries', String(entries)],
          { inNetns: false },
        );
        if (gen.failures > 0) throw new Error(`gen-cache failed: ${gen.errors.join('; ')}`);
      }
      const rounds = values.rounds === undefined ? s.rounds : Number(values.rounds);
      const runs: RoundRun[] = [];
      for (let round = 1; round <= rounds; round++) {
        for (const impl of impls) {
          const args = [...s.args(ctx), ...(impl.kind === 'go' ? (s.goOnly ?? []) : [])];
          const t0 = Date.now();
          const output = await runHarness(bins, netns, impl, args);
          runs.push({ round, impl: implLabel(impl), output });
          log(
            `${s.id} round ${round}/${rounds} ${implLabel(impl)}: ${Date.now() - t0} ms, failures ${output.failures}, load ${load1()}`,
          );
        }
      }
      const result = scenarioResult(s.id, s.title, s.goal, s.figures, runs);
      results.push(result);
      log(textTable(TABLE_HEADER, tableRows([result])));
      if (values.profile) {
        for (const impl of impls.filter((i) => i.kind === 'ts')) {
          const dir = join(root, 'bench/out/profiles', `${s.id}-${implLabel(impl).replace(':', '-')}`);
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          await runHarness(bins, netns, impl, s.args(ctx), { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
          profiles[`${s.id}:${implLabel(impl)}`] = readdirSync(dir).map((f) => join(dir, f));
        }
      }
    }
    const startup = want('startup')
      ? (() => {
          const runs = Number(values['startup-runs'] ?? (quick ? 10 : 300));
          log(`startup: ${runs} runs of each case, interleaved`);
          return measureStartup(
            startupCases(bins.cnikitNoop, bins.cnigoNoop, join(root, 'plugins/bin')),
            runs,
            quick ? 2 : 20,
          );
        })()
      : undefined;
    const leftovers = netns
      .run('iptables-save', [])
      .split('\n')
      .filter((l) => /CNI-DN-|\/32 /.test(l)).length;

    const rows = tableRows(results);
    const startupRows: string[][] = [];
    if (startup !== undefined) {
      const node = startup.node?.summary;
      const goAdd = startup['go-add']?.summary;
      for (const [key, c] of Object.entries(startup)) {
        const r = (b: number | undefined): string => (b ? (c.summary.median / b).toFixed(3) : '-');
        startupRows.push([
          c.name,
          c.summary.median.toFixed(2),
          c.summary.p99.toFixed(2),
          r(node?.median),
          r(goAdd?.median),
          key === 'ts-add'
            ? `${c.summary.median / (node?.median ?? 1) <= 1.25 ? 'met' : 'MISSED'} (<= 1.25 of node -e 0)`
            : '',
        ]);
      }
    }
    const startupHeader = ['start-up case', 'median', 'p99', 'x node -e 0', 'x cnigo-noop ADD', 'goal'];
    console.log(`\ncnikit / Go libcni benchmarks (${quick ? 'quick' : 'full'}), ms; ratio = cnikit / Go\n`);
    console.log(textTable(TABLE_HEADER, rows));
    if (startupRows.length > 0) console.log(`\n${textTable(startupHeader, startupRows)}`);
    const failures = results.flatMap((r) =>
      Object.entries(r.failures)
        .filter(([, n]) => n > 0)
        .map(([i, n]) => `${r.id}/${i}: ${n}`),
    );
    console.log(
      `\nfailures: ${failures.length === 0 ? 'none' : failures.join(', ')}; iptables leftovers: ${leftovers}`,
    );
    // A time is never a failure; a failed operation or a leftover rule is (CI's smoke pass relies on this).
    if (failures.length > 0 || leftovers > 0) process.exitCode = 1;
    for (const [k, files] of Object.entries(profiles)) {
      for (const f of files)
        console.log(`\nprofile ${k} (${relative(root, f)}):\n${summarizeProfile(f, `${bins.tsBundle}.map`, 15)}`);
    }
    const doc = {
      command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      quick,
      load1: { before: loadBefore, after: load1() },
      machine: host,
      impls: impls.map(implLabel),
      results,
      startup,
      leftovers,
      profiles,
    };
    mkdirSync(join(root, 'bench/out'), { recursive: true });
    writeFileSync(values.out ?? '', `${JSON.stringify(doc, null, 2)}\n`);
    writeFileSync(
      `${(values.out ?? '').replace(/\.json$/, '')}.md`,
      `${markdownTable(TABLE_HEADER, rows)}\n\n${startupRows.length > 0 ? markdownTable(startupHeader, startupRows) : ''}\n`,
    );
    log(`wrote ${values.out}`);
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
