import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidPluginTypeError, PluginNotFoundError } from './errors.ts';
import { findInPath } from './find-in-path.ts';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnikit-find-'));
  for (const d of ['a', 'b', 'c']) await mkdir(join(root, d));
  await writeFile(join(root, 'b', 'bridge'), '#!/bin/sh\n', { mode: 0o755 });
  await writeFile(join(root, 'c', 'bridge'), '#!/bin/sh\n', { mode: 0o755 });
  await mkdir(join(root, 'a', 'bridge')); // a directory of that name does not count
  await writeFile(join(root, 'c', 'noexec'), 'x', { mode: 0o644 });
  await symlink(join(root, 'c', 'bridge'), join(root, 'a', 'linked'));
  await writeFile(join(root, 'secret'), 'x', { mode: 0o755 });
});
after(() => rm(root, { recursive: true, force: true }));

describe('findInPath', () => {
  it('returns the first regular file in path order', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((d) => join(root, d));
    assert.equal(
      await findInPath('bridge', [join(root, 'missing'), a ?? '', b ?? '', c ?? '']),
      join(root, 'b', 'bridge'),
    );
    assert.equal(await findInPath('bridge', [c ?? '', b ?? '']), join(root, 'c', 'bridge'));
  });

  it('follows symlinks and, as upstream, does not check the executable bit', async () => {
    assert.equal(await findInPath('linked', [join(root, 'a')]), join(root, 'a', 'linked'));
    assert.equal(await findInPath('noexec', [join(root, 'c')]), join(root, 'c', 'noexec'));
  });

  it("reports upstream's message when nothing is found", async () => {
    const paths = [join(root, 'a'), join(root, 'b')];
    await assert.rejects(findInPath('nope', paths), (e: unknown) => {
      assert.ok(e instanceof PluginNotFoundError);
      assert.equal(e.message, `failed to find plugin "nope" in path [${paths[0]} ${paths[1]}]`);
      assert.equal(e.code, 7);
      assert.deepEqual(e.paths, paths);
      return true;
    });
    await assert.rejects(findInPath('bridge', []), /^PluginNotFoundError: no paths provided$/);
  });

  it('refuses types that could leave the search dirs, before touching the file system', async () => {
    for (const t of ['../secret', '..', 'a/bridge', `${root}/secret`, 'x\\y', 'x\0y', 'a..b']) {
      await assert.rejects(findInPath(t, [join(root, 'a')]), (e: unknown) => {
        assert.ok(e instanceof InvalidPluginTypeError, t);
        assert.equal(e.message, `invalid plugin name: ${t}`);
        return true;
      });
    }
    await assert.rejects(findInPath('', [root]), /no plugin name provided/);
  });
});
