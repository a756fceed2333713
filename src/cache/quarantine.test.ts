import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CNIError } from '../spec/errors.ts';
import { quarantineStamp } from './quarantine.ts';
import { ResultCache } from './result-cache.ts';

let root: string;
let n = 0;
before(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'cnikit-quar-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const NOW = Date.parse('2025-01-02T03:04:05.678Z');
const KEY = { networkName: 'net-a', containerId: 'abc-123', ifName: 'eth0' };

function cacheWithBadFile(bytes: string): ResultCache {
  const c = new ResultCache(join(root, `c${n++}`), { now: () => NOW });
  fs.mkdirSync(c.resultsDir, { recursive: true });
  fs.writeFileSync(c.entryPath(KEY), bytes);
  return c;
}

describe('ResultCache.quarantine', () => {
  it('moves the file to quarantine/<name>.<stamp>, keeping its bytes, with a reason note', async () => {
    const c = cacheWithBadFile('{"kind":"cniCacheV1","con');
    const to = await c.quarantine(c.entryPath(KEY), 'bad JSON: Unexpected end');
    assert.equal(to, join(c.cacheDir, 'quarantine', 'net-a-abc-123-eth0.20250102T030405.678Z'));
    assert.equal(quarantineStamp(new Date(NOW)), '20250102T030405.678Z');
    assert.equal(fs.readFileSync(to, 'utf8'), '{"kind":"cniCacheV1","con');
    assert.equal(fs.statSync(to).mode & 0o777, 0o644 & ~process.umask());
    assert.equal((await c.read(KEY)).state, 'missing');
    assert.deepEqual(JSON.parse(fs.readFileSync(`${to}.reason`, 'utf8')), {
      from: c.entryPath(KEY),
      reason: 'bad JSON: Unexpected end',
      at: '2025-01-02T03:04:05.678Z',
    });
  });

  it('never overwrites an earlier quarantined file, even within the same millisecond', async () => {
    const c = cacheWithBadFile('first');
    const a = await c.quarantine(c.entryPath(KEY), 'r1');
    fs.writeFileSync(c.entryPath(KEY), 'second');
    const b = await c.quarantine(c.entryPath(KEY), 'r2');
    fs.writeFileSync(c.entryPath(KEY), 'third');
    const d = await c.quarantine(c.entryPath(KEY), 'r3');
    assert.deepEqual(
      [a, b, d].map((p) => basename(p)),
      ['', '.1', '.2'].map((s) => `net-a-abc-123-eth0.20250102T030405.678Z${s}`),
    );
    assert.deepEqual(
      [a, b, d].map((p) => fs.readFileSync(p, 'utf8')),
      ['first', 'second', 'third'],
    );
  });

  it('moves a directory and a symlink as they are (the link is not followed)', async () => {
    const c = cacheWithBadFile('');
    fs.unlinkSync(c.entryPath(KEY));
    fs.mkdirSync(c.entryPath(KEY));
    fs.writeFileSync(join(c.entryPath(KEY), 'inside'), 'x');
    const d = await c.quarantine(c.entryPath(KEY), 'a directory');
    assert.equal(fs.readFileSync(join(d, 'inside'), 'utf8'), 'x');
    const target = join(root, `t${n++}`);
    fs.writeFileSync(target, 'precious');
    fs.symlinkSync(target, c.entryPath(KEY));
    const l = await c.quarantine(c.entryPath(KEY), 'a symlink');
    assert.ok(fs.lstatSync(l).isSymbolicLink());
    assert.equal(fs.readFileSync(target, 'utf8'), 'precious');
    assert.equal(fs.existsSync(c.entryPath(KEY)), false);
  });

  it('refuses paths outside results/ and missing files', async () => {
    const c = cacheWithBadFile('x');
    const isIo = (e: unknown) => CNIError.is(e) && e.code === 5;
    await assert.rejects(c.quarantine('/etc/passwd', 'no'), isIo);
    await assert.rejects(c.quarantine(join(c.resultsDir, '..', 'results', '..', 'x'), 'no'), isIo);
    await assert.rejects(c.quarantine(join(c.resultsDir, 'nope'), 'gone'), isIo);
    assert.ok(fs.existsSync('/etc/passwd'));
  });
});
