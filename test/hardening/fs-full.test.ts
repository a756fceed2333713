// A cache on a full or read-only file system (a 64 KiB tmpfs, root only). What cnikit promises:
// - ADD on a full or read-only disk fails at its intent record, BEFORE any plugin runs (nothing to undo);
// - a disk that fills while the plugins run makes ADD DEL what it added and fail with
//   `failed to set network "N" cached result: …`, leaving no entry behind;
// - DEL runs the plugins whatever the disk says; on a read-only disk it then says the entry could not be removed and
//   keeps it (so a retry still has prevResult);
// - results/ never holds a partial file or a leftover temp file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeEntry } from '../../src/cache/decode-entry.ts';
import { CNIError } from '../../src/spec/errors.ts';
import { type RuntimeSandbox, runtimeSandbox } from './runtime-sandbox.ts';

function canMount(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (mounts a tmpfs)';
  const probe = mkdtempSync(join(tmpdir(), 'cnikit-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return false;
  } catch {
    return 'cannot mount a tmpfs here';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const skip = canMount();
if (skip) console.log(`\n!!!!!!!! SKIPPING test/hardening/fs-full.test.ts: ${skip} !!!!!!!!\n`);

const mounts: string[] = [];
let mnt: string;
let sb: RuntimeSandbox;

function mountTmpfs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cnikit-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0755', 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

function unmountAll(): void {
  for (const dir of mounts.splice(0)) {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a filler file until the file system says ENOSPC; returns the bytes written. */
function fill(dir: string, name = 'filler'): number {
  const fd = openSync(join(dir, name), 'a');
  const chunk = Buffer.alloc(4096, 0x66);
  let total = 0;
  try {
    for (;;) total += writeSync(fd, chunk);
  } catch (e) {
    assert.equal((e as { code?: string }).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  return total;
}

const results = () => join(sb.cacheDir, 'results');
const commands = () => sb.calls().map((c) => `${c.command} ${c.env.CNI_CONTAINERID}`);

/** Every file in results/ is a complete entry (ok or intent) and no temp file is left. */
function noPartialFiles(): string[] {
  const names = readdirSync(results()).sort();
  for (const n of names) {
    assert.ok(!n.startsWith('.'), `a temp file was left: ${n}`);
    const read = decodeEntry(readFileSync(join(results(), n)), n);
    assert.ok(read.state === 'ok' || read.state === 'intent', `${n} is ${read.state}`);
  }
  return names;
}

async function failure(p: Promise<unknown>): Promise<CNIError> {
  try {
    await p;
  } catch (e) {
    assert.ok(CNIError.is(e), `not a CNIError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

beforeEach(() => {
  if (skip) return;
  mnt = mountTmpfs();
  sb = runtimeSandbox({ cacheDir: join(mnt, 'cache') });
});
afterEach(() => {
  if (skip) return;
  sb.cleanup();
  unmountAll();
});
after(unmountAll);

describe('a full file system', { skip }, () => {
  it('ADD fails at its intent record, before any plugin; DEL still runs and removes the entry', async () => {
    await sb.cni.addNetworkList(sb.list('net'), sb.rt('c1'));
    const filled = fill(mnt);
    sb.clearCalls();
    const e = await failure(sb.cni.addNetworkList(sb.list('net'), sb.rt('c2')));
    console.log(`full fs (filled ${filled} bytes): ADD -> ${e.code} ${e.message}`);
    assert.equal(e.code, 5);
    assert.match(e.message, /^failed to set network "net" cached result: .*(ENOSPC|no space left)/i);
    assert.deepEqual(commands(), [], 'a plugin ran although the intent record could not be written');
    assert.deepEqual(noPartialFiles(), ['net-c1-eth0']);

    const report = await sb.cni.delNetworkList(sb.list('net'), sb.rt('c1'));
    assert.equal(report.cacheState, 'ok');
    assert.deepEqual(commands(), ['DEL c1']);
    assert.deepEqual(noPartialFiles(), []);
  });

  it('DEL of a corrupt entry on a full disk still runs the plugins', async () => {
    mkdirSync(results(), { recursive: true, mode: 0o700 });
    const fd = openSync(join(results(), 'net-c3-eth0'), 'w', 0o600);
    writeSync(fd, '{"kind":"cniCacheV1","containerId":"c3"');
    closeSync(fd);
    fill(mnt);
    const report = await sb.cni.delNetworkList(sb.list('net'), sb.rt('c3'));
    assert.equal(report.cacheState, 'corrupt');
    assert.deepEqual(commands(), ['DEL c3']);
    assert.deepEqual(noPartialFiles(), []);
  });

  it('a disk that fills while the plugins run: ADD DELs what it added and fails, leaving no entry', async () => {
    sb.instruct({ sleepMs: 1500 });
    const add = failure(sb.cni.addNetworkList(sb.list('net', 2), sb.rt('c4')));
    // Both ADDs are in flight only after the intent record is on disk; fill the disk during the second one.
    for (let i = 0; i < 200 && sb.calls().length < 2; i++) await sleep(25);
    assert.deepEqual(commands(), ['ADD c4', 'ADD c4']);
    assert.deepEqual(noPartialFiles(), ['net-c4-eth0'], 'no intent record while the plugins ran');
    sb.instruct({});
    fill(mnt);
    const e = await add;
    console.log(`disk filled mid-ADD: ${e.code} ${e.message}; plugin calls: ${commands().join(', ')}`);
    assert.equal(e.code, 5);
    assert.match(e.message, /^failed to set network "net" cached result: /);
    assert.deepEqual(commands(), ['ADD c4', 'ADD c4', 'DEL c4', 'DEL c4'], 'ADD did not undo itself');
    assert.deepEqual(noPartialFiles(), [], 'the intent record outlived the failed ADD');
  });
});

describe('a read-only file system', { skip }, () => {
  it('ADD fails before any plugin; DEL runs the plugins, keeps the entry and says so; a retry after remount works', async () => {
    await sb.cni.addNetworkList(sb.list('net'), sb.rt('c1'));
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    sb.clearCalls();
    const add = await failure(sb.cni.addNetworkList(sb.list('net'), sb.rt('c2')));
    console.log(`read-only fs: ADD -> ${add.code} ${add.message}`);
    assert.equal(add.code, 5);
    assert.match(add.message, /^failed to set network "net" cached result: .*(EROFS|read-only)/i);
    assert.deepEqual(commands(), []);

    const del = await failure(sb.cni.delNetworkList(sb.list('net'), sb.rt('c1')));
    console.log(`read-only fs: DEL -> ${del.code} ${del.message}`);
    assert.deepEqual(commands(), ['DEL c1'], 'DEL did not run the plugin on a read-only disk');
    assert.equal(del.code, 5);
    assert.match(del.message, /^failed to remove cached result of network "net" after DEL: /);
    assert.deepEqual(noPartialFiles(), ['net-c1-eth0'], 'the entry a retry needs is gone');

    execFileSync('mount', ['-o', 'remount,rw', mnt]);
    sb.clearCalls();
    const report = await sb.cni.delNetworkList(sb.list('net'), sb.rt('c1'));
    assert.equal(report.prevResultSource, 'cache');
    assert.deepEqual(commands(), ['DEL c1']);
    assert.deepEqual(noPartialFiles(), []);
  });
});
