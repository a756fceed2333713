import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listConfFiles } from './conf-files.ts';
import {
  ConfDirMissingError,
  ConfigParseError,
  ConfigReadError,
  NetworkNotFoundError,
  NoConfigsFoundError,
} from './errors.ts';
import { loadConfigListFile, loadNetworkConfigList } from './load.ts';

let root = '';
let n = 0;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cnikit-conf-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh conf dir holding the given files (values are JSON-encoded unless already strings). */
async function confDir(files: Record<string, unknown>): Promise<string> {
  const dir = join(root, `d${n++}`);
  await mkdir(dir);
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const conflist = (name: string, types: string[] = ['bridge'], extra: object = {}) => ({
  cniVersion: '1.1.0',
  name,
  plugins: types.map((type) => ({ type })),
  ...extra,
});
const conf = (name: string, type = 'bridge') => ({ cniVersion: '0.4.0', name, type });
const types = (l: { plugins: readonly { network: { type: string } }[] }) => l.plugins.map((p) => p.network.type);

describe('listConfFiles', () => {
  it('lists exact extensions sorted by name, skipping directories; a missing dir is empty', async () => {
    const dir = await confDir({ 'b.conf': '', 'a.json': '', 'c.conflist': '', 'x.CONF': '', 'sub.conf/x': '' });
    assert.deepEqual(await listConfFiles(dir, ['.conf', '.json']), [join(dir, 'a.json'), join(dir, 'b.conf')]);
    assert.deepEqual(await listConfFiles(dir, ['.conflist']), [join(dir, 'c.conflist')]);
    assert.deepEqual(await listConfFiles(join(dir, 'nope'), ['.conf']), []);
  });
  it('reports a path that is not a directory as a read error', async () => {
    const dir = await confDir({ 'f.conf': '{}' });
    await assert.rejects(listConfFiles(join(dir, 'f.conf'), ['.conf']), ConfigReadError);
  });
});

describe('loadConfigListFile', () => {
  it('reads a list; a missing file is ConfigReadError in upstream wording', async () => {
    const dir = await confDir({ 'a.conflist': conflist('a', ['x', 'y']) });
    const l = await loadConfigListFile(join(dir, 'a.conflist'));
    assert.deepEqual(types(l), ['x', 'y']);
    assert.equal(l.source, join(dir, 'a.conflist'));
    const missing = join(dir, 'nope.conflist');
    await assert.rejects(loadConfigListFile(missing), (e: unknown) => {
      assert.ok(e instanceof ConfigReadError);
      assert.equal(e.code, 5);
      assert.match(e.message, new RegExp(`^error reading ${missing}: .*no such file or directory`));
      return true;
    });
  });

  it('appends <dir>/<name>/*.conf after the inlined plugins, sorted', async () => {
    const dir = await confDir({
      'net.conflist': conflist('net', ['inline']),
      'net/20-b.conf': { type: 'second' },
      'net/10-a.conf': { type: 'first' },
      'net/30-c.json': { type: 'ignored' },
      'other/1.conf': { type: 'not-mine' },
    });
    assert.deepEqual(types(await loadConfigListFile(join(dir, 'net.conflist'))), ['inline', 'first', 'second']);
  });

  it('loads plugins only from the subdirectory when the list has no plugins key', async () => {
    const dir = await confDir({ 'net.conflist': { name: 'net', cniVersion: '1.1.0' }, 'net/1.conf': { type: 'sub' } });
    assert.deepEqual(types(await loadConfigListFile(join(dir, 'net.conflist'))), ['sub']);
  });

  it('ignores the subdirectory when loadOnlyInlinedPlugins is true', async () => {
    const dir = await confDir({
      'net.conflist': conflist('net', ['inline'], { loadOnlyInlinedPlugins: 'True' }),
      'net/1.conf': { type: 'sub' },
    });
    assert.deepEqual(types(await loadConfigListFile(join(dir, 'net.conflist'))), ['inline']);
  });

  it('fails with "no plugin configs found" naming the file when nothing is found', async () => {
    const dir = await confDir({ 'net.conflist': { name: 'net' } });
    await assert.rejects(loadConfigListFile(join(dir, 'net.conflist')), (e: unknown) => {
      assert.ok(e instanceof ConfigParseError);
      assert.equal(e.msg, 'no plugin configs found');
      assert.equal(e.file, join(dir, 'net.conflist'));
      return true;
    });
  });

  it('reports a bad plugin file in the subdirectory by its own path', async () => {
    const dir = await confDir({ 'net.conflist': { name: 'net' }, 'net/1.conf': '{"name":"x"}' });
    await assert.rejects(loadConfigListFile(join(dir, 'net.conflist')), (e: unknown) => {
      assert.ok(e instanceof ConfigParseError);
      assert.equal(e.msg, "error parsing configuration: missing 'type'");
      assert.equal(e.file, join(dir, 'net/1.conf'));
      return true;
    });
  });

  it('never turns a list name into a path outside the conf dir', async () => {
    const dir = await confDir({ 'sub/net.conflist': { name: '..' }, '1.conf': { type: 'escaped' } });
    await assert.rejects(loadConfigListFile(join(dir, 'sub/net.conflist')), /no plugin configs found/);
    const dir2 = await confDir({ 'sub/net.conflist': { name: '' }, 'sub/1.conf': { type: 'self' } });
    await assert.rejects(loadConfigListFile(join(dir2, 'sub/net.conflist')), /no plugin configs found/);
  });
});

describe('loadNetworkConfigList', () => {
  it('prefers a conflist over a .conf of the same name, whatever the file order', async () => {
    const dir = await confDir({
      '00-net.conf': conf('net', 'from-conf'),
      '99-net.conflist': conflist('net', ['from-list']),
    });
    const l = await loadNetworkConfigList(dir, 'net');
    assert.deepEqual(types(l), ['from-list']);
    assert.equal(l.source, join(dir, '99-net.conflist'));
  });

  it('returns the first matching conflist in name order', async () => {
    const dir = await confDir({ 'b.conflist': conflist('net', ['b']), 'a.conflist': conflist('net', ['a']) });
    assert.deepEqual(types(await loadNetworkConfigList(dir, 'net')), ['a']);
  });

  it('falls back to .conf and .json files, lifted into a one-plugin list', async () => {
    const dir = await confDir({
      'x.conflist': conflist('other'),
      '20-net.json': conf('net', 'from-json'),
      '30-net.conf': conf('net', 'later'),
    });
    const l = await loadNetworkConfigList(dir, 'net');
    assert.equal(l.name, 'net');
    assert.equal(l.cniVersion, '0.4.0');
    assert.deepEqual(types(l), ['from-json']);
    assert.equal(l.source, join(dir, '20-net.json'));
  });

  it('distinguishes a missing dir, an empty dir and a name not found', async () => {
    const missing = join(root, 'no-such-dir');
    await assert.rejects(loadNetworkConfigList(missing, 'net'), (e: unknown) => {
      assert.ok(e instanceof ConfDirMissingError);
      assert.equal(e.name, 'ConfDirMissingError');
      assert.equal(e.code, 7);
      assert.equal(e.msg, `no net configurations found in ${missing}`);
      return true;
    });
    const empty = await confDir({ 'README.md': 'x' });
    await assert.rejects(loadNetworkConfigList(empty, 'net'), (e: unknown) => {
      assert.ok(e instanceof NoConfigsFoundError && !(e instanceof ConfDirMissingError));
      assert.equal(e.message, `no net configurations found in ${empty}`);
      return true;
    });
    const onlyLists = await confDir({ 'a.conflist': conflist('a') });
    await assert.rejects(loadNetworkConfigList(onlyLists, 'net'), (e: unknown) => {
      assert.ok(e instanceof NetworkNotFoundError);
      assert.equal(e.message, `no net configuration with name "net" in ${onlyLists}`);
      return true;
    });
    const onlyConfs = await confDir({ 'a.conf': conf('a') });
    await assert.rejects(loadNetworkConfigList(onlyConfs, 'net'), NetworkNotFoundError);
  });

  it('aborts on the first malformed file, naming it, even when a later file matches', async () => {
    const dir = await confDir({ '00-bad.conflist': '{', '10-net.conflist': conflist('net') });
    await assert.rejects(loadNetworkConfigList(dir, 'net'), (e: unknown) => {
      assert.ok(e instanceof ConfigParseError);
      assert.equal(e.code, 6);
      assert.match(e.msg, /^error parsing configuration list: /);
      assert.equal(e.file, join(dir, '00-bad.conflist'));
      assert.match(e.message, /00-bad\.conflist/);
      return true;
    });
    const dir2 = await confDir({ '00-bad.conf': '{', '10-net.conf': conf('net') });
    await assert.rejects(loadNetworkConfigList(dir2, 'net'), (e: unknown) => {
      assert.ok(e instanceof ConfigParseError);
      assert.match(e.msg, /^error parsing configuration: /);
      assert.equal(e.file, join(dir2, '00-bad.conf'));
      return true;
    });
  });

  it("aborts on another network's conflist that has no plugins", async () => {
    const dir = await confDir({ '00-other.conflist': { name: 'other' }, '10-net.conflist': conflist('net') });
    await assert.rejects(loadNetworkConfigList(dir, 'net'), /no plugin configs found/);
  });
});
