// Bundles the CLI and each plugin into one CJS file with a shebang: nothing reads node_modules at start-up.
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  legalComments: 'none',
  // Native/FFI and metrics modules load lazily through import() and stay outside the bundle.
  external: ['koffi', 'prom-client'],
  logLevel: 'warning',
};

const targets = [];
if (existsSync(join(root, 'src/cli/main.ts'))) {
  targets.push({ entry: join(root, 'src/cli/main.ts'), out: join(root, 'bin/cnikit.cjs') });
}
for (const name of readdirSync(join(root, 'plugins'))) {
  const entry = join(root, 'plugins', name, 'main.ts');
  if (existsSync(entry)) targets.push({ entry, out: join(root, 'plugins/bin', name) });
}
for (const t of targets) {
  mkdirSync(join(t.out, '..'), { recursive: true });
  // Write beside and rename: a plugin being exec'd by a running test never sees a half-written file.
  const tmp = `${t.out}.tmp-${process.pid}`;
  await build({ ...common, entryPoints: [t.entry], outfile: tmp });
  chmodSync(tmp, 0o755);
  renameSync(tmp, t.out);
}
// The package is "type": "module"; without this, Node would load the extensionless CJS plugins as ESM.
writeFileSync(join(root, 'plugins/bin/package.json'), '{"type":"commonjs"}\n');
console.log(`bundled ${targets.length} executables`);
