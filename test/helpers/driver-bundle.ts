// Builds cnikit-driver.ts into one CJS file (esbuild, as scripts/bundle.mjs builds the CLI) so each killed child
// starts in tens of milliseconds instead of compiling TypeScript first.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;

/** Bundles the driver into `<outDir>/cnikit-driver.cjs` and returns that path. */
export async function bundleDriver(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, 'cnikit-driver.cjs');
  await build({
    entryPoints: [join(here, 'cnikit-driver.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['koffi', 'prom-client'],
    logLevel: 'warning',
  });
  return outfile;
}
