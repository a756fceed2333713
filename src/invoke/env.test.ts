import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPluginEnv } from './env.ts';

const base = { PATH: '/usr/bin', HOME: '/root', CNI_IFNAME: 'inherited', CNI_NETNS_OVERRIDE: '1', GONE: undefined };
const cni = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('CNI_') && k !== 'CNI_NETNS_OVERRIDE'));

describe('buildPluginEnv', () => {
  it('sends all six CNI_* variables for ADD/CHECK/DEL and passes the rest of the environment through', () => {
    const env = buildPluginEnv(
      {
        command: 'ADD',
        containerId: 'c1',
        netns: '/var/run/netns/x',
        ifName: 'eth0',
        pluginArgs: [
          ['K8S_POD_NAME', 'p'],
          ['IgnoreUnknown', '1'],
        ],
        path: ['/opt/cni/bin', '/usr/lib/cni'],
      },
      base,
    );
    assert.deepEqual(cni(env), {
      CNI_IFNAME: 'eth0',
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c1',
      CNI_NETNS: '/var/run/netns/x',
      CNI_ARGS: 'K8S_POD_NAME=p;IgnoreUnknown=1',
      CNI_PATH: '/opt/cni/bin:/usr/lib/cni',
    });
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.CNI_NETNS_OVERRIDE, '1');
    assert.equal('GONE' in env, false);
  });

  it('sets empty values rather than leaving inherited ones (DEL without netns)', () => {
    const env = buildPluginEnv({ command: 'DEL', containerId: 'c1', ifName: 'eth0', path: [] }, base);
    assert.equal(env.CNI_NETNS, '');
    assert.equal(env.CNI_ARGS, '');
    assert.equal(env.CNI_PATH, '');
  });

  for (const command of ['GC', 'STATUS'] as const) {
    it(`${command} carries only CNI_COMMAND and CNI_PATH values`, () => {
      const env = buildPluginEnv(
        { command, containerId: 'c1', netns: '/n', ifName: 'eth0', pluginArgs: [['A', 'b']], path: ['/opt/cni/bin'] },
        base,
      );
      assert.deepEqual(cni(env), {
        CNI_IFNAME: '',
        CNI_COMMAND: command,
        CNI_CONTAINERID: '',
        CNI_NETNS: '',
        CNI_ARGS: '',
        CNI_PATH: '/opt/cni/bin',
      });
    });
  }

  it("VERSION sends upstream's dummy values that old-skel plugins demand", () => {
    const env = buildPluginEnv({ command: 'VERSION', containerId: 'c', path: ['/x'] }, base);
    assert.deepEqual(cni(env), {
      CNI_IFNAME: 'dummy',
      CNI_COMMAND: 'VERSION',
      CNI_CONTAINERID: '',
      CNI_NETNS: 'dummy',
      CNI_ARGS: '',
      CNI_PATH: 'dummy',
    });
  });

  it('uses process.env by default and keeps a variable named __proto__ as a plain key', () => {
    assert.equal(buildPluginEnv({ command: 'ADD', path: [] }).PATH, process.env.PATH);
    const env = buildPluginEnv({ command: 'ADD', path: [] }, JSON.parse('{"__proto__":"x"}'));
    assert.ok(Object.hasOwn(env, '__proto__'));
    assert.equal(Object.getPrototypeOf(env), Object.prototype);
  });

  it('refuses CNI_ARGS that could not be read back (code 4)', () => {
    assert.throws(
      () => buildPluginEnv({ command: 'ADD', pluginArgs: [['a', 'b;c']], path: [] }, {}),
      /invalid CNI_ARGS pair/,
    );
  });
});
