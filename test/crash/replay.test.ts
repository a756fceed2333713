// Crash replay: run a cache operation on a simulated disk, cut the power after every prefix of its syscall
// sequence, and check every disk image the cut could leave (unsynced directory changes kept or lost, unsynced file
// bytes lost, kept, torn or zeroed). The entry must always be the complete old or the complete new one, and once
// the call has returned, the new one. Negative controls show the checker catches Go's writer and a lying disk.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type CacheFs, O } from '../../src/cache/cache-fs.ts';
import { encodeEntry } from '../../src/cache/encode-entry.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';
import type { AttachmentKey, CacheEntry } from '../../src/cache/types.ts';
import { crashImages } from './crash-images.ts';
import type { DiskImage } from './disk-model.ts';
import { SimFs } from './sim-fs.ts';

const CACHE = '/var/lib/cni';
const KEY: AttachmentKey = { networkName: 'net-a', containerId: 'abc-123', ifName: 'eth0' };
const PATH = join(CACHE, 'results', 'net-a-abc-123-eth0');
const STALE_TMP = join(CACHE, 'results', '.cnikit-tmp-net-a-old-eth0-99-0123456789ab');

function entry(address: string | undefined): CacheEntry {
  const e: CacheEntry = {
    kind: 'cniCacheV1',
    ...KEY,
    config: Buffer.from(
      `{"cniVersion":"1.0.0","name":"net-a","plugins":[{"type":"bridge","pad":"${'x'.repeat(120)}"}]}`,
    ),
    netns: '/var/run/netns/cni-1234',
    cniArgs: [['IgnoreUnknown', '1']],
    capabilityArgs: {},
  };
  return address === undefined ? e : { ...e, result: { cniVersion: '1.0.0', ips: [{ address }] } };
}
const bytesOf = (e: CacheEntry): Uint8Array => Buffer.from(encodeEntry(e));
const OLD = bytesOf(entry('10.0.0.1/24'));
const NEW = bytesOf(entry('10.0.0.2/24'));
const INTENT = bytesOf(entry(undefined));
const same = (a: Uint8Array | null | undefined, b: Uint8Array | undefined): boolean =>
  a !== null && a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;

type Check = (img: DiskImage, completed: boolean) => Promise<string | undefined>;
interface Replay {
  readonly ops: readonly string[];
  readonly prefixes: number;
  readonly states: number;
  readonly violations: readonly string[];
}

/** Runs `op` with a power cut after 0, 1, ... N calls and checks every crash image of each. */
async function replay(initial: DiskImage, op: (fs: SimFs) => Promise<void>, check: Check, tune?: (fs: SimFs) => void) {
  const full = new SimFs(initial);
  tune?.(full);
  await op(full);
  const n = full.log.length;
  let states = 0;
  const violations: string[] = [];
  for (let k = 0; k <= n; k++) {
    const sim = new SimFs(initial);
    tune?.(sim);
    sim.budget = k;
    let completed = false;
    try {
      await op(sim);
      completed = true;
    } catch (e) {
      // Only the power cut may stop the operation; anything else is a bug in the writer.
      if (sim.budget > 0) throw e;
    }
    for (const img of crashImages(sim)) {
      states++;
      const bad = await check(img, completed);
      if (bad) violations.push(`after ${k} calls (${sim.log.at(-1) ?? 'none'}): ${bad}`);
    }
  }
  return { ops: full.log, prefixes: n + 1, states, violations } satisfies Replay;
}

/** The entry invariant: complete old (or absent when there was none) or complete new; new once returned. */
function entryCheck(old: Uint8Array | undefined, neu: Uint8Array): Check {
  return async (img, completed) => {
    const got = img.get(PATH);
    const ok = completed ? same(got, neu) : same(got, neu) || (old === undefined ? got === undefined : same(got, old));
    if (!ok) {
      const shown = got
        ? `${got.byteLength} bytes ${JSON.stringify(Buffer.from(got).toString().slice(0, 40))}`
        : String(got);
      return `entry is ${shown}${completed ? ' after the write returned' : ''}`;
    }
    // The real reader agrees, and the cache recovers: a new write works and leaves no temp file behind.
    const fs = new SimFs(img);
    const cache = new ResultCache(CACHE, { fs, tempGraceMs: 0 });
    const state = (await cache.read(KEY)).state;
    if (!['ok', 'intent', 'missing'].includes(state)) return `reader says ${state}`;
    await cache.write(KEY, entry('10.0.0.3/24'));
    const names = [...fs.liveImage().keys()].filter((p) => p.includes('.cnikit-tmp-'));
    if (names.length > 0) return `temp files survive recovery: ${names.join(', ')}`;
    return undefined;
  };
}

const withOld = (bytes: Uint8Array): DiskImage =>
  new Map([
    [PATH, bytes],
    [STALE_TMP, bytes.slice(0, 50)],
  ]);
const write = (e: CacheEntry) => (fs: SimFs) => new ResultCache(CACHE, { fs }).write(KEY, e);

/** Go libcni's cacheAdd: MkdirAll, then os.WriteFile (O_TRUNC, write, close; no fsync, no rename). */
async function goWrite(fs: CacheFs, bytes: Uint8Array): Promise<void> {
  for (const dir of ['/var', '/var/lib', CACHE, join(CACHE, 'results')]) {
    await fs.mkdir(dir, 0o700).catch(() => undefined);
  }
  const fd = await fs.open(PATH, O.WRONLY | O.CREAT | O.TRUNC, 0o600);
  for (let off = 0; off < bytes.byteLength; ) off += await fs.write(fd, bytes, off, bytes.byteLength - off, off);
  await fs.close(fd);
}

function report(name: string, r: Replay): void {
  console.log(`${name}: ${r.prefixes} prefixes, ${r.states} crash states, ${r.violations.length} violations`);
}

describe('crash replay of the cache write protocol', () => {
  it('overwrite: always the complete old or new entry; the new one once write() returned', async () => {
    const r = await replay(withOld(OLD), write(entry('10.0.0.2/24')), entryCheck(OLD, NEW));
    console.log(`syscalls of one overwrite (with the first write's temp sweep):\n  ${r.ops.join('\n  ')}`);
    report('overwrite', r);
    assert.deepEqual(r.violations, []);
    assert.ok(r.prefixes > 15 && r.states > r.prefixes);
  });

  it('first write into a cache dir that does not exist yet: missing or complete, never partial', async () => {
    const r = await replay(new Map([['/var/lib', null]]), write(entry('10.0.0.2/24')), entryCheck(undefined, NEW));
    report('first write', r);
    assert.deepEqual(r.violations, []);
  });

  it('intent record replaced by the final result', async () => {
    const r = await replay(withOld(INTENT), write(entry('10.0.0.2/24')), entryCheck(INTENT, NEW));
    report('intent -> result', r);
    assert.deepEqual(r.violations, []);
  });

  it('remove: the complete entry or nothing; nothing once remove() returned', async () => {
    const r = await replay(
      withOld(OLD),
      (fs) => new ResultCache(CACHE, { fs }).remove(KEY),
      async (img, completed) => {
        const got = img.get(PATH);
        if (completed ? got !== undefined : got !== undefined && !same(got, OLD)) return 'entry survives or is torn';
        return undefined;
      },
    );
    report('remove', r);
    assert.deepEqual(r.violations, []);
  });

  it('quarantine: the bad bytes are always somewhere; only in quarantine/ once it returned', async () => {
    const bad = Buffer.from('{"kind":"cniCacheV1","containerId":"abc');
    const r = await replay(
      new Map([[PATH, bad]]),
      async (fs) => {
        await new ResultCache(CACHE, { fs, now: () => 0 }).quarantine(PATH, 'bad JSON');
      },
      async (img, completed) => {
        const kept = [...img].filter(
          ([p, d]) => p.includes('/quarantine/net-a') && !p.endsWith('.reason') && same(d, bad),
        );
        const inResults = same(img.get(PATH), bad);
        if (!inResults && kept.length === 0) return 'the bad bytes are lost';
        if (completed && (inResults || kept.length !== 1)) return 'not moved after quarantine() returned';
        return undefined;
      },
    );
    report('quarantine', r);
    assert.deepEqual(r.violations, []);
  });
});

describe('crash replay negative controls (the checker can fail)', () => {
  it("catches Go libcni's truncate-and-write: empty and torn entries", async () => {
    const r = await replay(withOld(OLD), (fs) => goWrite(fs, NEW), entryCheck(OLD, NEW));
    report('control: Go os.WriteFile', r);
    assert.ok(r.violations.some((v) => v.includes('entry is 0 bytes')));
    assert.ok(r.violations.some((v) => /entry is \d+ bytes/.test(v) && !v.includes(' 0 bytes')));
  });

  it('catches a disk that ignores file fsync (rename can land before the data)', async () => {
    const r = await replay(withOld(OLD), write(entry('10.0.0.2/24')), entryCheck(OLD, NEW), (fs) => {
      fs.ignoreFsync = 'file';
    });
    report('control: no file fsync', r);
    assert.ok(r.violations.length > 0);
  });

  it('catches a disk that ignores directory fsync (a returned write is not durable)', async () => {
    const r = await replay(withOld(OLD), write(entry('10.0.0.2/24')), entryCheck(OLD, NEW), (fs) => {
      fs.ignoreFsync = 'dir';
    });
    report('control: no dir fsync', r);
    assert.ok(r.violations.some((v) => v.includes('after the write returned')));
  });
});
