// Bundles the TypeScript harness into bench/out/cnikit-bench.cjs with the same esbuild settings the CLI and the
// plugins ship with (scripts/bundle.mjs), so the runtime is timed as users run it: one CJS file, no tsx.
//   node bench/build.mjs
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench/out/cnikit-bench.cjs');
mkdirSync(join(root, 'bench/out'), { recursive: true });
await build({
  entryPoints: [join(root, 'bench/ts/cnikit-bench.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'none',
  // As scripts/bundle.mjs: native/FFI and metrics modules load lazily and stay outside the bundle.
  external: ['koffi', 'prom-client'],
  sourcemap: 'linked',
  logLevel: 'warning',
});
console.log(out);
