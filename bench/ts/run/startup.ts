// Scenario 5, plugin start-up: a CNI plugin is one process per call, so its start-up is paid on every ADD/DEL.
// cnikit-noop (bundled skel plugin) against `node -e 0` (the floor of any Node program) and against cnigo-noop
// (libcni's skel in Go), fed the same config, interleaved so load drift hits every case alike.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { type Summary, summarize } from '../stats.ts';

export interface StartupCase {
  readonly key: string;
  readonly name: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly input: string;
}

/** The five cases: node -e 0, and ADD and VERSION of each noop plugin. */
export function startupCases(cnikitNoop: string, cnigoNoop: string, pluginDir: string): StartupCase[] {
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const add = {
    ...base,
    CNI_COMMAND: 'ADD',
    CNI_CONTAINERID: 'bench-container',
    CNI_NETNS: '/var/run/netns/bench-does-not-exist',
    CNI_IFNAME: 'eth0',
    CNI_PATH: pluginDir,
  };
  const config = (type: string): string => JSON.stringify({ cniVersion: '1.0.0', name: 'bench', type });
  const version = { ...base, CNI_COMMAND: 'VERSION' };
  return [
    { key: 'node', name: 'node -e 0', file: process.execPath, args: ['-e', '0'], env: base, input: '' },
    { key: 'ts-add', name: 'cnikit-noop ADD', file: cnikitNoop, args: [], env: add, input: config('cnikit-noop') },
    { key: 'go-add', name: 'cnigo-noop ADD', file: cnigoNoop, args: [], env: add, input: config('cnikit-noop') },
    { key: 'ts-version', name: 'cnikit-noop VERSION', file: cnikitNoop, args: [], env: version, input: '' },
    { key: 'go-version', name: 'cnigo-noop VERSION', file: cnigoNoop, args: [], env: version, input: '' },
  ];
}

function once(c: StartupCase): number {
  const t0 = performance.now();
  const r = spawnSync(c.file, c.args, { env: c.env, input: c.input, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return ms;
}

/** Runs every case `runs` times, interleaved, after `warmup` untimed rounds; summaries keyed by case. */
export function measureStartup(
  cases: readonly StartupCase[],
  runs: number,
  warmup: number,
): Record<string, { name: string; summary: Summary }> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.key, []]));
  for (let i = 0; i < warmup; i++) for (const c of cases) once(c);
  for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.key)?.push(once(c));
  const out: Record<string, { name: string; summary: Summary }> = {};
  for (const c of cases) out[c.key] = { name: c.name, summary: summarize(samples.get(c.key) ?? []) };
  return out;
}
