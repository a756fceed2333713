// Fuzz targets for cache files: the pure decoder, and the same bytes read from disk through ResultCache (by path,
// by key, and listed), which must agree with it and never throw.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEntry } from '../../src/cache/decode-entry.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';
import type { CacheRead } from '../../src/cache/types.ts';
import type { Target } from './config-targets.ts';
import { hostileBytes } from './hostile-json.ts';
import { FUZZ_RUNS, fuzzParser, MAX_MESSAGE_CHARS } from './law.ts';
import { CACHE_SEEDS } from './seeds.ts';

const STATES = new Set(['ok', 'intent', 'missing', 'empty', 'corrupt']);
const cacheBytes = hostileBytes(CACHE_SEEDS);
const KEY = { networkName: 'net', containerId: 'c1', ifName: 'eth0' };

function checkRead(value: unknown): asserts value is CacheRead {
  assert.ok(typeof value === 'object' && value !== null, 'not an outcome');
  const read = value as CacheRead;
  assert.ok(STATES.has(read.state), `state ${String(read.state)}`);
  if (read.state !== 'corrupt') return;
  assert.ok(read.reason.length > 0, 'corrupt without a reason');
  assert.ok(
    read.reason.length <= MAX_MESSAGE_CHARS,
    `reason of ${read.reason.length} chars: ${read.reason.slice(0, 80)}…`,
  );
}

let root: string | undefined;

/** Removes the cache dirs the disk target wrote. */
export function cleanupCacheDirs(): void {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

/** The cache targets. */
export const CACHE_TARGETS: readonly Target[] = [
  {
    name: 'decodeEntry',
    run: () =>
      fuzzParser(
        'decodeEntry',
        cacheBytes,
        (b) => decodeEntry(b, '/cache/results/net-c1-eth0'),
        {
          mode: 'never-throws',
        },
        { check: checkRead },
      ),
  },
  {
    name: 'ResultCache.readPath',
    run: () => {
      root ??= mkdtempSync(join(tmpdir(), 'cnikit-fuzz-cache-'));
      const cache = new ResultCache(root);
      mkdirSync(cache.resultsDir, { recursive: true, mode: 0o700 });
      const path = cache.entryPath(KEY);
      return fuzzParser(
        'ResultCache.readPath',
        cacheBytes,
        async (b) => {
          writeFileSync(path, b);
          const byPath = await cache.readPath(path);
          const byKey = await cache.read(KEY);
          const listed = await cache.list();
          return { byPath, byKey, listed, decoded: decodeEntry(b, path) };
        },
        { mode: 'never-throws' },
        {
          runs: Math.max(1, Math.ceil(FUZZ_RUNS / 2)),
          check: (v) => {
            const { byPath, byKey, listed, decoded } = v as {
              byPath: CacheRead;
              byKey: CacheRead;
              listed: { read: CacheRead }[];
              decoded: CacheRead;
            };
            checkRead(byPath);
            checkRead(byKey);
            // The disk adds nothing: reading the file gives what decoding its bytes gives.
            assert.equal(byPath.state, decoded.state);
            assert.equal(byKey.state, decoded.state);
            assert.equal(listed.length, 1);
            assert.equal(listed[0]?.read.state, decoded.state);
          },
        },
      );
    },
  },
];
