// The demo refuses to start, with the fix spelled out, when it cannot run here (no root, no plugins).
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ensureBuilt, runCli } from './helpers.ts';

before(() => ensureBuilt());

it('demo without root or without the plugins exits 1 and says how to fix it', () => {
  const r = runCli(['demo', '--plugin-dir', '/nonexistent-cnikit-plugins']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) {
    assert.match(r.stderr, /missing from \/nonexistent-cnikit-plugins: bridge, host-local, portmap, firewall/);
    assert.match(r.stderr, /apt-get install containernetworking-plugins iptables/);
    assert.match(r.stderr, /scripts\/setup\.sh/);
  } else {
    assert.match(r.stderr, /must run as root/);
  }
});
