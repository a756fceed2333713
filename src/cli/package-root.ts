// Where this copy of cnikit lives, so the CLI can find the plugins it ships (<pkg>/plugins/bin) and its version.
// The bundle is CJS (bin/cnikit.cjs): `__filename` is real there; under tsx (ESM) it is absent, so fall back to argv[1].
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

function scriptPath(): string | undefined {
  if (typeof __filename === 'string') return __filename;
  return process.argv[1];
}

/** The cnikit package root: the nearest ancestor of the running script with a package.json named "cnikit". */
export function packageRoot(): string | undefined {
  const script = scriptPath();
  if (script === undefined) return undefined;
  let dir: string;
  try {
    dir = dirname(realpathSync(script));
  } catch {
    return undefined;
  }
  // bin/cnikit.cjs is one level down, src/cli/main.ts two: four levels is plenty and keeps the walk cheap.
  for (let i = 0; i < 4; i++) {
    if (readPackage(dir)?.name === 'cnikit') return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function readPackage(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The directory of the plugins cnikit ships, when it exists. */
export function shippedPluginDir(): string | undefined {
  const root = packageRoot();
  if (root === undefined) return undefined;
  const dir = join(root, 'plugins', 'bin');
  return existsSync(dir) ? dir : undefined;
}

/** cnikit's own version from its package.json ('unknown' when the package cannot be found). */
export function cnikitVersion(): string {
  const root = packageRoot();
  const version = root === undefined ? undefined : readPackage(root)?.version;
  return typeof version === 'string' ? version : 'unknown';
}
