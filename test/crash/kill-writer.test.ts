// SIGKILL a process that writes cache entries, thousands of times, at random moments: every file left in
// results/ must decode as a complete entry (old or new), never a partial one. A kill does not lose the page
// cache, so this tests atomicity against process death (rename); replay.test.ts covers power loss.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { decodeEntry } from '../../src/cache/decode-entry.ts';
import { isTempName } from '../../src/cache/entry-names.ts';
import { ResultCache } from '../../src/cache/result-cache.ts';

const KILLS = Number(process.env.CNIKIT_KILLS ?? 2000);
const PARALLEL = 4;
const KEYS = 6;
// Each kill costs a Node start-up (~20-40 ms of CPU), so on 2 idle cores 2000 kills take ~45 s; on a loaded
// machine the deadline stops the run earlier and the count printed says how many it managed.
const DEADLINE_MS = Number(process.env.CNIKIT_KILL_DEADLINE_MS ?? 50_000);
const MIN_KILLS = 500;
// A write is two fsyncs (~3 ms each here), so this spans zero to a few writes after the loop starts.
const MAX_DELAY_MS = 15;

let work: string;
let bundle: string;
before(() => {
  work = fs.mkdtempSync(join(tmpdir(), 'cnikit-kill-'));
  bundle = join(work, 'cache-writer.cjs');
  // Bundled, so each child starts in ~50 ms instead of compiling TypeScript through tsx.
  buildSync({
    entryPoints: [new URL('./fixtures/cache-writer.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: bundle,
    logLevel: 'error',
  });
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

/** Starts a writer, waits until it is in its loop, lets it run 0..MAX_DELAY_MS, then SIGKILLs it. */
function killOne(cacheDir: string, id: number): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [bundle, cacheDir, String(id), String(KEYS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '' },
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout?.once('data', () => {
      setTimeout(() => child.kill('SIGKILL'), Math.random() * MAX_DELAY_MS);
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ killed: signal === 'SIGKILL', stderr }));
  });
}

/** Every entry file decodes as a complete entry written by some writer for that very key. */
function checkAll(resultsDir: string): { files: number; partial: string[]; temps: number; rewritten: number } {
  const partial: string[] = [];
  let files = 0;
  let rewritten = 0;
  let temps = 0;
  for (const name of fs.readdirSync(resultsDir)) {
    if (isTempName(name)) {
      temps++;
      continue;
    }
    files++;
    const path = join(resultsDir, name);
    const r = decodeEntry(fs.readFileSync(path), path);
    const ok =
      r.state === 'ok' &&
      `${r.entry.networkName}-${r.entry.containerId}-${r.entry.ifName}` === name &&
      /^w\d+s\d+$/.test(String(r.result.dns?.domain));
    if (!ok) partial.push(`${name}: ${r.state === 'corrupt' ? r.reason : r.state}`);
    else if (r.result.dns?.domain !== 'w999999s0') rewritten++;
  }
  return { files, partial, temps, rewritten };
}

describe('SIGKILL during cache writes', () => {
  it('the checker reports torn, empty and misplaced files (it can fail)', async () => {
    const cacheDir = join(work, 'control');
    const cache = new ResultCache(cacheDir);
    const key = { networkName: 'killnet', containerId: 'ctr-0', ifName: 'eth0' };
    await cache.write(key, {
      kind: 'cniCacheV1',
      ...key,
      config: Buffer.from('{}'),
      cniArgs: [],
      capabilityArgs: {},
      result: { cniVersion: '1.0.0', dns: { domain: 'w1s1' } },
    });
    const good = fs.readFileSync(cache.entryPath(key));
    assert.deepEqual(checkAll(cache.resultsDir).partial, []);
    fs.writeFileSync(join(cache.resultsDir, 'killnet-ctr-1-eth0'), good.subarray(0, good.length - 9));
    fs.writeFileSync(join(cache.resultsDir, 'killnet-ctr-2-eth0'), '');
    fs.writeFileSync(join(cache.resultsDir, 'killnet-ctr-3-eth0'), good);
    assert.equal(checkAll(cache.resultsDir).partial.length, 3);
  });

  it(`leaves only complete entries after up to ${KILLS} kills`, async () => {
    const cacheDir = join(work, 'cache');
    const resultsDir = join(cacheDir, 'results');
    const started = Date.now();
    let kills = 0;
    let spawned = 0;
    let checked = 0;
    const partial: string[] = [];
    const failures: string[] = [];
    // Every key starts with a complete entry, so the law at the end is exact: each key still has one complete
    // file (old or new), whatever the machine's speed; a slow fsync must not turn into a missing key.
    const seed = new ResultCache(cacheDir);
    for (let i = 0; i < KEYS; i++) {
      const key = { networkName: 'killnet', containerId: `ctr-${i}`, ifName: 'eth0' };
      await seed.write(key, {
        kind: 'cniCacheV1',
        ...key,
        config: Buffer.from('{}'),
        cniArgs: [],
        capabilityArgs: {},
        result: { cniVersion: '1.0.0', dns: { domain: 'w999999s0' } },
      });
    }
    // A pool of writers, always PARALLEL alive; after each death every file is checked while the others still
    // write, since no reader may ever see a partial file, not even mid-write.
    const worker = async (): Promise<void> => {
      while (spawned < KILLS && Date.now() - started < DEADLINE_MS) {
        const r = await killOne(cacheDir, spawned++);
        if (r.stderr !== '') failures.push(r.stderr);
        if (r.killed) kills++;
        if (fs.existsSync(resultsDir)) {
          const c = checkAll(resultsDir);
          checked += c.files;
          partial.push(...c.partial);
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    assert.deepEqual(failures, [], 'a writer failed on its own');
    const end = checkAll(resultsDir);
    const swept = await new ResultCache(cacheDir, { tempGraceMs: 0 }).sweepTempFiles();
    console.log(
      `kills: ${kills}, files checked: ${checked}, partial: ${partial.length}, ` +
        `temp files left by kills: ${end.temps} (swept ${swept.length}), ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.deepEqual(partial, []);
    assert.equal(end.files, KEYS);
    // Not vacuous: killed writers did replace entries (a writer's domain is w<id>s<seq>, the seed's w999999s0).
    assert.ok(end.rewritten > 0, 'no writer ever completed a write before it was killed');
    assert.equal(checkAll(resultsDir).temps, 0);
    assert.ok(kills >= Math.min(KILLS, MIN_KILLS), `only ${kills} kills before the deadline`);
  });
});
