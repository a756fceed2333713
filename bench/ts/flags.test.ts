import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags, UsageError } from './flags.ts';

test('takes cnibench flags as Go does: -name value, -name=value, --name, bare booleans', () => {
  const o = parseFlags(['-mode', 'exec', '--n=7', '-perplugin', '-raw=false', '-cap-args', '{"a":1}'], {});
  assert.equal(o.mode, 'exec');
  assert.equal(o.n, 7);
  assert.equal(o.perPlugin, true);
  assert.equal(o.raw, false);
  assert.equal(o.capArgs, '{"a":1}');
});

test('defaults follow cnibench, CNI_PATH and NETCONFPATH included', () => {
  const o = parseFlags([], { CNI_PATH: '/p', NETCONFPATH: '/c' });
  assert.equal(o.pluginPath, '/p');
  assert.equal(o.confDir, '/c');
  assert.equal(o.n, 100);
  assert.equal(o.concurrency, 32);
  assert.equal(o.total, 256);
  assert.equal(o.ifName, 'eth0');
});

test('refuses unknown flags, missing values, bad numbers and stray arguments', () => {
  assert.throws(() => parseFlags(['-nope'], {}), UsageError);
  assert.throws(() => parseFlags(['-n'], {}), /needs an argument/);
  assert.throws(() => parseFlags(['-n', 'x'], {}), /invalid value/);
  assert.throws(() => parseFlags(['extra'], {}), /unexpected argument/);
});
