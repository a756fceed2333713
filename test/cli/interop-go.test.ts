// An attachment made by Go cnitool (bench/go/bin/cnigo-tool, on Debian's libcni 1.1.2) is removed by cnikit and the
// reverse: same container ID from the same netns, and each reads the other's cache as prevResult.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt, type Fixture, makeFixture, REPO_ROOT, runCli } from './helpers.ts';

const GO_TOOL = join(REPO_ROOT, 'bench', 'go', 'bin', 'cnigo-tool');

let fx: Fixture;
before(() => {
  ensureBuilt();
  fx = makeFixture();
  // libcni 1.1.2 knows results up to 1.0.0: a recorder that answers in 1.0.0, on a 1.0.0 network.
  const recorder = readFileSync(join(fx.pluginDir, 'recorder'), 'utf8').replace(
    '"cniVersion":"1.1.0","interfaces"',
    '"cniVersion":"1.0.0","interfaces"',
  );
  writeFileSync(join(fx.pluginDir, 'rec100'), recorder, { mode: 0o755 });
  writeFileSync(
    join(fx.confDir, '50-r100.conflist'),
    JSON.stringify({ cniVersion: '1.0.0', name: 'r100', plugins: [{ type: 'rec100' }] }),
  );
});
after(() => fx?.cleanup());

function goTool(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(GO_TOOL, args, { env: { PATH: process.env.PATH ?? '', ...fx.env }, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

describe('cnitool interop', {
  skip: existsSync(GO_TOOL) ? false : `${GO_TOOL} not built (scripts/build-go.sh)`,
}, () => {
  it('Go adds, cnikit deletes (with the Go-written cache as prevResult)', () => {
    assert.equal(goTool(['add', 'r100', '/run/netns/interop-a']).code, 0);
    const added = fx.calls().at(-1);
    const r = runCli(['del', 'r100', '/run/netns/interop-a'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    const deleted = fx.calls().at(-1);
    assert.equal(deleted?.command, 'DEL');
    assert.equal(deleted?.containerId, added?.containerId);
    assert.deepEqual((fx.stdin('DEL').prevResult as { ips: unknown[] }).ips.length, 1);
  });
  it('cnikit adds, Go deletes', () => {
    assert.equal(runCli(['add', 'r100', '/run/netns/interop-b'], fx.env).code, 0);
    const added = fx.calls().at(-1);
    const g = goTool(['del', 'r100', '/run/netns/interop-b']);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(fx.calls().at(-1)?.containerId, added?.containerId);
    assert.deepEqual((fx.stdin('DEL').prevResult as { ips: unknown[] }).ips.length, 1);
    assert.deepEqual(readdirSync(fx.resultsDir), []);
  });
});
