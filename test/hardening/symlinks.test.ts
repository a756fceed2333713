// Symlinks planted in the cache: an entry, results/, quarantine/ or the cache dir itself replaced by a link to a
// file (a copy of a passwd-like file made here, never a real system file) or to a directory outside. The runtime must
// refuse or set it aside: never write through it (target bytes unchanged) and never read through it (the planted
// target holds a valid cache entry with a marker address; no plugin may ever be handed that address).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { encodeEntry } from '../../src/cache/encode-entry.ts';
import { CNI } from '../../src/runtime/index.ts';
import { CNIError } from '../../src/spec/errors.ts';
import { PLUGIN_DIR } from '../fixtures/runtime.ts';
import { type RuntimeSandbox, runtimeSandbox, snapshot } from './runtime-sandbox.ts';

/** The address in the planted entry: seeing it in any plugin's stdin means a symlink was followed. */
const MARKER_IP = '203.0.113.66';
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';

let sb: RuntimeSandbox;
let outside: string;
const list = () => sb.list('net', 1, '1.0.0');
const rt = () => sb.rt('c1');

function plantedEntry(): string {
  return encodeEntry({
    kind: 'cniCacheV1',
    containerId: 'c1',
    config: Buffer.from(JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'cnikit-noop' }] })),
    ifName: 'eth0',
    networkName: 'net',
    cniArgs: [],
    capabilityArgs: {},
    result: { cniVersion: '1.0.0', ips: [{ address: `${MARKER_IP}/24` }] },
  });
}

const hash = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

beforeEach(async () => {
  sb = runtimeSandbox();
  outside = mkdtempSync(join(tmpdir(), 'cnikit-outside-'));
  writeFileSync(join(outside, 'passwd'), PASSWD);
  writeFileSync(join(outside, 'planted'), plantedEntry());
  mkdirSync(join(outside, 'dir'));
  writeFileSync(join(outside, 'dir', 'net-c1-eth0'), plantedEntry());
  writeFileSync(join(outside, 'dir', 'keep'), 'outside file\n');
  // A real attachment, so results/ and the entry exist before they are swapped for links.
  await sb.cni.addNetworkList(list(), rt());
  sb.clearCalls();
});
afterEach(() => {
  sb.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

const resultsDir = () => join(sb.cacheDir, 'results');
const entry = () => join(resultsDir(), 'net-c1-eth0');

/** Nothing outside changed and no plugin was handed the planted entry's address. */
function nothingFollowed(outsideBefore: string[]): void {
  assert.deepEqual(snapshot(outside), outsideBefore, 'a file outside the cache changed');
  assert.equal(readFileSync(join(outside, 'passwd'), 'utf8'), PASSWD);
  for (const call of sb.calls()) {
    assert.ok(!JSON.stringify(call).includes(MARKER_IP), `${call.command} was handed the planted entry`);
  }
}

async function settle(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (e) {
    assert.ok(CNIError.is(e), `not a CNIError: ${String(e)}`);
    return e;
  }
}

/** Every runtime entry point that touches this attachment's cache entry. */
async function everyOperation(): Promise<{ add: unknown; del: unknown }> {
  const add = await settle(sb.cni.addNetworkList(list(), rt()));
  assert.deepEqual(sb.calls(), [], 'ADD ran a plugin although it could not record the attachment');
  await settle(sb.cni.checkNetworkList(list(), rt()));
  await settle(sb.cni.getNetworkListCachedResult(list(), rt()));
  await settle(sb.cni.getNetworkListCachedConfig(list(), rt()));
  await settle(sb.cni.getCachedAttachments());
  await settle(sb.cni.gcNetworkList(list(), { validAttachments: [{ containerID: 'c1', ifname: 'eth0' }] }));
  const del = await settle(sb.cni.delNetworkList(list(), rt()));
  assert.ok(
    sb.calls().some((c) => c.command === 'DEL'),
    'DEL did not run the plugin',
  );
  return { add, del };
}

describe('an entry replaced by a symlink', () => {
  for (const [label, target] of [
    ['to a passwd copy', () => join(outside, 'passwd')],
    ['to a valid entry outside', () => join(outside, 'planted')],
    ['to a directory outside', () => join(outside, 'dir')],
  ] as const) {
    it(`${label}: ADD refuses it before any plugin, nothing reads or writes through it, DEL sets it aside`, async () => {
      rmSync(entry());
      symlinkSync(target(), entry());
      const outsideBefore = snapshot(outside);
      const { add } = await everyOperation();
      assert.ok(CNIError.is(add), 'ADD over a symlinked entry succeeded');
      assert.match((add as Error).message, /symlink/);
      nothingFollowed(outsideBefore);
      // DEL moved the link (not its target) out of results/.
      assert.equal(existsSync(entry()), false, 'the link is still in results/');
      const quarantined = readdirSync(join(sb.cacheDir, 'quarantine')).filter((n) => !n.endsWith('.reason'));
      assert.equal(quarantined.length, 1);
      assert.ok(lstatSync(join(sb.cacheDir, 'quarantine', quarantined[0] ?? '')).isSymbolicLink());
    });
  }
});

describe('results/ replaced by a symlink', () => {
  for (const [label, target] of [
    ['to a directory outside holding a planted entry', () => join(outside, 'dir')],
    ['to a passwd copy', () => join(outside, 'passwd')],
  ] as const) {
    it(`${label}: refused by ADD, never read through, never written through`, async () => {
      rmSync(resultsDir(), { recursive: true });
      symlinkSync(target(), resultsDir());
      const outsideBefore = snapshot(outside);
      const { add } = await everyOperation();
      assert.ok(CNIError.is(add), 'ADD through a symlinked results/ succeeded');
      nothingFollowed(outsideBefore);
      assert.ok(lstatSync(resultsDir()).isSymbolicLink(), 'the link itself was replaced');
    });
  }
});

describe('quarantine/ replaced by a symlink', () => {
  it('a corrupt entry is not moved through it; DEL still runs and removes the entry', async () => {
    writeFileSync(entry(), '{"kind":"cniCacheV1","containerId":');
    symlinkSync(join(outside, 'dir'), join(sb.cacheDir, 'quarantine'));
    const outsideBefore = snapshot(outside);
    await settle(sb.cni.delNetworkList(list(), rt()));
    assert.deepEqual(
      sb.calls().map((c) => c.command),
      ['DEL'],
    );
    nothingFollowed(outsideBefore);
    assert.ok(lstatSync(join(sb.cacheDir, 'quarantine')).isSymbolicLink());
  });
});

describe('a stale temp-file name planted as a symlink', () => {
  it('the temp sweep removes the link, never its target', async () => {
    const planted = join(resultsDir(), '.cnikit-tmp-net-c1-eth0-1-aaaaaaaaaaaa');
    symlinkSync(join(outside, 'passwd'), planted);
    // A day old, so it is a sweep candidate by age; a fresh runtime sweeps on its first write.
    const old = new Date(Date.now() - 86_400_000);
    lutimesSync(planted, old, old);
    const outsideBefore = snapshot(outside);
    const fresh = new CNI({ path: [PLUGIN_DIR], cacheDir: sb.cacheDir, stderr: () => {} });
    await settle(fresh.addNetworkList(list(), sb.rt('c2')));
    nothingFollowed(outsideBefore);
    assert.ok(existsSync(join(resultsDir(), 'net-c2-eth0')), 'the ADD itself did not complete');
  });
});

describe('the cache dir itself replaced by a symlink', () => {
  it('to a passwd copy: ADD fails before any plugin and the file is unchanged', async () => {
    rmSync(sb.cacheDir, { recursive: true });
    symlinkSync(join(outside, 'passwd'), sb.cacheDir);
    const before = hash(join(outside, 'passwd'));
    const add = await settle(sb.cni.addNetworkList(list(), rt()));
    assert.ok(CNIError.is(add));
    assert.deepEqual(sb.calls(), []);
    assert.equal(hash(join(outside, 'passwd')), before);
  });

  // The issue asks for a symlinked cache dir to be refused (a link in a parent, e.g. /var -> /data, is fine).
  it('to a directory outside: ADD is refused and nothing is written there', async () => {
    rmSync(sb.cacheDir, { recursive: true });
    symlinkSync(join(outside, 'dir'), sb.cacheDir);
    const outsideBefore = snapshot(outside);
    const add = await settle(sb.cni.addNetworkList(list(), rt()));
    assert.ok(CNIError.is(add), 'ADD wrote through a symlinked cache dir');
    nothingFollowed(outsideBefore);
  });
});
