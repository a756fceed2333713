// A simulated disk behind the CacheFs interface, for crash replay. It keeps, per inode, what a power cut could
// lose: file bytes written since the last fsync of that file, and directory changes (create, rename, link, unlink,
// mkdir) since the last fsync of that directory. `crashImages(sim)` enumerates what the disk may hold after a power
// cut at this instant (see crash-images.ts); `budget` makes the disk "lose power" after that many calls.
import type { CacheFs, FsStat } from '../../src/cache/cache-fs.ts';
import { O } from '../../src/cache/cache-fs.ts';
import { applyOp, type DirOp, type DiskImage, type Inode, imageOf, ROOT_INO } from './disk-model.ts';

/** Thrown by every call once the budget is spent: the machine is off. */
export class PowerCut extends Error {
  override name = 'PowerCut';
}

function errno(code: string, call: string, path: string): Error {
  return Object.assign(new Error(`${code}: ${call} '${path}'`), { code });
}

/** The simulated disk; every CacheFs call is counted and logged. */
export class SimFs implements CacheFs {
  readonly log: string[] = [];
  /** Calls left before the power cut; Infinity = never. */
  budget = Number.POSITIVE_INFINITY;
  /** Caps each write(2) so the writer's short-write loop runs and crashes can land between chunks. */
  writeChunk = 100;
  /** A disk that lies: fsync of this kind of inode does nothing (the negative controls use it). */
  ignoreFsync: 'none' | 'file' | 'dir' = 'none';
  #inodes = new Map<number, Inode>();
  #next = 1;
  #fds = new Map<number, { ino: number; path: string }>();
  #nextFd = 3;
  #clock = 1_000_000;

  constructor(image: DiskImage = new Map()) {
    this.#newInode('dir', 0o755);
    for (const [path, bytes] of [...image].sort(([a], [b]) => a.length - b.length)) {
      const parts = path.split('/').filter(Boolean);
      let dir = this.#root();
      for (const [i, name] of parts.entries()) {
        const last = i === parts.length - 1;
        let ino = dir.entries.get(name);
        if (ino === undefined) {
          const node = this.#newInode(last && bytes !== null ? 'file' : 'dir', last && bytes !== null ? 0o600 : 0o700);
          if (last && bytes !== null) node.data = node.synced = bytes.slice();
          dir.entries.set(name, node.ino);
          dir.syncedEntries.set(name, node.ino);
          ino = node.ino;
        }
        dir = this.#inode(ino);
      }
    }
  }

  #newInode(kind: 'file' | 'dir', mode: number): Inode {
    const node: Inode = {
      ino: this.#next++,
      kind,
      mode,
      mtimeMs: this.#clock,
      data: new Uint8Array(0),
      synced: new Uint8Array(0),
      entries: new Map(),
      syncedEntries: new Map(),
      pending: [],
    };
    this.#inodes.set(node.ino, node);
    return node;
  }

  #root(): Inode {
    return this.#inode(ROOT_INO);
  }

  #inode(ino: number): Inode {
    const n = this.#inodes.get(ino);
    if (!n) throw new Error(`no inode ${ino}`);
    return n;
  }

  #call(name: string, arg: string): void {
    if (this.budget <= 0) throw new PowerCut(`power cut before ${name} ${arg}`);
    this.budget--;
    this.log.push(`${name} ${arg}`);
    this.#clock += 1;
  }

  /** The directory holding `path` and the last name, resolving through directories only. */
  #parent(path: string, call: string): { dir: Inode; name: string } {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop();
    if (name === undefined) throw errno('EINVAL', call, path);
    let dir = this.#root();
    for (const p of parts) {
      const ino = dir.entries.get(p);
      if (ino === undefined) throw errno('ENOENT', call, path);
      dir = this.#inode(ino);
      if (dir.kind !== 'dir') throw errno('ENOTDIR', call, path);
    }
    return { dir, name };
  }

  #lookup(path: string, call: string): Inode {
    if (path.split('/').filter(Boolean).length === 0) return this.#root();
    const { dir, name } = this.#parent(path, call);
    const ino = dir.entries.get(name);
    if (ino === undefined) throw errno('ENOENT', call, path);
    return this.#inode(ino);
  }

  #dirOp(dir: Inode, op: DirOp): void {
    applyOp(dir.entries, op);
    dir.pending.push(op);
    dir.mtimeMs = this.#clock;
  }

  #fd(fd: number, call: string): { ino: number; path: string } {
    const f = this.#fds.get(fd);
    if (!f) throw errno('EBADF', call, String(fd));
    return f;
  }

  #stat(n: Inode): FsStat {
    return { kind: n.kind, size: n.data.byteLength, mtimeMs: n.mtimeMs, mode: n.mode };
  }

  async open(path: string, flags: number, mode = 0o666): Promise<number> {
    this.#call('open', path);
    let node: Inode;
    try {
      node = this.#lookup(path, 'open');
      if ((flags & O.CREAT) !== 0 && (flags & O.EXCL) !== 0) throw errno('EEXIST', 'open', path);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT' || (flags & O.CREAT) === 0) throw e;
      const { dir, name } = this.#parent(path, 'open');
      node = this.#newInode('file', mode & 0o7777);
      this.#dirOp(dir, { op: 'set', name, ino: node.ino });
    }
    if ((flags & O.DIRECTORY) !== 0 && node.kind !== 'dir') throw errno('ENOTDIR', 'open', path);
    if ((flags & O.TRUNC) !== 0 && node.kind === 'file') node.data = new Uint8Array(0);
    const fd = this.#nextFd++;
    this.#fds.set(fd, { ino: node.ino, path });
    return fd;
  }

  async close(fd: number): Promise<void> {
    this.#call('close', this.#fd(fd, 'close').path);
    this.#fds.delete(fd);
  }

  async read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    const f = this.#fd(fd, 'read');
    this.#call('read', f.path);
    const n = this.#inode(f.ino);
    if (n.kind === 'dir') throw errno('EISDIR', 'read', f.path);
    const chunk = n.data.subarray(position, position + length);
    buf.set(chunk, offset);
    return chunk.byteLength;
  }

  async write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    const f = this.#fd(fd, 'write');
    this.#call('write', f.path);
    const n = this.#inode(f.ino);
    const len = Math.min(length, this.writeChunk);
    const data = new Uint8Array(Math.max(n.data.byteLength, position + len));
    data.set(n.data);
    data.set(buf.subarray(offset, offset + len), position);
    n.data = data;
    n.mtimeMs = this.#clock;
    return len;
  }

  async fstat(fd: number): Promise<FsStat> {
    const f = this.#fd(fd, 'fstat');
    this.#call('fstat', f.path);
    return this.#stat(this.#inode(f.ino));
  }

  async fchmod(fd: number, mode: number): Promise<void> {
    const f = this.#fd(fd, 'fchmod');
    this.#call('fchmod', f.path);
    this.#inode(f.ino).mode = mode;
  }

  async fsync(fd: number): Promise<void> {
    const f = this.#fd(fd, 'fsync');
    this.#call('fsync', f.path);
    const n = this.#inode(f.ino);
    if (n.kind === this.ignoreFsync) return;
    if (n.kind === 'file') n.synced = n.data.slice();
    else {
      n.syncedEntries = new Map(n.entries);
      n.pending = [];
    }
  }

  async lstat(path: string): Promise<FsStat> {
    this.#call('lstat', path);
    return this.#stat(this.#lookup(path, 'lstat'));
  }

  async mkdir(path: string, mode: number): Promise<void> {
    this.#call('mkdir', path);
    const { dir, name } = this.#parent(path, 'mkdir');
    if (dir.entries.has(name)) throw errno('EEXIST', 'mkdir', path);
    this.#dirOp(dir, { op: 'set', name, ino: this.#newInode('dir', mode).ino });
  }

  async chmod(path: string, mode: number): Promise<void> {
    this.#call('chmod', path);
    this.#lookup(path, 'chmod').mode = mode;
  }

  async rename(from: string, to: string): Promise<void> {
    this.#call('rename', `${from} ${to}`);
    const src = this.#parent(from, 'rename');
    const dst = this.#parent(to, 'rename');
    const ino = src.dir.entries.get(src.name);
    if (ino === undefined) throw errno('ENOENT', 'rename', from);
    const target = dst.dir.entries.get(dst.name);
    if (target !== undefined && this.#inode(target).kind === 'dir') throw errno('EISDIR', 'rename', to);
    if (src.dir === dst.dir) this.#dirOp(src.dir, { op: 'rename', from: src.name, to: dst.name, ino });
    else {
      // Across directories each side is its own change; a crash may keep either (conservative).
      this.#dirOp(dst.dir, { op: 'set', name: dst.name, ino });
      this.#dirOp(src.dir, { op: 'del', name: src.name });
    }
  }

  async link(from: string, to: string): Promise<void> {
    this.#call('link', `${from} ${to}`);
    const node = this.#lookup(from, 'link');
    if (node.kind === 'dir') throw errno('EPERM', 'link', from);
    const dst = this.#parent(to, 'link');
    if (dst.dir.entries.has(dst.name)) throw errno('EEXIST', 'link', to);
    this.#dirOp(dst.dir, { op: 'set', name: dst.name, ino: node.ino });
  }

  async unlink(path: string): Promise<void> {
    this.#call('unlink', path);
    const { dir, name } = this.#parent(path, 'unlink');
    const ino = dir.entries.get(name);
    if (ino === undefined) throw errno('ENOENT', 'unlink', path);
    if (this.#inode(ino).kind === 'dir') throw errno('EISDIR', 'unlink', path);
    this.#dirOp(dir, { op: 'del', name });
  }

  async *readdir(path: string): AsyncIterable<string> {
    this.#call('readdir', path);
    const n = this.#lookup(path, 'readdir');
    if (n.kind !== 'dir') throw errno('ENOTDIR', 'readdir', path);
    for (const name of [...n.entries.keys()]) yield name;
  }

  /** What the disk shows now, before any crash (the page cache's view). */
  liveImage(): DiskImage {
    return imageOf(
      this.#inodes,
      (n) => n.entries,
      (n) => n.data,
    );
  }

  /** Every inode, for crash enumeration (read it, do not change it). */
  inodes(): ReadonlyMap<number, Inode> {
    return this.#inodes;
  }
}
