// Runs the suites with node:test (TypeScript through tsx) and ends with one summary line CI can read.
// Unit tests run in parallel; integration and crash suites share the kernel's network state, so one file at a time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.find((a) => !a.startsWith('--'));

function find(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const all = [
  ...find(join(root, 'src')),
  ...find(join(root, 'plugins')),
  ...find(join(root, 'test')),
  ...find(join(root, 'bench')),
].filter((f) => only === undefined || f.includes(only));
const isSerial = (f) =>
  ['test/integration/', 'test/crash/', 'test/interop/', 'test/hardening/'].some((dir) => f.startsWith(dir));
const phases = [
  { name: 'unit', files: all.filter((f) => !isSerial(f)), concurrency: 2 },
  { name: 'integration', files: args.includes('--unit') ? [] : all.filter(isSerial), concurrency: 1 },
];

mkdirSync(join(root, '.tmp'), { recursive: true });
const total = { pass: 0, fail: 0, skipped: 0, todo: 0 };
let failed = false;
for (const phase of phases) {
  if (phase.files.length === 0) continue;
  const tap = join(root, '.tmp', `${phase.name}-${process.pid}.tap`);
  console.log(`\n=== ${phase.name}: ${phase.files.length} files ===`);
  const r = spawnSync(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...phase.files,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim() },
    },
  );
  const text = readFileSync(tap, 'utf8');
  rmSync(tap, { force: true });
  // The run's own summary is the last one in the stream (earlier lines may come from nested output).
  const count = (k) => Number([...text.matchAll(new RegExp(`^# ${k} (\\d+)$`, 'gm'))].at(-1)?.[1] ?? 0);
  const p = { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), todo: count('todo') };
  console.log(`${phase.name}: ${p.pass} passed, ${p.fail} failed, ${p.skipped} skipped`);
  for (const k of Object.keys(total)) total[k] += p[k];
  if (r.status !== 0) failed = true;
}
console.log(`\ntotal: ${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(failed || total.fail > 0 ? 1 : 0);
