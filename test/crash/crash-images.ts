// What a power cut could leave on the simulated disk, enumerated. Deliberately pessimistic: each directory change
// not yet fsynced is kept or lost independently of the others (only a same-directory rename is atomic), and each
// file's bytes not yet fsynced are lost, kept, torn at half, or zeros of the new length (the size reached the
// disk, the data did not). A correct writer must be right in all of them.
import { applyOp, type DiskImage, imageOf } from './disk-model.ts';
import type { SimFs } from './sim-fs.ts';

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

function variants(synced: Uint8Array, data: Uint8Array): Uint8Array[] {
  const zeros = new Uint8Array(data.byteLength);
  zeros.set(synced.subarray(0, Math.min(synced.byteLength, data.byteLength)));
  return [synced, data, data.slice(0, Math.floor(data.byteLength / 2)), zeros];
}

function* product<T>(lists: readonly T[][]): Generator<T[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [head = [], ...rest] = lists;
  for (const x of head) for (const tail of product(rest)) yield [x, ...tail];
}

function imageKey(img: DiskImage): string {
  return [...img]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([p, d]) => `${p}=${d === null ? 'D' : Buffer.from(d).toString('base64')}`)
    .join('\n');
}

/** Every distinct disk image a power cut at this instant could leave behind. */
export function crashImages(sim: SimFs): DiskImage[] {
  const inodes = sim.inodes();
  const dirs = [...inodes.values()].filter((n) => n.kind === 'dir');
  const ops = dirs.flatMap((d) => d.pending.map((op) => ({ dir: d, op })));
  if (ops.length > 14) throw new Error(`too many unsynced directory changes (${ops.length}) to enumerate`);
  const files = [...inodes.values()].filter((n) => n.kind === 'file' && !sameBytes(n.data, n.synced));
  const choices = files.map((n) => variants(n.synced, n.data));
  const seen = new Map<string, DiskImage>();
  for (let mask = 0; mask < 1 << ops.length; mask++) {
    const entries = new Map(dirs.map((d) => [d.ino, new Map(d.syncedEntries)]));
    ops.forEach(({ dir, op }, i) => {
      const m = entries.get(dir.ino);
      if (m && (mask & (1 << i)) !== 0) applyOp(m, op);
    });
    for (const pick of product(choices)) {
      const dataOf = new Map(files.map((f, i) => [f.ino, pick[i] ?? f.synced]));
      const img = imageOf(
        inodes,
        (n) => entries.get(n.ino) ?? new Map(),
        (n) => dataOf.get(n.ino) ?? n.synced,
      );
      seen.set(imageKey(img), img);
    }
  }
  return [...seen.values()];
}
