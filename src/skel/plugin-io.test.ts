import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOwnNetns } from './plugin-io.ts';

describe('plugin io', () => {
  it('reads all of a large piped stdin and writes all of a large stdout, synchronously', () => {
    // A child process reads fd 0 and echoes it to fd 1 through readAllFd/writeAllFd; 1 MiB crosses pipe buffers.
    const here = new URL('./plugin-io.ts', import.meta.url).pathname;
    const script = `import { readAllFd, writeAllFd } from ${JSON.stringify(here)};
      const b = readAllFd(0); writeAllFd(1, Buffer.from(b).toString('latin1'));`;
    const input = Buffer.alloc(1024 * 1024, 'a');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      input,
      maxBuffer: 4 * 1024 * 1024,
    });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(r.stdout.length, input.length);
  });
  it('knows its own network namespace and treats unopenable paths as not its own', () => {
    assert.equal(isOwnNetns('/proc/self/ns/net'), true);
    assert.equal(isOwnNetns('/var/run/netns/does-not-exist'), false);
    assert.equal(isOwnNetns(''), false);
    const dir = mkdtempSync(join(tmpdir(), 'skel-io-'));
    try {
      writeFileSync(join(dir, 'f'), '');
      assert.equal(isOwnNetns(join(dir, 'f')), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
