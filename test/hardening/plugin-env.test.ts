// The environment a plugin runs with is exactly the caller's environment plus the spec's CNI_* variables: cnikit adds
// nothing of its own, a caller's stale CNI_* never leaks through, and a variable given to one exec call stays there.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { parseConfigList } from '../../src/config/index.ts';
import { buildPluginEnv, createExec } from '../../src/invoke/index.ts';
import { CNI } from '../../src/runtime/index.ts';

const HOSTILE_DIR = new URL('../fixtures/hostile/', import.meta.url).pathname;
const PLUGIN = join(HOSTILE_DIR, 'hostile');
const work = mkdtempSync(join(tmpdir(), 'cnikit-env-'));
const envFile = join(work, 'env.json');
after(() => rmSync(work, { recursive: true, force: true }));

const CNI_KEYS = ['CNI_COMMAND', 'CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS', 'CNI_PATH'];
const saved = new Map<string, string | undefined>();
/** Sets a variable in this process for one test (restored after it). */
function setEnv(key: string, value: string): void {
  if (!saved.has(key)) saved.set(key, process.env[key]);
  process.env[key] = value;
}
afterEach(() => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  saved.clear();
});

function seen(): Record<string, string> {
  return JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
}

/** process.env as it is now, without undefined members. */
function callerEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) out[k] = v;
  return out;
}

function list(version = '1.1.0') {
  return parseConfigList(
    JSON.stringify({
      cniVersion: version,
      name: 'net',
      plugins: [{ type: 'hostile', behaviour: 'env', envFile, allCommands: true }],
    }),
  );
}

const cni = () => new CNI({ path: [HOSTILE_DIR], cacheDir: join(work, 'cache'), stderr: () => {} });
const rt = { containerId: 'c1', netns: '/var/run/netns/x', ifName: 'eth0', args: [['K8S_POD_NAME', 'p'] as const] };

describe('the environment plugins get', () => {
  it('ADD: the caller environment plus exactly the six CNI_* variables, nothing of cnikit', async () => {
    await cni().addNetworkList(list(), rt);
    assert.deepEqual(seen(), {
      ...callerEnv(),
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c1',
      CNI_NETNS: '/var/run/netns/x',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'K8S_POD_NAME=p',
      CNI_PATH: HOSTILE_DIR,
    });
    await cni().delNetworkList(list(), rt);
  });

  it("the caller's own stale CNI_* values never reach a plugin (attachment commands, GC, STATUS)", async () => {
    for (const k of CNI_KEYS) setEnv(k, `stale-${k}`);
    await cni().addNetworkList(list(), rt);
    assert.equal(seen().CNI_CONTAINERID, 'c1');
    assert.equal(seen().CNI_ARGS, 'K8S_POD_NAME=p');
    await cni().getStatusNetworkList(list());
    const status = seen();
    assert.equal(status.CNI_COMMAND, 'STATUS');
    for (const k of ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS']) assert.equal(status[k], '', k);
    await cni().gcNetworkList(list(), { validAttachments: [{ containerID: 'c1', ifname: 'eth0' }] });
    const gc = seen();
    assert.equal(gc.CNI_COMMAND, 'GC');
    for (const k of ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS']) assert.equal(gc[k], '', k);
    await cni().delNetworkList(list(), rt);
    assert.equal(seen().CNI_COMMAND, 'DEL');
    assert.equal(seen().CNI_CONTAINERID, 'c1');
  });

  it('a secret given to one exec call stays in that call; the next runtime call does not see it', async () => {
    const before = callerEnv();
    const exec = createExec({ stderr: () => {} });
    const env = {
      ...buildPluginEnv({ command: 'ADD', containerId: 'c9', ifName: 'eth0', path: [] }),
      CNIKIT_TEST_SECRET: 'hunter2',
    };
    const stdin = Buffer.from(JSON.stringify({ cniVersion: '1.1.0', name: 'net', behaviour: 'env', envFile }));
    await exec.execPlugin(PLUGIN, stdin, env, {});
    assert.equal(seen().CNIKIT_TEST_SECRET, 'hunter2', 'the call-local variable did not arrive');
    assert.deepEqual(callerEnv(), before, 'an exec call changed process.env');
    await cni().addNetworkList(list(), rt);
    assert.equal(seen().CNIKIT_TEST_SECRET, undefined, 'a call-local secret leaked into a later call');
    await cni().delNetworkList(list(), rt);
  });

  it('a caller variable named __proto__ stays a plain variable', () => {
    const env = buildPluginEnv(
      { command: 'ADD', path: [] },
      JSON.parse('{"__proto__":"x","A":"1"}') as Record<string, string>,
    );
    assert.equal(Object.getPrototypeOf(env), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(env, '__proto__')?.value, 'x');
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});
