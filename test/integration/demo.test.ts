// `cnikit demo` for real (root, Debian's reference plugins): it must exit 0, say nothing leaked, and leave no
// namespace, link, iptables rule or temp dir behind, also when interrupted half-way.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { CLI, ensureBuilt, REPO_ROOT } from '../cli/helpers.ts';

const SKIP =
  typeof process.getuid === 'function' && process.getuid() !== 0
    ? 'needs root (creates network namespaces)'
    : !existsSync('/usr/lib/cni/bridge')
      ? 'reference plugins missing: apt-get install containernetworking-plugins iptables (or ./scripts/setup.sh)'
      : false;

function sh(cmd: string, args: string[]): string {
  return spawnSync(cmd, args, { encoding: 'utf8' }).stdout;
}

/** What the demo could leave on the machine itself (it must leave none of it). */
function traces(): { netns: string[]; rootLinks: string[]; rootRules: string[]; tmpDirs: string[] } {
  return {
    netns: sh('ip', ['netns', 'list'])
      .split('\n')
      .filter((l) => l.startsWith('cnikit-demo-')),
    rootLinks: sh('ip', ['-o', 'link', 'show'])
      .split('\n')
      .filter((l) => l.includes('cnikit-demo')),
    rootRules: sh('iptables-save', [])
      .split('\n')
      .filter((l) => l.includes('10.123.0.') || l.includes('cnikit-demo')),
    tmpDirs: sh('sh', ['-c', 'ls -d /tmp/cnikit-demo-* 2>/dev/null'])
      .split('\n')
      .filter((l) => l !== ''),
  };
}

const NO_TRACES = { netns: [], rootLinks: [], rootRules: [], tmpDirs: [] };

describe('cnikit demo', { skip: SKIP }, () => {
  before(() => {
    ensureBuilt();
    assert.deepEqual(traces(), NO_TRACES, 'a previous run left something behind');
  });

  it('runs the whole story, exits 0 and leaves nothing behind', () => {
    const r = spawnSync(process.execPath, [CLI, 'demo'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(!r.stdout.includes('\u001b['), 'NO_COLOR is respected');
    assert.match(r.stdout, /"cacheState": "empty"/);
    assert.match(r.stdout, /"prevResultSource": "reconstructed"/);
    // Every resource existed after ADD and is gone after DEL.
    for (const label of [
      'host veth',
      'container interface',
      'IP reservation \\(host-local\\)',
      'iptables rules and chains',
      'cache entry',
    ]) {
      assert.match(r.stdout, new RegExp(`${label} +[1-9]\\d* -> 0 +gone`), label);
    }
    assert.match(r.stdout, /Nothing leaked/);
    assert.deepEqual(traces(), NO_TRACES);
  });

  it('cleans up everything when interrupted mid-way (SIGINT to its process group, as Ctrl-C sends)', async () => {
    const child = spawn(process.execPath, [CLI, 'demo'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo never reached step 3:\n${out}`)), 60_000);
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('3. What ADD made')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.ok(child.pid !== undefined);
    process.kill(-child.pid, 'SIGINT');
    const code = await exited;
    assert.equal(code, 130, out);
    assert.match(out, /cleaned up: namespaces cnikit-demo-\d+-c, cnikit-demo-\d+ deleted/);
    assert.deepEqual(traces(), NO_TRACES);
  });
});
