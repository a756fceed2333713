import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CacheFs, nodeCacheFs } from './cache-fs.ts';
import { ResultCache } from './result-cache.ts';
import type { AttachmentKey, CacheEntry, ListedEntry } from './types.ts';

let root: string;
before(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'cnikit-list-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const entry = (key: AttachmentKey, result = true): CacheEntry => ({
  kind: 'cniCacheV1',
  ...key,
  config: Buffer.from('{}'),
  cniArgs: [],
  capabilityArgs: {},
  ...(result ? { result: { cniVersion: '1.0.0' } } : {}),
});
const summary = (l: ListedEntry[]) =>
  l.map((e) => [
    e.fileName,
    e.read.state,
    e.ownerSource,
    e.owner ? `${e.owner.networkName}|${e.owner.containerId}|${e.owner.ifName}` : '-',
  ]);

async function populated(): Promise<ResultCache> {
  const c = new ResultCache(join(root, `c${Math.random().toString(36).slice(2)}`));
  await c.write(
    { networkName: 'net', containerId: 'pod-1', ifName: 'eth0' },
    entry({ networkName: 'net', containerId: 'pod-1', ifName: 'eth0' }),
  );
  await c.write(
    { networkName: 'net-a', containerId: 'pod-1', ifName: 'eth0' },
    entry({ networkName: 'net-a', containerId: 'pod-1', ifName: 'eth0' }, false),
  );
  await c.write(
    { networkName: 'net-a', containerId: 'pod-2', ifName: 'eth1' },
    entry({ networkName: 'net-a', containerId: 'pod-2', ifName: 'eth1' }),
  );
  const put = (name: string, bytes: string) => fs.writeFileSync(join(c.resultsDir, name), bytes);
  put('net-a-pod-3-x-eth0', ''); // empty; cid has a dash
  put('net-pod-4-eth0', '{"kind":"cniCacheV1","con'); // torn
  put('zzz-pod-1-eth0', '\0\0\0'); // unknown network
  put('net-a-pod-5-eth0', '{"cniVersion":"0.3.1"}'); // legacy: owner from name
  put('.cnikit-tmp-net-a-pod-9-eth0-1-abcdefabcdef', '{"kind":"cniCac'); // our temp: not an entry
  return c;
}

describe('ResultCache.list', () => {
  it('reports every file, bad ones with the owner recovered from the name via known networks', async () => {
    const c = await populated();
    assert.deepEqual(summary(await c.list({ knownNetworks: ['net', 'net-a'] })), [
      ['net-a-pod-1-eth0', 'intent', 'entry', 'net-a|pod-1|eth0'],
      ['net-a-pod-2-eth1', 'ok', 'entry', 'net-a|pod-2|eth1'],
      ['net-a-pod-3-x-eth0', 'empty', 'filename', 'net-a|pod-3-x|eth0'],
      ['net-a-pod-5-eth0', 'ok', 'filename', 'net-a|pod-5|eth0'],
      ['net-pod-1-eth0', 'ok', 'entry', 'net|pod-1|eth0'],
      ['net-pod-4-eth0', 'corrupt', 'filename', 'net|pod-4|eth0'],
      ['zzz-pod-1-eth0', 'corrupt', 'unknown', '-'],
    ]);
  });

  it('without known networks, bad files have no owner', async () => {
    const c = await populated();
    const l = await c.list();
    assert.equal(l.length, 7);
    assert.deepEqual(
      l.filter((e) => e.ownerSource !== 'entry').map((e) => e.ownerSource),
      ['unknown', 'unknown', 'unknown', 'unknown'],
    );
  });

  it('filters by container ID as Go does (name contains -<cid>-), keeping unknown-owner bad files', async () => {
    const c = await populated();
    assert.deepEqual(summary(await c.list({ containerId: 'pod-1', knownNetworks: ['net', 'net-a'] })), [
      ['net-a-pod-1-eth0', 'intent', 'entry', 'net-a|pod-1|eth0'],
      ['net-pod-1-eth0', 'ok', 'entry', 'net|pod-1|eth0'],
      ['zzz-pod-1-eth0', 'corrupt', 'unknown', '-'],
    ]);
    // A known container ID settles an ambiguous split.
    const [e] = await c.list({ containerId: 'pod-3-x' });
    assert.equal(e?.ownerSource, 'unknown');
    const [f] = await c.list({ containerId: 'pod-3-x', networkName: 'net-a' });
    assert.deepEqual(f?.owner, { networkName: 'net-a', containerId: 'pod-3-x', ifName: 'eth0' });
  });

  it('filters by network: the prefix alone is not enough, the owner must match', async () => {
    const c = await populated();
    assert.deepEqual(summary(await c.list({ networkName: 'net', knownNetworks: ['net', 'net-a'] })), [
      ['net-pod-1-eth0', 'ok', 'entry', 'net|pod-1|eth0'],
      ['net-pod-4-eth0', 'corrupt', 'filename', 'net|pod-4|eth0'],
    ]);
  });

  it('is empty when results/ does not exist', async () => {
    assert.deepEqual(await new ResultCache(join(root, 'nothing-here')).list(), []);
  });

  it('lists the same through the synchronous fast path and the async reads', async () => {
    const c = await populated();
    fs.symlinkSync(join(c.resultsDir, 'net-pod-1-eth0'), join(c.resultsDir, 'net-pod-6-eth0'));
    fs.mkdirSync(join(c.resultsDir, 'net-pod-7-eth0'));
    execFileSync('mkfifo', [join(c.resultsDir, 'net-pod-8-eth0')]);
    const { readFileSync: _sync, ...asyncOnly } = nodeCacheFs;
    const viaAsync = new ResultCache(c.cacheDir, { fs: asyncOnly });
    const filter = { knownNetworks: ['net', 'net-a'] };
    const strip = (l: ListedEntry[]) => l.map((e) => ({ ...e, read: { ...e.read, mtimeMs: 0 } }));
    assert.deepEqual(strip(await viaAsync.list(filter)), strip(await c.list(filter)));
    const special = (await c.list(filter)).filter((e) => /pod-[678]/.test(e.fileName));
    assert.deepEqual(
      special.map((e) => (e.read.state === 'corrupt' ? e.read.reason : e.read.state)),
      ['a symlink (never followed)', 'a directory', 'not a regular file'],
    );
  });

  it('never has more async reads in flight than its concurrency', async () => {
    const c = await populated();
    let open = 0;
    let peak = 0;
    const { readFileSync: _sync, ...asyncOnly } = nodeCacheFs;
    const counting: CacheFs = {
      ...asyncOnly,
      open: async (p, f, m) => {
        open++;
        peak = Math.max(peak, open);
        await new Promise((r) => setTimeout(r, 2));
        return nodeCacheFs.open(p, f, m);
      },
      close: async (fd) => {
        open--;
        return nodeCacheFs.close(fd);
      },
    };
    const limited = new ResultCache(c.cacheDir, { fs: counting, listConcurrency: 2 });
    assert.equal((await limited.list()).length, 7);
    assert.ok(peak <= 2 && peak > 0, `peak ${peak}`);
  });
});

describe('ResultCache.recordBatches', () => {
  const recordsOf = async (c: ResultCache, filter = {}) => {
    const out: string[] = [];
    for await (const batch of c.recordBatches(filter)) {
      assert.ok(batch.length > 0, 'a batch is never empty');
      for (const r of batch) out.push(`${r.fileName}:${r.complete ? 'complete' : 'intent'}:${r.entry.containerId}`);
    }
    return out.sort();
  };

  it('gives the well-formed cniCacheV1 records only (no empty, torn, legacy or temp file)', async () => {
    const c = await populated();
    assert.deepEqual(await recordsOf(c), [
      'net-a-pod-1-eth0:intent:pod-1',
      'net-a-pod-2-eth1:complete:pod-2',
      'net-pod-1-eth0:complete:pod-1',
    ]);
    assert.deepEqual(await recordsOf(c, { containerId: 'pod-1' }), [
      'net-a-pod-1-eth0:intent:pod-1',
      'net-pod-1-eth0:complete:pod-1',
    ]);
    assert.deepEqual(await recordsOf(c, { networkName: 'net-a' }), [
      'net-a-pod-1-eth0:intent:pod-1',
      'net-a-pod-2-eth1:complete:pod-2',
    ]);
  });

  it('lists a record whose result does not parse (as Go does), but not one whose digest fails', async () => {
    const c = await populated();
    const key = { networkName: 'net', containerId: 'pod-7', ifName: 'eth0' };
    const path = c.entryPath(key);
    // Written by Go (no digest), with a result no version's parser accepts.
    fs.writeFileSync(
      path,
      '{"kind":"cniCacheV1","containerId":"pod-7","config":"e30=","ifName":"eth0","networkName":"net","result":{"cniVersion":"1.0.0","ips":"nope"}}',
    );
    assert.equal((await c.read(key)).state, 'corrupt');
    assert.ok((await recordsOf(c)).includes('net-pod-7-eth0:complete:pod-7'));
    // Ours, altered after writing: the digest catches it, so it is not a record.
    const other = { networkName: 'net', containerId: 'pod-8', ifName: 'eth0' };
    await c.write(other, entry(other));
    fs.writeFileSync(c.entryPath(other), fs.readFileSync(c.entryPath(other), 'utf8').replace('pod-8', 'pod-9'));
    assert.equal((await c.read(other)).state, 'corrupt');
    assert.ok(!(await recordsOf(c)).some((r) => r.includes('pod-9') || r.includes('pod-8')));
  });

  it('reads through the async CacheFs calls too (a fs without the sync fast path)', async () => {
    const c = await populated();
    const { readFileSync: _r, openDirSync: _o, ...asyncOnly } = nodeCacheFs;
    const slow = new ResultCache(c.cacheDir, { fs: asyncOnly });
    assert.deepEqual(await recordsOf(slow), await recordsOf(c));
    assert.deepEqual(summary(await slow.list()), summary(await c.list()));
  });
});
