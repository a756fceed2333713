// Listing and reading config files in a conf dir, as libcni's ConfFiles / ConfFromFile do.
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ConfigReadError } from './errors.ts';

/** True for the errno codes that mean "there is no such directory". */
export function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOENT';
}

// Go sorts file names by bytes; JS sorts strings by UTF-16 units, which differs above U+FFFF.
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Full paths of the files in `dir` whose extension is exactly one of `exts` (case-sensitive, so `.conf` does not
 * match `.conflist`), sorted by name; directories are skipped. A missing dir yields []; other errors throw.
 */
export async function listConfFiles(dir: string, exts: readonly string[]): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return [];
    throw new ConfigReadError(dir, e);
  }
  return entries
    .filter((d) => !d.isDirectory() && exts.includes(extname(d.name)))
    .map((d) => d.name)
    .sort(byBytes)
    .map((name) => join(dir, name));
}

/** Reads a config file, throwing ConfigReadError `error reading <path>: <cause>` (code 5) on failure. */
export async function readConfigFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new ConfigReadError(path, e);
  }
}
