import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAX_CONFIG_FILE_BYTES, readConfigFile } from './conf-files.ts';
import { ConfigReadError } from './errors.ts';

const root = mkdtempSync(join(tmpdir(), 'cnikit-conf-files-'));
after(() => rmSync(root, { recursive: true, force: true }));

async function refusal(path: string, why: RegExp): Promise<void> {
  await assert.rejects(readConfigFile(path), (e: unknown) => {
    assert.ok(e instanceof ConfigReadError, String(e));
    assert.equal(e.code, 5);
    assert.equal(e.file, path);
    assert.ok(e.message.startsWith(`error reading ${path}: `), e.message);
    assert.match(e.message, why);
    return true;
  });
}

describe('readConfigFile', () => {
  it('reads a regular file, also through a chain of symlinks (a ConfigMap mount)', async () => {
    mkdirSync(join(root, '..2024'));
    writeFileSync(join(root, '..2024', 'a.conf'), '{"type":"x"}');
    symlinkSync('..2024', join(root, '..data'));
    symlinkSync('..data/a.conf', join(root, 'a.conf'));
    assert.equal(Buffer.from(await readConfigFile(join(root, 'a.conf'))).toString(), '{"type":"x"}');
    writeFileSync(join(root, 'empty.conf'), '');
    assert.equal((await readConfigFile(join(root, 'empty.conf'))).length, 0);
  });

  it('reads a file of exactly the cap', async () => {
    const f = join(root, 'cap.conf');
    writeFileSync(f, Buffer.alloc(MAX_CONFIG_FILE_BYTES, 0x20));
    assert.equal((await readConfigFile(f)).length, MAX_CONFIG_FILE_BYTES);
  });

  it('refuses a FIFO at once instead of waiting for a writer', async () => {
    const f = join(root, 'fifo.conflist');
    execFileSync('mkfifo', [f]);
    await refusal(f, /not a regular file \(a FIFO\)/);
  });

  it('refuses a symlink to /dev/zero without reading it', async () => {
    const f = join(root, 'zero.conflist');
    symlinkSync('/dev/zero', f);
    await refusal(f, /not a regular file \(a character device\)/);
  });

  it('refuses a directory and a file one byte over the cap, by its size', async () => {
    mkdirSync(join(root, 'dir.conf'));
    await refusal(join(root, 'dir.conf'), /not a regular file \(a directory\)/);
    const f = join(root, 'big.conflist');
    closeSync(openSync(f, 'w'));
    truncateSync(f, MAX_CONFIG_FILE_BYTES + 1);
    await refusal(f, new RegExp(`${MAX_CONFIG_FILE_BYTES + 1} bytes, more than the ${MAX_CONFIG_FILE_BYTES}-byte`));
  });

  it('a missing file keeps the cause in upstream wording', async () => {
    const f = join(root, 'missing.conf');
    await refusal(f, /no such file or directory/);
  });
});
