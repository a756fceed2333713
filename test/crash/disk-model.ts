// The simulated disk's state: inodes with what is in memory and what is known to be on disk, and the directory
// changes made since a directory's last fsync. Shared by sim-fs.ts (which changes it) and crash-images.ts.

/** One directory change, in the order it was made; a same-directory rename is one atomic change. */
export type DirOp =
  | { readonly op: 'set'; readonly name: string; readonly ino: number }
  | { readonly op: 'del'; readonly name: string }
  | { readonly op: 'rename'; readonly from: string; readonly to: string; readonly ino: number };

export interface Inode {
  readonly ino: number;
  readonly kind: 'file' | 'dir';
  mode: number;
  mtimeMs: number;
  /** File bytes as the page cache holds them. */
  data: Uint8Array;
  /** File bytes as of the last fsync of this file. */
  synced: Uint8Array;
  /** Directory entries as the page cache holds them. */
  entries: Map<string, number>;
  /** Directory entries as of the last fsync of this directory. */
  syncedEntries: Map<string, number>;
  /** Changes since that fsync, oldest first. */
  pending: DirOp[];
}

/** A whole-disk snapshot: every reachable path with its bytes (directories map to null). */
export type DiskImage = ReadonlyMap<string, Uint8Array | null>;

/** The inode number of the root directory. */
export const ROOT_INO = 1;

/** Applies one directory change to an entry map. */
export function applyOp(entries: Map<string, number>, op: DirOp): void {
  if (op.op === 'set') entries.set(op.name, op.ino);
  else if (op.op === 'del') entries.delete(op.name);
  else {
    entries.set(op.to, op.ino);
    entries.delete(op.from);
  }
}

/** The paths reachable from the root when directories list `entriesOf` and files hold `dataOf`. */
export function imageOf(
  inodes: ReadonlyMap<number, Inode>,
  entriesOf: (n: Inode) => ReadonlyMap<string, number>,
  dataOf: (n: Inode) => Uint8Array,
): DiskImage {
  const out = new Map<string, Uint8Array | null>();
  const walk = (n: Inode, path: string, depth: number): void => {
    if (depth > 64) return;
    for (const [name, ino] of entriesOf(n)) {
      const child = inodes.get(ino);
      if (!child) continue;
      const p = `${path}/${name}`;
      if (child.kind === 'dir') {
        out.set(p, null);
        walk(child, p, depth + 1);
      } else out.set(p, dataOf(child));
    }
  };
  const root = inodes.get(ROOT_INO);
  if (root) walk(root, '', 0);
  return out;
}
