import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CNIError } from '../spec/errors.ts';
import { type CacheFs, nodeCacheFs } from './cache-fs.ts';
import { MAX_ENTRY_BYTES } from './decode-entry.ts';
import { encodeEntry } from './encode-entry.ts';
import { ResultCache } from './result-cache.ts';
import type { AttachmentKey, CacheEntry } from './types.ts';

let root: string;
let n = 0;
before(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'cnikit-cache-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));
const freshDir = (): string => join(root, `c${n++}`);

const KEY: AttachmentKey = { networkName: 'net-a', containerId: 'abc-123', ifName: 'eth0' };
const entry = (key: AttachmentKey = KEY, address = '10.1.2.3/24'): CacheEntry => ({
  kind: 'cniCacheV1',
  ...key,
  config: Buffer.from('{"name":"net-a"}'),
  cniArgs: [],
  capabilityArgs: {},
  result: { cniVersion: '1.0.0', ips: [{ address }] },
});
const intent = (key: AttachmentKey = KEY): CacheEntry => {
  const { result: _r, ...rest } = entry(key);
  return rest;
};
const isCode = (code: number) => (e: unknown) => CNIError.is(e) && e.code === code;

/** Node's fs with every call logged as `name arg` (paths relative to the cache dir). */
function recording(dir: string, log: string[], fail?: (op: string, arg: string) => Error | undefined): CacheFs {
  const fdPaths = new Map<number, string>();
  const rel = (p: string) => p.replace(dir, '').replace(/-\d+-[0-9a-f]{12}$/, '-PID-RAND');
  const wrap =
    <A extends unknown[], R>(op: string, fn: (...a: A) => Promise<R>, label: (...a: A) => string) =>
    async (...a: A): Promise<R> => {
      const arg = label(...a);
      log.push(`${op} ${arg}`);
      const err = fail?.(op, arg);
      if (err) throw err;
      return fn(...a);
    };
  const byFd = (fd: number) => fdPaths.get(fd) ?? '?';
  const f = nodeCacheFs;
  return {
    open: async (p, flags, mode) => {
      const fd = await wrap('open', f.open, (q: string) => rel(q))(p, flags, mode);
      fdPaths.set(fd, rel(p));
      return fd;
    },
    close: wrap('close', f.close, byFd),
    read: f.read,
    write: wrap('write', f.write, byFd),
    fstat: f.fstat,
    fchmod: wrap('fchmod', f.fchmod, byFd),
    fsync: wrap('fsync', f.fsync, byFd),
    lstat: f.lstat,
    mkdir: wrap('mkdir', f.mkdir, rel),
    chmod: wrap('chmod', f.chmod, rel),
    rename: wrap('rename', f.rename, (a: string, b: string) => `${rel(a)} ${rel(b)}`),
    link: wrap('link', f.link, (a: string, b: string) => `${rel(a)} ${rel(b)}`),
    unlink: wrap('unlink', f.unlink, rel),
    readdir: f.readdir,
  };
}

describe('ResultCache read outcomes', () => {
  it('ok after a write, with the parsed result and the config bytes', async () => {
    const c = new ResultCache(freshDir());
    await c.write(KEY, { ...entry(), netns: '/var/run/netns/x', cniArgs: [['K', 'V']] });
    const r = await c.read(KEY);
    assert.equal(r.state, 'ok');
    if (r.state !== 'ok') return;
    assert.equal(r.path, join(c.cacheDir, 'results', 'net-a-abc-123-eth0'));
    assert.equal(r.legacy, false);
    assert.deepEqual(r.result, { cniVersion: '1.0.0', ips: [{ address: '10.1.2.3/24' }] });
    assert.equal(Buffer.from(r.entry.config).toString(), '{"name":"net-a"}');
    assert.equal(r.entry.netns, '/var/run/netns/x');
    assert.deepEqual(r.entry.cniArgs, [['K', 'V']]);
    assert.ok(Math.abs(r.mtimeMs - Date.now()) < 60_000);
  });

  it('intent for a record written without a result; a later write replaces it', async () => {
    const c = new ResultCache(freshDir());
    await c.write(KEY, intent());
    assert.equal((await c.read(KEY)).state, 'intent');
    await c.write(KEY, entry());
    assert.equal((await c.read(KEY)).state, 'ok');
  });

  it('missing: no file, and no results dir at all', async () => {
    const c = new ResultCache(freshDir());
    assert.deepEqual(await c.read(KEY), { state: 'missing', path: c.entryPath(KEY) });
    fs.mkdirSync(c.resultsDir, { recursive: true });
    assert.equal((await c.read(KEY)).state, 'missing');
  });

  it('empty and corrupt files', async () => {
    const c = new ResultCache(freshDir());
    fs.mkdirSync(c.resultsDir, { recursive: true });
    fs.writeFileSync(c.entryPath(KEY), '');
    assert.equal((await c.read(KEY)).state, 'empty');
    fs.writeFileSync(c.entryPath(KEY), '{"kind":"cniCacheV1","contai');
    const r = await c.read(KEY);
    assert.equal(r.state, 'corrupt');
    assert.ok(r.state === 'corrupt' && r.reason.startsWith('bad JSON') && r.mtimeMs !== undefined);
  });

  it('legacy files read by key get the key as their names', async () => {
    const c = new ResultCache(freshDir());
    fs.mkdirSync(c.resultsDir, { recursive: true });
    fs.writeFileSync(c.entryPath(KEY), '{"cniVersion":"0.3.1","ips":[{"version":"4","address":"10.0.0.2/24"}]}');
    const r = await c.read(KEY);
    assert.ok(r.state === 'ok' && r.legacy);
    assert.equal(r.entry.containerId, 'abc-123');
    const byPath = await c.readPath(c.entryPath(KEY));
    assert.ok(byPath.state === 'ok' && byPath.entry.containerId === '');
  });

  it('corrupt, never followed: a symlink to a valid entry, a directory, a FIFO (without blocking)', async () => {
    const c = new ResultCache(freshDir());
    const other: AttachmentKey = { ...KEY, containerId: 'other' };
    await c.write(other, entry(other));
    fs.symlinkSync(c.entryPath(other), c.entryPath(KEY));
    const link = await c.read(KEY);
    assert.ok(link.state === 'corrupt' && /symlink/.test(link.reason), JSON.stringify(link));
    fs.unlinkSync(c.entryPath(KEY));
    fs.mkdirSync(c.entryPath(KEY));
    const dir = await c.read(KEY);
    assert.ok(dir.state === 'corrupt' && dir.reason === 'a directory');
    fs.rmdirSync(c.entryPath(KEY));
    execFileSync('mkfifo', [c.entryPath(KEY)]);
    const fifo = await c.read(KEY);
    assert.ok(fifo.state === 'corrupt' && fifo.reason === 'not a regular file');
  });

  it('corrupt: unreadable (EACCES injected, since root reads anything)', async () => {
    const dir = freshDir();
    const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const c = new ResultCache(dir, { fs: { ...nodeCacheFs, open: () => Promise.reject(eacces) } });
    const r = await c.read(KEY);
    assert.deepEqual(r, { state: 'corrupt', path: c.entryPath(KEY), reason: 'unreadable: EACCES' });
  });

  it('corrupt: every entry when results/ is a symlink (never followed)', async () => {
    const real = new ResultCache(freshDir());
    await real.write(KEY, entry());
    const dir = freshDir();
    fs.mkdirSync(dir);
    fs.symlinkSync(real.resultsDir, join(dir, 'results'));
    const r = await new ResultCache(dir).read(KEY);
    assert.ok(r.state === 'corrupt' && /results directory .* is a symlink/.test(r.reason));
  });

  it('throws only for invalid names', async () => {
    const c = new ResultCache(freshDir());
    await assert.rejects(c.read({ ...KEY, containerId: '../../etc/passwd' }), isCode(4));
    await assert.rejects(c.read({ ...KEY, networkName: '' }), isCode(7));
  });
});

describe('ResultCache writes', () => {
  it('follows the protocol: exclusive temp, fchmod, write, fsync, close, rename, fsync dir', async () => {
    const dir = freshDir();
    fs.mkdirSync(join(dir, 'results'), { recursive: true });
    const log: string[] = [];
    const c = new ResultCache(dir, { fs: recording(dir, log) });
    await c.write(KEY, entry());
    log.length = 0;
    await c.write(KEY, entry(KEY, '10.9.9.9/24'));
    const tmp = '/results/.cnikit-tmp-net-a-abc-123-eth0-PID-RAND';
    assert.deepEqual(log, [
      `open ${tmp}`,
      `fchmod ${tmp}`,
      `write ${tmp}`,
      `fsync ${tmp}`,
      `close ${tmp}`,
      `rename ${tmp} /results/net-a-abc-123-eth0`,
      'open /results',
      'fsync /results',
      'close /results',
    ]);
  });

  it('creates missing dirs 0700 and fsyncs each parent, so the new names are durable', async () => {
    const top = freshDir();
    const dir = join(top, 'deeper');
    const log: string[] = [];
    await new ResultCache(dir, { fs: recording(root, log) }).write(KEY, entry());
    const t = top.replace(root, '');
    const dirOps = log.filter((l) => /^(mkdir|chmod|fsync) /.test(l) && !l.includes('.cnikit-tmp'));
    assert.deepEqual(dirOps, [
      `mkdir ${t}`,
      `chmod ${t}`,
      'fsync ',
      `mkdir ${t}/deeper`,
      `chmod ${t}/deeper`,
      `fsync ${t}`,
      `mkdir ${t}/deeper/results`,
      `chmod ${t}/deeper/results`,
      `fsync ${t}/deeper`,
      `fsync ${t}/deeper/results`,
    ]);
  });

  for (const mask of [0o000, 0o077, 0o777]) {
    it(`makes dirs 0700 and files 0600 whatever the umask (${mask.toString(8).padStart(3, '0')})`, async () => {
      const old = process.umask(mask);
      try {
        const c = new ResultCache(freshDir());
        await c.write(KEY, entry());
        await c.quarantine(c.entryPath(KEY), 'test');
        await c.write(KEY, entry());
        assert.equal(fs.statSync(c.cacheDir).mode & 0o777, 0o700);
        assert.equal(fs.statSync(c.resultsDir).mode & 0o777, 0o700);
        assert.equal(fs.statSync(join(c.cacheDir, 'quarantine')).mode & 0o777, 0o700);
        assert.equal(fs.statSync(c.entryPath(KEY)).mode & 0o777, 0o600);
      } finally {
        process.umask(old);
      }
    });
  }

  it('refuses a symlink at the entry path, leaving its target alone', async () => {
    const c = new ResultCache(freshDir());
    await c.write(KEY, intent());
    const target = join(root, `target-${n++}`);
    fs.writeFileSync(target, 'precious');
    fs.unlinkSync(c.entryPath(KEY));
    fs.symlinkSync(target, c.entryPath(KEY));
    await assert.rejects(c.write(KEY, entry()), (e) => isCode(5)(e) && /is a symlink/.test(String(e)));
    assert.equal(fs.readFileSync(target, 'utf8'), 'precious');
    assert.ok(fs.lstatSync(c.entryPath(KEY)).isSymbolicLink());
  });

  it('refuses a symlink in place of results/, writing nothing through it', async () => {
    const dir = freshDir();
    const elsewhere = join(root, `elsewhere-${n++}`);
    fs.mkdirSync(elsewhere);
    fs.mkdirSync(dir);
    fs.symlinkSync(elsewhere, join(dir, 'results'));
    const c = new ResultCache(dir);
    await assert.rejects(c.write(KEY, entry()), (e) => isCode(5)(e) && /symlink/.test(String(e)));
    await assert.rejects(c.remove(KEY), isCode(5));
    await assert.rejects(c.list(), isCode(5));
    assert.deepEqual(fs.readdirSync(elsewhere), []);
  });

  it('refuses a directory at the entry path, and a file in place of results/', async () => {
    const c = new ResultCache(freshDir());
    fs.mkdirSync(c.entryPath(KEY), { recursive: true });
    await assert.rejects(c.write(KEY, entry()), (e) => isCode(5)(e) && /not a regular file/.test(String(e)));
    const d = new ResultCache(freshDir());
    fs.mkdirSync(d.cacheDir);
    fs.writeFileSync(d.resultsDir, 'x');
    await assert.rejects(d.write(KEY, entry()), (e) => isCode(5)(e) && /not a directory/.test(String(e)));
  });

  it('a failed write leaves the old entry intact and no temp file behind', async () => {
    const dir = freshDir();
    const enospc = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    let failWrites = false;
    const c = new ResultCache(dir, {
      fs: recording(dir, [], (op) => (failWrites && op === 'write' ? enospc : undefined)),
    });
    await c.write(KEY, entry());
    failWrites = true;
    await assert.rejects(c.write(KEY, entry(KEY, '10.9.9.9/24')), (e) => isCode(5)(e) && /ENOSPC/.test(String(e)));
    assert.deepEqual(fs.readdirSync(c.resultsDir), ['net-a-abc-123-eth0']);
    const r = await c.read(KEY);
    assert.ok(r.state === 'ok' && JSON.stringify(r.result).includes('10.1.2.3'));
  });

  it('refuses an entry larger than the reader accepts (code 5), before creating anything', async () => {
    const dir = freshDir();
    const c = new ResultCache(dir);
    const huge = { ...entry(), config: Buffer.alloc(MAX_ENTRY_BYTES, 0x61) };
    await assert.rejects(c.write(KEY, huge), (e) => isCode(5)(e) && /over the 16777216-byte limit/.test(String(e)));
    assert.equal(fs.existsSync(dir), false);
    // Just under the limit (config is base64 on disk: 4 bytes per 3) is written and reads back.
    const overhead = encodeEntry(entry()).length;
    const config = new Uint8Array(Math.floor(((MAX_ENTRY_BYTES - overhead - 100) * 3) / 4)).fill(0x61);
    await c.write(KEY, { ...entry(), config });
    assert.ok(fs.statSync(c.entryPath(KEY)).size > MAX_ENTRY_BYTES - 200);
    assert.equal((await c.read(KEY)).state, 'ok');
  });

  it('names too long for a file name: code 4 from write, read and remove, before any file is touched', async () => {
    const dir = freshDir();
    const c = new ResultCache(dir);
    for (const key of [
      { ...KEY, containerId: 'c'.repeat(4096) },
      { ...KEY, networkName: 'n'.repeat(4096) },
    ]) {
      await assert.rejects(c.write(key, entry(key)), isCode(4));
      await assert.rejects(c.read(key), isCode(4));
      await assert.rejects(c.remove(key), isCode(4));
    }
    assert.equal(fs.existsSync(dir), false);
  });

  it('refuses an entry that names another attachment than its key', async () => {
    const c = new ResultCache(freshDir());
    await assert.rejects(c.write(KEY, entry({ ...KEY, ifName: 'eth1' })), isCode(4));
  });
});

describe('ResultCache diagnostics channels', () => {
  it('publishes writes, removals and quarantines to subscribers', async () => {
    const seen: string[] = [];
    const on = (name: string) => (msg: unknown) => {
      seen.push(`${name} ${JSON.stringify(msg, (k, v) => (k === 'durationMs' ? 'T' : v)).replaceAll(root, '')}`);
    };
    const subs = ['write', 'remove', 'quarantine'].map((n) => [`cnikit:cache:${n}`, on(n)] as const);
    for (const [ch, fn] of subs) subscribe(ch, fn);
    try {
      const c = new ResultCache(freshDir(), { now: () => 0 });
      await c.write(KEY, intent());
      await c.remove(KEY);
      fs.writeFileSync(c.entryPath(KEY), 'junk');
      await c.quarantine(c.entryPath(KEY), 'bad JSON');
    } finally {
      for (const [ch, fn] of subs) unsubscribe(ch, fn);
    }
    assert.equal(seen.length, 3);
    assert.match(
      seen[0] ?? '',
      /^write \{"path":"\/c\d+\/results\/net-a-abc-123-eth0","bytes":\d+,"durationMs":"T"\}$/,
    );
    assert.match(seen[1] ?? '', /^remove \{"path":".*net-a-abc-123-eth0","removed":true\}$/);
    assert.match(
      seen[2] ?? '',
      /^quarantine \{"from":".*","to":".*quarantine\/net-a-abc-123-eth0\.19700101T000000\.000Z","reason":"bad JSON"\}$/,
    );
  });
});

describe('ResultCache remove and sweep', () => {
  it('removes durably (fsync of results/ after unlink); missing entry or dir is fine', async () => {
    const dir = freshDir();
    const log: string[] = [];
    const c = new ResultCache(dir, { fs: recording(dir, log) });
    await c.remove(KEY);
    await c.write(KEY, entry());
    log.length = 0;
    await c.remove(KEY);
    assert.deepEqual(log, ['unlink /results/net-a-abc-123-eth0', 'open /results', 'fsync /results', 'close /results']);
    assert.equal((await c.read(KEY)).state, 'missing');
    await c.remove(KEY);
  });

  it('sweeps only our temp files older than the grace period, once, on the first write', async () => {
    const dir = freshDir();
    const results = join(dir, 'results');
    fs.mkdirSync(results, { recursive: true });
    const old = new Date(Date.now() - 3_600_000);
    const files = {
      stale: '.cnikit-tmp-net-a-x-eth0-1-aaaaaaaaaaaa',
      young: '.cnikit-tmp-net-a-y-eth0-2-bbbbbbbbbbbb',
      foreign: '.other-tool-tmp',
      entry: 'net-b-c-eth0',
    };
    for (const f of Object.values(files)) {
      fs.writeFileSync(join(results, f), 'x');
      if (f !== files.young) fs.utimesSync(join(results, f), old, old);
    }
    fs.mkdirSync(join(results, '.cnikit-tmp-dir'));
    fs.utimesSync(join(results, '.cnikit-tmp-dir'), old, old);
    const c = new ResultCache(dir, { tempGraceMs: 600_000 });
    await c.write(KEY, entry());
    assert.deepEqual(
      fs.readdirSync(results).sort(),
      ['.cnikit-tmp-dir', files.young, files.foreign, 'net-a-abc-123-eth0', files.entry].sort(),
    );
    // Only the first write sweeps; an explicit sweep still works.
    fs.writeFileSync(join(results, files.stale), 'x');
    fs.utimesSync(join(results, files.stale), old, old);
    await c.write(KEY, entry());
    assert.ok(fs.existsSync(join(results, files.stale)));
    assert.deepEqual(await c.sweepTempFiles(), [join(results, files.stale)]);
  });
});
