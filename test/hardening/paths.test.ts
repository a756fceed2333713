// Names that become cache paths (network, container ID, interface) with traversal, separators, NUL, 4 KiB length and
// Unicode look-alikes: refused before any file is touched. Each operation runs through the runtime (the bundled
// cnikit-noop on the path); a recursive snapshot of the cache dir's parent (types, modes, hashes, m/ctimes) is taken
// before and after and must be identical; ADD must also run no plugin.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ResultCache } from '../../src/cache/index.ts';
import { CNIError } from '../../src/spec/errors.ts';
import { type RuntimeSandbox, runtimeSandbox, snapshot } from './runtime-sandbox.ts';

const KIB4 = 4096;
/** Traversal, separators, NUL, length and look-alikes, usable as a network name or a container ID. */
const HOSTILE_IDS: readonly [string, string][] = [
  ['parent dir', '../x'],
  ['two levels up', '../../x'],
  ['far up', '../../../../../../../../tmp/cnikit-escape'],
  ['slash', 'a/b'],
  ['absolute', '/etc/passwd'],
  ['dot', '.'],
  ['dot-dot', '..'],
  ['NUL', 'a\0b'],
  ['trailing NUL', 'abc\0'],
  ['4 KiB', 'c'.repeat(KIB4)],
  ['Cyrillic а look-alike', 'n\u0430me'],
  ['fullwidth solidus', 'a\uff0fb'],
  ['division slash U+2215', 'a\u2215b'],
  ['fullwidth digits', '\uff10\uff11'],
  ['right-to-left override', 'a\u202eb'],
  ['newline', 'a\nb'],
  ['leading dash', '-x'],
  ['empty', ''],
];
/** Interface names that must be refused (the kernel's and upstream's rule: <= 15 bytes, no / : space, not . ..). */
const HOSTILE_IFNAMES: readonly [string, string][] = [
  ['parent dir', '../x'],
  ['slash', 'a/b'],
  ['dot', '.'],
  ['dot-dot', '..'],
  ['NUL', 'eth\0'],
  ['4 KiB', 'e'.repeat(KIB4)],
  ['space', 'eth 0'],
  ['colon', 'eth:0'],
  ['ideographic space', 'eth\u30000'],
  ['empty', ''],
];

/** The attachment made before the tests; GC must be told to keep it. */
const KEEP = { containerID: 'existing', ifname: 'eth0' };

let sb: RuntimeSandbox;
before(async () => {
  sb = runtimeSandbox();
  // A real attachment first, so results/ exists and holds an entry the hostile calls must not disturb.
  await sb.cni.addNetworkList(sb.list('net'), sb.rt('existing'));
  sb.clearCalls();
});
let checked = 0;
after(() => {
  console.log(
    `paths: ${checked} operations with hostile names, each with the cache's parent snapshotted before and after`,
  );
  sb.cleanup();
});
beforeEach(() => sb.clearCalls());

/** Runs `op`; it must fail with a CNIError (or, where `mayPass`, succeed) and leave the parent dir untouched. */
async function untouched(what: string, op: () => Promise<unknown>, mayPass = false): Promise<void> {
  checked++;
  const beforeSnap = snapshot(sb.parent);
  let error: unknown;
  try {
    await op();
  } catch (e) {
    error = e;
  }
  if (error === undefined) assert.ok(mayPass, `${what}: succeeded, expected a refusal`);
  else assert.ok(CNIError.is(error), `${what}: threw ${String(error)}`);
  assert.deepEqual(snapshot(sb.parent), beforeSnap, `${what}: the cache's parent changed`);
  assert.equal(existsSync('/tmp/cnikit-escape-existing-eth0'), false);
}

describe('hostile network names', () => {
  for (const [label, name] of HOSTILE_IDS) {
    it(`${label}: ADD, CHECK and the cache getters refuse it untouched; DEL touches nothing`, async () => {
      const list = sb.list(name);
      const rt = sb.rt('c1');
      await untouched('ADD', () => sb.cni.addNetworkList(list, rt));
      assert.deepEqual(sb.calls(), [], 'ADD ran a plugin for a name it must refuse');
      await untouched('CHECK', () => sb.cni.checkNetworkList(list, rt));
      await untouched('cached result', () => sb.cni.getNetworkListCachedResult(list, rt), true);
      await untouched('cached config', () => sb.cni.getNetworkListCachedConfig(list, rt), true);
      // DEL may still run the plugins (teardown must not depend on the cache), but never touches the cache.
      await untouched('DEL', () => sb.cni.delNetworkList(list, rt), true);
      await untouched('GC', () => sb.cni.gcNetworkList(list, { validAttachments: [KEEP] }), true);
    });
  }
});

describe('hostile container IDs', () => {
  for (const [label, cid] of HOSTILE_IDS) {
    it(`${label}: ADD, CHECK and the cache getters refuse it untouched; DEL touches nothing`, async () => {
      const list = sb.list('net');
      const rt = sb.rt(cid);
      await untouched('ADD', () => sb.cni.addNetworkList(list, rt));
      assert.deepEqual(sb.calls(), [], 'ADD ran a plugin for a name it must refuse');
      await untouched('CHECK', () => sb.cni.checkNetworkList(list, rt));
      await untouched('cached result', () => sb.cni.getNetworkListCachedResult(list, rt), true);
      await untouched('cached config', () => sb.cni.getNetworkListCachedConfig(list, rt), true);
      await untouched('attachments', () => sb.cni.getCachedAttachments(cid), true);
      await untouched('DEL', () => sb.cni.delNetworkList(list, rt), true);
      await untouched(
        'GC',
        () => sb.cni.gcNetworkList(list, { validAttachments: [KEEP, { containerID: cid, ifname: 'eth0' }] }),
        true,
      );
    });
  }
});

describe('hostile interface names', () => {
  for (const [label, ifName] of HOSTILE_IFNAMES) {
    it(`${label}: ADD, CHECK and the cache getters refuse it untouched; DEL touches nothing`, async () => {
      const list = sb.list('net');
      const rt = sb.rt('c1', ifName);
      await untouched('ADD', () => sb.cni.addNetworkList(list, rt));
      assert.deepEqual(sb.calls(), [], 'ADD ran a plugin for a name it must refuse');
      await untouched('CHECK', () => sb.cni.checkNetworkList(list, rt));
      await untouched('cached result', () => sb.cni.getNetworkListCachedResult(list, rt), true);
      await untouched('DEL', () => sb.cni.delNetworkList(list, rt), true);
    });
  }

  // Upstream and the kernel accept these (only '/', ':', whitespace, '.', '..' and > 15 bytes are refused), so cnikit
  // does too; what matters is that the file lands in results/ under exactly that name, and goes with DEL.
  for (const [label, ifName] of [
    ['fullwidth digit', 'eth\uff10'],
    ['fullwidth solidus', 'e\uff0f0'],
    ['division slash', 'e\u22150'],
  ] as const) {
    it(`${label}: accepted as upstream does, but only ever as one file directly in results/`, async () => {
      const list = sb.list('net');
      const rt = sb.rt('c1', ifName);
      const cache = new ResultCache(sb.cacheDir);
      const file = join(sb.cacheDir, 'results', `net-c1-${ifName}`);
      await sb.cni.addNetworkList(list, rt);
      assert.equal(cache.entryPath({ networkName: 'net', containerId: 'c1', ifName }), file);
      assert.equal(existsSync(file), true);
      const names = snapshot(sb.parent).map((l) => l.split(' ')[0]);
      assert.deepEqual(
        names.filter((n) => n?.includes(ifName)),
        [`cache/results/net-c1-${ifName}`],
      );
      await sb.cni.delNetworkList(list, rt);
      assert.equal(existsSync(file), false);
    });
  }
});

describe('the cache API itself', () => {
  it('read, write, remove and quarantine refuse hostile keys and paths before touching anything', async () => {
    const cache = new ResultCache(sb.cacheDir);
    const entry = {
      kind: 'cniCacheV1' as const,
      containerId: '../x',
      config: new Uint8Array(0),
      ifName: 'eth0',
      networkName: 'net',
      cniArgs: [],
      capabilityArgs: {},
    };
    for (const [, id] of HOSTILE_IDS) {
      const key = { networkName: 'net', containerId: id, ifName: 'eth0' };
      await untouched(`write ${JSON.stringify(id)}`, () => cache.write(key, { ...entry, containerId: id }));
      // A name no file can have is refused, or read as missing; never reported as a corrupt file.
      await untouched(
        `read ${JSON.stringify(id)}`,
        async () => {
          const read = await cache.read(key);
          assert.equal(read.state, 'missing', `read ${JSON.stringify(id.slice(0, 20))}: ${JSON.stringify(read)}`);
        },
        true,
      );
      await untouched(`remove ${JSON.stringify(id)}`, () => cache.remove(key));
    }
    for (const p of ['/etc/passwd', join(sb.cacheDir, 'results', '..', 'x'), join(sb.parent, 'x'), sb.cacheDir]) {
      await untouched(`quarantine ${p}`, () => cache.quarantine(p, 'test'));
    }
  });
});

describe('names too long for a file name (valid characters, 4 KiB)', () => {
  it('ADD into a cache dir that does not exist yet creates nothing at all', async () => {
    const fresh = runtimeSandbox();
    try {
      const before = snapshot(fresh.parent);
      for (const [net, cid] of [
        ['net', 'c'.repeat(KIB4)],
        ['n'.repeat(KIB4), 'c1'],
        ['../x', 'c1'],
        ['net', '../x'],
      ] as const) {
        await assert.rejects(fresh.cni.addNetworkList(fresh.list(net), fresh.rt(cid)), (e: unknown) => CNIError.is(e));
      }
      assert.deepEqual(snapshot(fresh.parent), before, 'the refused ADDs created the cache dir');
      assert.deepEqual(fresh.calls(), []);
    } finally {
      fresh.cleanup();
    }
  });

  it('DEL runs the plugins and succeeds: there is no entry to remove, so nothing can fail after teardown', async () => {
    for (const [net, cid] of [
      ['net', 'c'.repeat(KIB4)],
      ['n'.repeat(KIB4), 'c1'],
    ] as const) {
      sb.clearCalls();
      const before = snapshot(sb.parent);
      // A retry loop (kubelet's) would otherwise call this DEL forever.
      await sb.cni.delNetworkList(sb.list(net), sb.rt(cid));
      assert.deepEqual(
        sb.calls().map((c) => c.command),
        ['DEL'],
      );
      assert.deepEqual(snapshot(sb.parent), before);
    }
  });
});
