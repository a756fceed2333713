import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CNIError } from '../spec/errors.ts';
import { ResultCache } from './result-cache.ts';
import type { AttachmentKey, CacheEntry } from './types.ts';

let root: string;
let n = 0;
before(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'cnikit-dirsafety-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));
const fresh = (): string => join(root, `c${n++}`);

const KEY: AttachmentKey = { networkName: 'net', containerId: 'c1', ifName: 'eth0' };
const ENTRY: CacheEntry = {
  kind: 'cniCacheV1',
  ...KEY,
  config: Buffer.from('{}'),
  cniArgs: [],
  capabilityArgs: {},
  result: { cniVersion: '1.0.0', ips: [{ address: '10.1.2.3/24' }] },
};
const isCode = (code: number) => (e: unknown) => CNIError.is(e) && e.code === code;
const me = process.geteuid?.() ?? 0;

/** A cache dir written once, so cacheDir and results/ exist with our modes. */
async function written(): Promise<ResultCache> {
  const c = new ResultCache(fresh());
  await c.write(KEY, ENTRY);
  return c;
}

describe('ResultCache.inspectDir', () => {
  it('nothing for the dirs the cache creates (0700, ours), and nothing for a missing cache dir', async () => {
    assert.deepEqual(await (await written()).inspectDir(), []);
    assert.deepEqual(await new ResultCache(fresh()).inspectDir(), []);
  });

  it('group- and world-writable dirs, each problem with its path, mode and owner', async () => {
    const c = await written();
    fs.chmodSync(c.cacheDir, 0o770);
    fs.chmodSync(c.resultsDir, 0o777);
    assert.deepEqual(await c.inspectDir(), [
      { kind: 'group-writable', path: c.cacheDir, mode: 0o770, uid: me },
      { kind: 'group-writable', path: c.resultsDir, mode: 0o777, uid: me },
      { kind: 'world-writable', path: c.resultsDir, mode: 0o777, uid: me },
    ]);
  });

  it('dirs owned by another user than the one given (ours by default)', async () => {
    const c = await written();
    const other = me + 1;
    const problems = await c.inspectDir(other);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.path, p.uid]),
      [
        ['not-owner', c.cacheDir, me],
        ['not-owner', c.resultsDir, me],
      ],
    );
  });

  it('a symlinked cache dir is reported and not looked through; a symlinked results/ too', async () => {
    const real = await written();
    fs.chmodSync(real.resultsDir, 0o777);
    const link = fresh();
    fs.symlinkSync(real.cacheDir, link);
    const viaLink = await new ResultCache(link).inspectDir();
    assert.deepEqual(
      viaLink.map((p) => [p.kind, p.path]),
      [['symlink', link]],
    );
    const dir = fresh();
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.symlinkSync(real.resultsDir, join(dir, 'results'));
    assert.deepEqual(
      (await new ResultCache(dir).inspectDir()).map((p) => [p.kind, p.path]),
      [['symlink', join(dir, 'results')]],
    );
  });
});

describe('a cache dir that is itself a symlink', () => {
  it('is refused by every operation (code 5, naming it and its real path); nothing is read or written through it', async () => {
    const real = await written();
    const before = fs.readdirSync(real.resultsDir);
    const link = fresh();
    fs.symlinkSync(real.cacheDir, link);
    // A trailing '/' would make lstat follow the link; it must not get past the check.
    for (const dir of [link, `${link}/`]) {
      const c = new ResultCache(dir);
      const refused = (e: unknown) =>
        isCode(5)(e) &&
        String(e).includes(`cache directory ${link} is a symlink`) &&
        String(e).includes(`use its real path ${real.cacheDir} instead`);
      await assert.rejects(c.write({ ...KEY, containerId: 'c2' }, { ...ENTRY, containerId: 'c2' }), refused);
      await assert.rejects(c.remove(KEY), refused);
      await assert.rejects(c.list(), refused);
      await assert.rejects(c.quarantine(c.entryPath(KEY), 'test'), refused);
      const read = await c.read(KEY);
      assert.ok(
        read.state === 'corrupt' && /is a symlink; refusing to follow it/.test(read.reason),
        JSON.stringify(read),
      );
      assert.deepEqual(await c.sweepTempFiles(), []);
    }
    assert.deepEqual(fs.readdirSync(real.resultsDir), before);
    assert.equal(fs.existsSync(join(real.cacheDir, 'quarantine')), false);
  });

  it('a dangling link or one to a file gets the generic hint', async () => {
    const file = join(root, `file-${n++}`);
    fs.writeFileSync(file, 'precious');
    for (const target of [file, join(root, 'nowhere')]) {
      const link = fresh();
      fs.symlinkSync(target, link);
      await assert.rejects(
        new ResultCache(link).write(KEY, ENTRY),
        (e) => isCode(5)(e) && /point the cache dir at the real directory instead/.test(String(e)),
      );
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'precious');
  });

  it('symlinks among its parents are the admin’s layout and fine', async () => {
    const realParent = fresh();
    fs.mkdirSync(realParent);
    const linkParent = fresh();
    fs.symlinkSync(realParent, linkParent);
    const c = new ResultCache(join(linkParent, 'cni'));
    await c.write(KEY, ENTRY);
    assert.equal((await c.read(KEY)).state, 'ok');
    assert.ok(fs.existsSync(join(realParent, 'cni', 'results', 'net-c1-eth0')));
    assert.deepEqual(await c.inspectDir(), []);
  });
});
