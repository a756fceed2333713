import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseValidEntry, validFromFile, validFromFlags } from './valid-set.ts';

describe('valid set', () => {
  it('parses CID/IFNAME entries from repeated, comma-separated flags', () => {
    assert.deepEqual(validFromFlags(['a/eth0,b/net1', ' c/eth0 '], ''), [
      { containerID: 'a', ifname: 'eth0' },
      { containerID: 'b', ifname: 'net1' },
      { containerID: 'c', ifname: 'eth0' },
    ]);
  });
  it('refuses entries without exactly one / between non-empty parts', () => {
    for (const bad of ['a', 'a/', '/b', 'a/b/c'])
      assert.throws(() => parseValidEntry(bad, '--valid', ''), /want CONTAINER_ID\/IFNAME/);
  });
  it('reads a file, skipping comments and blank lines, naming the line of a bad entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnikit-valid-'));
    try {
      const file = join(dir, 'v');
      writeFileSync(file, '# x\n\na/eth0\r\nb/eth1\n');
      assert.deepEqual(await validFromFile(file, ''), [
        { containerID: 'a', ifname: 'eth0' },
        { containerID: 'b', ifname: 'eth1' },
      ]);
      writeFileSync(file, 'a/eth0\n\nbroken\n');
      await assert.rejects(validFromFile(file, ''), new RegExp(`${file}:3`));
      await assert.rejects(validFromFile(join(dir, 'missing'), ''), /cannot read --valid-file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
