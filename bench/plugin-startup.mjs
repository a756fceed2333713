// Plugin start-up cost: a CNI plugin is one process per call, so on a node starting hundreds of pods its
// start-up is the price. Compares, interleaved so load drifts hit every case alike:
//   (a) `node -e 0`          the floor for any Node program
//   (d) a bare plugin        one CJS file that only writes a VERSION answer (the floor for a plugin file)
//   (b) cnikit-noop ADD      small config on stdin, no debug file
//   (c) cnikit-noop VERSION
// Usage: node bench/plugin-startup.mjs [--runs N] [--json FILE]   (builds plugins/bin first when missing)
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    json: { type: 'string' },
    warmup: { type: 'string', default: '10' },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);

const noop = join(root, 'plugins/bin/cnikit-noop');
if (!existsSync(noop)) {
  const r = spawnSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'cnikit-startup-'));
const bare = join(dir, 'bare-plugin');
writeFileSync(
  bare,
  '#!/usr/bin/env node\n"use strict";\nrequire("node:fs").writeSync(1, \'{"cniVersion":"1.1.0","supportedVersions":["1.1.0"]}\\n\');\n',
);
chmodSync(bare, 0o755);
// Extensionless files take their module type from the nearest package.json; keep the bare plugin CJS like ours.
writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');

const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const config = JSON.stringify({ cniVersion: '1.1.0', name: 'bench', type: 'cnikit-noop' });
const addEnv = {
  ...baseEnv,
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'bench-container',
  CNI_NETNS: '/var/run/netns/bench-does-not-exist',
  CNI_IFNAME: 'eth0',
  CNI_PATH: join(root, 'plugins/bin'),
};

const cases = [
  { key: 'a', name: 'node -e 0', file: process.execPath, args: ['-e', '0'], env: baseEnv, input: '' },
  {
    key: 'd',
    name: 'bare plugin VERSION',
    file: bare,
    args: [],
    env: { ...baseEnv, CNI_COMMAND: 'VERSION' },
    input: '',
  },
  { key: 'b', name: 'cnikit-noop ADD', file: noop, args: [], env: addEnv, input: config },
  {
    key: 'c',
    name: 'cnikit-noop VERSION',
    file: noop,
    args: [],
    env: { ...baseEnv, CNI_COMMAND: 'VERSION' },
    input: '',
  },
];

function once(c) {
  const t0 = performance.now();
  const r = spawnSync(c.file, c.args, { env: c.env, input: c.input, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return ms;
}

const samples = Object.fromEntries(cases.map((c) => [c.key, []]));
for (let i = 0; i < warmup; i++) for (const c of cases) once(c);
for (let i = 0; i < runs; i++) for (const c of cases) samples[c.key].push(once(c));
rmSync(dir, { recursive: true, force: true });

function quantile(sorted, q) {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx];
}
const stats = {};
for (const c of cases) {
  const s = [...samples[c.key]].sort((x, y) => x - y);
  stats[c.key] = { name: c.name, median: quantile(s, 0.5), p99: quantile(s, 0.99), min: s[0] };
}
const ratio = (k) => stats[k].median / stats.a.median;

console.log(`plugin start-up, ${runs} runs each (interleaved), node ${process.version}, ms`);
console.log('case                      median     p99     min   ratio to (a)');
for (const c of cases) {
  const s = stats[c.key];
  console.log(
    `(${c.key}) ${c.name.padEnd(21)} ${s.median.toFixed(2).padStart(7)} ${s.p99.toFixed(2).padStart(7)} ${s.min
      .toFixed(2)
      .padStart(7)}   ${ratio(c.key).toFixed(3)}`,
  );
}
const goal = 1.25;
console.log(`\nb/a = ${ratio('b').toFixed(3)} (goal <= ${goal}): ${ratio('b') <= goal ? 'met' : 'NOT met'}`);
console.log(`b/d = ${(stats.b.median / stats.d.median).toFixed(3)} (noop ADD against a plugin that only answers)`);
// Minimums are the least disturbed by other load on the machine; a busy host shows in a gap between the two.
console.log(`b/a by minimum = ${(stats.b.min / stats.a.min).toFixed(3)}`);
if (values.json) {
  writeFileSync(
    values.json,
    `${JSON.stringify({ node: process.version, runs, stats, ratioBA: ratio('b') }, null, 2)}\n`,
  );
}
