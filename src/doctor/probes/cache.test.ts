import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ResultCache } from '../../cache/index.ts';
import { Liveness } from '../liveness.ts';
import type { Finding } from '../types.ts';
import { probeCache } from './cache.ts';
import { cacheFindings } from './cache-findings.ts';

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'doctor-cache-probe-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

const KEY = { networkName: 'net', containerId: 'c1', ifName: 'eth0' };
const me = process.geteuid?.() ?? 0;

async function findingsFor(cache: ResultCache): Promise<Finding[]> {
  const live = new Liveness({ available: true, sources: ['cache'] });
  const scan = await probeCache(cache, live, { knownNetworks: ['net'], now: Date.now(), minAgeMs: 0 });
  return cacheFindings(scan, { liveness: live, minAgeMs: 0 });
}

describe('the cache probe: unsafe cache directories', () => {
  it('a group-writable cache dir and a world-writable results/ are report-only findings', async () => {
    const cache = new ResultCache(join(root, 'a'));
    await cache.write(KEY, {
      kind: 'cniCacheV1',
      ...KEY,
      config: new Uint8Array(0),
      cniArgs: [],
      capabilityArgs: {},
      result: { cniVersion: '1.0.0', ips: [{ address: '10.1.2.3/24' }] },
    });
    assert.deepEqual(
      (await findingsFor(cache)).filter((f) => f.kind === 'cache-dir-unsafe'),
      [],
    );
    chmodSync(cache.cacheDir, 0o770);
    chmodSync(cache.resultsDir, 0o757);
    const unsafe = (await findingsFor(cache)).filter((f) => f.kind === 'cache-dir-unsafe');
    const common = { network: undefined, containerId: undefined, ifName: undefined, ageMs: undefined, uid: me };
    assert.deepEqual(unsafe, [
      {
        ...common,
        kind: 'cache-dir-unsafe',
        path: cache.cacheDir,
        problem: 'group-writable',
        mode: 0o770,
        disposition: 'report-only',
      },
      {
        ...common,
        kind: 'cache-dir-unsafe',
        path: cache.resultsDir,
        problem: 'world-writable',
        mode: 0o757,
        disposition: 'report-only',
      },
    ]);
  });

  it('a symlinked cache dir fails the probe (nothing read through it, nothing judged dead)', async () => {
    const real = new ResultCache(join(root, 'b'));
    await real.write(KEY, { kind: 'cniCacheV1', ...KEY, config: new Uint8Array(0), cniArgs: [], capabilityArgs: {} });
    symlinkSync(real.cacheDir, join(root, 'b-link'));
    await assert.rejects(findingsFor(new ResultCache(join(root, 'b-link'))), /is a symlink; refusing to follow it/);
  });
});
