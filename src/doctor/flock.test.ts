import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type LockBackend, lockStore } from './flock.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-flock-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HAS_FLOCK = spawnSync('flock', ['--version']).status === 0;
const HOST_LOCAL = '/usr/lib/cni/host-local';

/** Holds the lock from another process (util-linux flock, i.e. flock(2) as host-local takes it) for `ms`. */
async function holdElsewhere(lockPath: string, ms: number): Promise<ChildProcess> {
  const child = spawn('flock', ['-x', lockPath, 'sh', '-c', `echo held; sleep ${ms / 1000}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('error', reject);
    child.once('exit', () => reject(new Error('holder exited early')));
  });
  return child;
}

/** True when another process can take the lock right now (flock -n). */
function freeElsewhere(lockPath: string): boolean {
  return spawnSync('flock', ['-n', '-x', lockPath, 'true']).status === 0;
}

for (const backend of ['koffi', 'flock-cmd'] as const satisfies readonly LockBackend[]) {
  describe(`host-local store lock (${backend})`, { skip: !HAS_FLOCK && 'util-linux flock is not installed' }, () => {
    it('waits while another process holds the lock, and gets it when that process lets go', async () => {
      const store = join(dir, `wait-${backend}`);
      await mkdir(store);
      const holder = await holdElsewhere(join(store, 'lock'), 1200);
      const t0 = Date.now();
      const lock = await lockStore(store, { backend, timeoutMs: 10_000 });
      const waited = Date.now() - t0;
      assert.equal(lock.backend, backend);
      await lock.release();
      holder.kill();
      assert.ok(waited >= 900, `took the lock after ${waited} ms although another process held it for 1200 ms`);
    });

    it('excludes another process while held, and frees it on release', async () => {
      const store = join(dir, `hold-${backend}`);
      await mkdir(store);
      assert.equal(freeElsewhere(join(store, 'lock')), true);
      const lock = await lockStore(store, { backend });
      assert.equal(freeElsewhere(join(store, 'lock')), false, 'another process got the lock we hold');
      await lock.release();
      await lock.release();
      assert.equal(freeElsewhere(join(store, 'lock')), true);
    });

    it('gives up after the time-out with code 11', async () => {
      const store = join(dir, `timeout-${backend}`);
      await mkdir(store);
      const holder = await holdElsewhere(join(store, 'lock'), 3000);
      try {
        await assert.rejects(lockStore(store, { backend, timeoutMs: 300 }), (e: unknown) => {
          assert.equal((e as { code?: unknown }).code, 11);
          assert.match(String(e), /timed out after 300 ms waiting for host-local's lock/);
          return true;
        });
      } finally {
        holder.kill();
      }
    });
  });
}

describe('host-local store lock against host-local itself', {
  skip: !existsSync(HOST_LOCAL) && `${HOST_LOCAL} is not installed`,
}, () => {
  it('host-local cannot allocate while the doctor holds its lock', async () => {
    const data = join(dir, 'hl');
    const store = join(data, 'hlnet');
    await mkdir(store, { recursive: true });
    await writeFile(join(store, 'lock'), '');
    const conf = JSON.stringify({
      cniVersion: '1.0.0',
      name: 'hlnet',
      type: 'bridge',
      ipam: { type: 'host-local', subnet: '10.99.0.0/24', dataDir: data },
    });
    const lock = await lockStore(store);
    const child = spawn(HOST_LOCAL, [], {
      env: {
        CNI_COMMAND: 'ADD',
        CNI_CONTAINERID: 'c1',
        CNI_NETNS: '/nonexistent',
        CNI_IFNAME: 'eth0',
        CNI_PATH: '/usr/lib/cni',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(conf);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still waiting'), 800))]);
    const reservedWhileLocked = (await readdir(store)).filter((n) => n.startsWith('10.'));
    await lock.release();
    const code = await exited;
    assert.equal(early, 'still waiting', 'host-local finished while the doctor held its lock');
    assert.deepEqual(reservedWhileLocked, []);
    assert.equal(code, 0);
    assert.deepEqual(
      (await readdir(store)).filter((n) => n.startsWith('10.')),
      ['10.99.0.2'],
    );
  });
});
