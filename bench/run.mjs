#!/usr/bin/env node
// cnikit against Go libcni, side by side (issue 10). Needs root: everything runs in private network namespaces.
//   node bench/run.mjs [--quick] [--only trivial,realistic,concurrent,cache,list,startup] [--rounds N]
//                      [--spawn default,child,posix] [--profile] [--startup-runs N] [--out FILE] [--skip-build]
// The driver is TypeScript (bench/ts/run/main.ts), run through tsx; the harness it times is the bundled
// bench/out/cnikit-bench.cjs, as users run cnikit.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'bench/ts/run/main.ts'), ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
