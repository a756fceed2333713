// Listing and reading config files in a conf dir, as libcni's ConfFiles / ConfFromFile do.
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
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

/** The largest config file read: far above any real config, small enough that a hostile one costs little memory. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

// O_NONBLOCK so a FIFO opens at once instead of waiting for a writer; O_NOCTTY so a tty never becomes ours.
// Symlinks are followed on purpose: a Kubernetes ConfigMap mount is a chain of them.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why a file cannot be a config (not regular, or too big), or undefined when it may be read. */
function refusal(st: Stats): string | undefined {
  if (!st.isFile()) return `not a regular file (${kindOf(st)})`;
  if (st.size > MAX_CONFIG_FILE_BYTES) {
    return `file is ${st.size} bytes, more than the ${MAX_CONFIG_FILE_BYTES}-byte limit for a config`;
  }
  return undefined;
}

function refused(path: string, why: string): ConfigReadError {
  return new ConfigReadError(path, undefined, `error reading ${path}: ${why}`);
}

/** Reads to EOF but never more than MAX_CONFIG_FILE_BYTES + 1 bytes (one over tells "grew past the cap"). */
async function readCapped(fh: FileHandle, sizeHint: number): Promise<Buffer | undefined> {
  let buf = Buffer.allocUnsafe(Math.min(sizeHint, MAX_CONFIG_FILE_BYTES) + 1);
  let filled = 0;
  for (;;) {
    if (filled === buf.length) {
      if (buf.length > MAX_CONFIG_FILE_BYTES) return undefined;
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_CONFIG_FILE_BYTES + 1));
      buf.copy(bigger, 0, 0, filled);
      buf = bigger;
    }
    const { bytesRead } = await fh.read(buf, filled, buf.length - filled, null);
    if (bytesRead === 0) return buf.subarray(0, filled);
    filled += bytesRead;
  }
}

/**
 * Reads a config file, throwing ConfigReadError (code 5) on failure: `error reading <path>: <cause>`. Anything
 * but a regular file (a FIFO, a device, a link to /dev/zero) and any file over MAX_CONFIG_FILE_BYTES is refused
 * without being read, so a hostile file in the conf dir can neither hang loading nor fill memory.
 */
export async function readConfigFile(path: string): Promise<Uint8Array> {
  let fh: FileHandle | undefined;
  try {
    // A first look before opening, so a device is never even opened; the fstat below is what counts.
    const before = refusal(await stat(path));
    if (before !== undefined) throw refused(path, before);
    fh = await open(path, OPEN_FLAGS);
    const st = await fh.stat();
    const why = refusal(st);
    if (why !== undefined) throw refused(path, why);
    const bytes = await readCapped(fh, st.size);
    if (bytes === undefined) throw refused(path, `file grew past the ${MAX_CONFIG_FILE_BYTES}-byte limit for a config`);
    return bytes;
  } catch (e) {
    if (e instanceof ConfigReadError) throw e;
    throw new ConfigReadError(path, e);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
