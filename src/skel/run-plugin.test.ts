// In-process tests of the dispatcher through runPlugin with an injected io: every rule upstream skel has, checked
// on the exact stdout/stderr text and exit code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CNIError, goIndentJson, type Result, SUPPORTED_VERSIONS } from '../spec/index.ts';
import type { PluginIO } from './plugin-io.ts';
import { runPlugin } from './run-plugin.ts';
import type { CmdArgs, PluginFuncs } from './types.ts';

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
  readonly stdinReads: number;
  readonly calls: readonly { readonly command: string; readonly args: CmdArgs }[];
}

const ADD_ENV = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'ctr-1',
  CNI_NETNS: '/var/run/netns/test',
  CNI_IFNAME: 'eth0',
  CNI_PATH: '/opt/cni/bin',
};
const conf = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ cniVersion: '1.1.0', name: 'net1', type: 'test', ...extra });

/** Runs funcs in-process; handlers in `funcs` are wrapped to record their calls. */
async function run(
  funcs: PluginFuncs,
  env: Record<string, string>,
  stdin: string | Error = conf(),
  io: Partial<PluginIO> = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let exitCode: number | undefined;
  let stdinReads = 0;
  const calls: { command: string; args: CmdArgs }[] = [];
  const wrap = <A extends unknown[], R>(command: string, fn: ((...a: A) => R) | undefined) =>
    fn === undefined
      ? undefined
      : (...a: A): R => {
          calls.push({ command, args: a[0] as CmdArgs });
          return fn(...a);
        };
  const wrapped: PluginFuncs = { ...funcs };
  const add = wrap('ADD', funcs.add);
  const check = wrap('CHECK', funcs.check);
  const del = wrap('DEL', funcs.del);
  const gc = wrap('GC', funcs.gc);
  const status = wrap('STATUS', funcs.status);
  Object.assign(wrapped, { add, check, del, gc, status });
  await runPlugin(wrapped, {
    env,
    readStdin: () => {
      stdinReads++;
      if (stdin instanceof Error) throw stdin;
      return new TextEncoder().encode(stdin);
    },
    writeStdout: (t) => {
      stdout += t;
    },
    writeStderr: (t) => {
      stderr += t;
    },
    exit: (c) => {
      exitCode = c;
    },
    isOwnNetns: () => false,
    ...io,
  });
  return { stdout, stderr, exitCode, stdinReads, calls };
}

/** The error object printed on stdout, checked to be upstream's 4-space indented form. */
function errorOf(r: Run): { code: number; msg: string; details?: string } {
  assert.equal(r.exitCode, 1, `exit 1 expected, stdout: ${r.stdout}`);
  const parsed = JSON.parse(r.stdout) as { code: number; msg: string; details?: string };
  assert.equal(r.stdout, goIndentJson(parsed));
  return parsed;
}

const noop: PluginFuncs = { add: () => undefined, check: () => {}, del: () => {}, gc: () => {}, status: () => {} };

describe('skel environment rules', () => {
  it('names every missing variable per command, in upstream order, code 4', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ CNI_COMMAND: 'ADD' }, '[CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH]'],
      [{ CNI_COMMAND: 'CHECK' }, '[CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH]'],
      // DEL must work after the netns is gone, so CNI_NETNS is optional there.
      [{ CNI_COMMAND: 'DEL' }, '[CNI_CONTAINERID,CNI_IFNAME,CNI_PATH]'],
      [{ CNI_COMMAND: 'GC' }, '[CNI_PATH]'],
      [{ CNI_COMMAND: 'STATUS' }, '[CNI_PATH]'],
      [{ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c', CNI_PATH: '/p' }, '[CNI_NETNS,CNI_IFNAME]'],
      [{}, '[CNI_COMMAND]'],
      [{ CNI_COMMAND: '' }, '[CNI_COMMAND]'],
    ];
    for (const [env, names] of cases) {
      const r = await run(noop, env);
      assert.deepEqual(errorOf(r), { code: 4, msg: `required env variables ${names} missing` }, JSON.stringify(env));
      assert.equal(r.stdinReads, 0, 'stdin is not read when variables are missing');
      assert.equal(r.calls.length, 0);
    }
  });

  it('treats an empty variable as missing', async () => {
    const r = await run(noop, { ...ADD_ENV, CNI_IFNAME: '' });
    assert.deepEqual(errorOf(r), { code: 4, msg: 'required env variables [CNI_IFNAME] missing' });
  });

  it('validates a present container ID first, before reporting missing variables', async () => {
    const r = await run(noop, { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'bad/id' });
    assert.deepEqual(errorOf(r), { code: 4, msg: 'invalid characters in containerID', details: 'bad/id' });
  });

  it('validates the interface name with upstream messages', async () => {
    const long = await run(noop, { ...ADD_ENV, CNI_IFNAME: 'a-very-long-ifname' });
    assert.deepEqual(errorOf(long), {
      code: 4,
      msg: 'interface name is too long',
      details: 'interface name should be less than 16 characters',
    });
    const dots = await run(noop, { ...ADD_ENV, CNI_IFNAME: '..' });
    assert.deepEqual(errorOf(dots), { code: 4, msg: 'interface name is . or ..' });
    const slash = await run(noop, { ...ADD_ENV, CNI_COMMAND: 'DEL', CNI_IFNAME: 'a/b' });
    assert.deepEqual(errorOf(slash), { code: 4, msg: 'interface name contains / or : or whitespace characters' });
  });

  it('does not validate variables the command does not need (GC ignores a bad container ID)', async () => {
    const r = await run(noop, { CNI_COMMAND: 'GC', CNI_PATH: '/p', CNI_CONTAINERID: 'bad/id', CNI_IFNAME: 'x/y' });
    assert.equal(r.exitCode, 0, r.stdout);
    assert.deepEqual(
      r.calls.map((c) => c.command),
      ['GC'],
    );
  });

  it('prints the about text on stderr and exits 0 when there is no CNI_COMMAND', async () => {
    const r = await run({ ...noop, about: 'CNI plugin test v1', versions: ['0.4.0', '1.0.0'] }, {});
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'CNI plugin test v1\nCNI protocol versions supported: 0.4.0, 1.0.0\n');
    assert.equal(r.stdinReads, 0);
  });

  it('reports an unknown command after checking the config, code 4', async () => {
    const r = await run(noop, { CNI_COMMAND: 'FROB' });
    assert.deepEqual(errorOf(r), { code: 4, msg: 'unknown CNI_COMMAND: FROB' });
    const bad = await run(noop, { CNI_COMMAND: 'FROB' }, '');
    assert.equal(errorOf(bad).code, 6);
  });
});

describe('skel VERSION', () => {
  it('answers without reading stdin, exactly as Go encodes it', async () => {
    const r = await run(noop, { CNI_COMMAND: 'VERSION' }, new Error('must not be read'));
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdinReads, 0);
    assert.equal(r.stdout, `{"cniVersion":"1.1.0","supportedVersions":${JSON.stringify(SUPPORTED_VERSIONS)}}\n`);
    const custom = await run({ versions: ['0.3.1', '0.4.0'] }, { CNI_COMMAND: 'VERSION' });
    assert.equal(custom.stdout, '{"cniVersion":"1.1.0","supportedVersions":["0.3.1","0.4.0"]}\n');
  });
  it('needs no other variable', async () => {
    const r = await run(noop, { CNI_COMMAND: 'VERSION', CNI_CONTAINERID: 'bad/id' });
    assert.equal(r.exitCode, 0);
  });
});

describe('skel stdin and config', () => {
  it('reports a stdin read failure as code 5', async () => {
    const r = await run(noop, ADD_ENV, new Error('EIO: i/o error, read'));
    assert.deepEqual(errorOf(r), { code: 5, msg: 'error reading from stdin: EIO: i/o error, read' });
  });
  it('reports malformed configs as code 6 and bad names as code 7', async () => {
    const cases: [string, { code: number; msg: string | RegExp; details?: string }][] = [
      ['', { code: 6, msg: 'error unmarshall network config: unexpected end of JSON input' }],
      ['   \n', { code: 6, msg: 'error unmarshall network config: unexpected end of JSON input' }],
      ['{"name": "x",', { code: 6, msg: /^error unmarshall network config: / }],
      ['[1]', { code: 6, msg: 'error unmarshall network config: network config must be a JSON object, got array' }],
      ['{"name": 5}', { code: 6, msg: 'error unmarshall network config: field "name" must be a string, got number' }],
      ['{"name": "n", "type": []}', { code: 6, msg: /field "type" must be a string, got array/ }],
      ['{"name": "n", "runtimeConfig": "x"}', { code: 6, msg: /field "runtimeConfig" must be an object/ }],
      ['{"type": "t"}', { code: 7, msg: 'missing network name' }],
      ['null', { code: 7, msg: 'missing network name' }],
      ['{"name": null}', { code: 7, msg: 'missing network name' }],
      ['{"name": "bad name"}', { code: 7, msg: 'invalid characters found in network name', details: 'bad name' }],
    ];
    for (const [stdin, want] of cases) {
      const r = await run(noop, ADD_ENV, stdin);
      const got = errorOf(r);
      assert.equal(got.code, want.code, stdin);
      if (typeof want.msg === 'string') assert.equal(got.msg, want.msg, stdin);
      else assert.match(got.msg, want.msg, stdin);
      assert.equal(got.details, want.details);
      assert.equal(r.calls.length, 0);
    }
  });
  it('hands the handler every variable, the raw stdin and the parsed config', async () => {
    const stdin = conf({ ipam: { type: 'host-local' }, custom: [1, 2] });
    const r = await run(noop, { ...ADD_ENV, CNI_ARGS: 'K=V;IgnoreUnknown=1', CNI_NETNS_OVERRIDE: '1' }, stdin);
    assert.equal(r.exitCode, 0);
    const args = r.calls[0]?.args;
    assert.ok(args);
    assert.equal(args.containerId, 'ctr-1');
    assert.equal(args.netns, '/var/run/netns/test');
    assert.equal(args.ifName, 'eth0');
    assert.equal(args.args, 'K=V;IgnoreUnknown=1');
    assert.equal(args.path, '/opt/cni/bin');
    assert.equal(args.netnsOverride, '1');
    assert.equal(new TextDecoder().decode(args.stdinData), stdin);
    assert.equal(args.config.name, 'net1');
    assert.deepEqual(args.config.custom, [1, 2]);
    assert.deepEqual(args.config.ipam, { type: 'host-local' });
    assert.ok(Object.isFrozen(args.config));
  });
  it('gives a config without type an empty type', async () => {
    const r = await run(noop, ADD_ENV, JSON.stringify({ cniVersion: '1.0.0', name: 'n' }));
    assert.equal(r.calls[0]?.args.config.type, '');
  });
});

describe('skel version gates', () => {
  it('ADD and DEL need the exact version (code 1 with Go-quoted details)', async () => {
    for (const command of ['ADD', 'DEL']) {
      const r = await run(
        { ...noop, versions: ['1.0.0', '1.1.0'] },
        { ...ADD_ENV, CNI_COMMAND: command },
        conf({ cniVersion: '0.4.0' }),
      );
      assert.deepEqual(errorOf(r), {
        code: 1,
        msg: 'incompatible CNI versions',
        details: 'config is "0.4.0", plugin supports ["1.0.0" "1.1.0"]',
      });
      assert.equal(r.calls.length, 0);
    }
  });
  it('reads a missing or empty cniVersion as 0.1.0', async () => {
    for (const stdin of [JSON.stringify({ name: 'n', type: 't' }), conf({ cniVersion: '' })]) {
      const r = await run({ ...noop, versions: ['1.0.0'] }, ADD_ENV, stdin);
      assert.equal(errorOf(r).details, 'config is "0.1.0", plugin supports ["1.0.0"]');
      const ok = await run({ ...noop, versions: ['0.1.0'] }, ADD_ENV, stdin);
      assert.equal(ok.exitCode, 0);
    }
  });
  it('a cniVersion that is not a string is a decoding failure', async () => {
    const r = await run(noop, ADD_ENV, conf({ cniVersion: 1 }));
    assert.deepEqual(errorOf(r), {
      code: 6,
      msg: 'decoding version from network config: field "cniVersion" must be a string, got number',
    });
  });
  it('CHECK needs config >= 0.4.0 and a plugin version >= the config', async () => {
    const env = { ...ADD_ENV, CNI_COMMAND: 'CHECK' };
    assert.deepEqual(errorOf(await run(noop, env, conf({ cniVersion: '0.3.1' }))), {
      code: 1,
      msg: 'config version does not allow CHECK',
    });
    assert.deepEqual(errorOf(await run({ ...noop, versions: ['0.4.0', '1.0.0'] }, env, conf())), {
      code: 1,
      msg: 'plugin version does not allow CHECK',
    });
    // A newer plugin version passes the gate; the exact reconcile still applies after it.
    const r = await run({ ...noop, versions: ['1.1.0'] }, env, conf({ cniVersion: '1.0.0' }));
    assert.equal(errorOf(r).msg, 'incompatible CNI versions');
    const ok = await run(noop, env, conf({ cniVersion: '0.4.0' }));
    assert.equal(ok.exitCode, 0);
    assert.deepEqual(
      ok.calls.map((c) => c.command),
      ['CHECK'],
    );
  });
  it('GC and STATUS need config >= 1.1.0', async () => {
    for (const command of ['GC', 'STATUS']) {
      const env = { CNI_COMMAND: command, CNI_PATH: '/p' };
      for (const v of ['0.1.0', '0.4.0', '1.0.0']) {
        assert.deepEqual(errorOf(await run(noop, env, conf({ cniVersion: v }))), {
          code: 1,
          msg: `config version does not allow ${command}`,
        });
      }
      assert.deepEqual(errorOf(await run({ ...noop, versions: ['1.0.0'] }, env, conf())), {
        code: 1,
        msg: `plugin version does not allow ${command}`,
      });
      const ok = await run(noop, env, conf());
      assert.equal(ok.exitCode, 0);
      assert.deepEqual(
        ok.calls.map((c) => c.command),
        [command],
      );
    }
  });
  it('an unparsable config or plugin version in a gate is a decoding failure (code 6)', async () => {
    const env = { ...ADD_ENV, CNI_COMMAND: 'CHECK' };
    assert.equal(errorOf(await run(noop, env, conf({ cniVersion: 'x.y' }))).code, 6);
    assert.equal(errorOf(await run({ ...noop, versions: ['junk'] }, env, conf())).code, 6);
  });
  it('accepts any version string the plugin lists, as upstream noop lists "0.-42.0"', async () => {
    const r = await run({ ...noop, versions: ['0.-42.0', '1.1.0'] }, ADD_ENV, conf({ cniVersion: '0.-42.0' }));
    assert.equal(r.exitCode, 0);
  });
});

const result110: Result = {
  cniVersion: '1.1.0',
  interfaces: [{ name: 'eth0', mac: '0a:58:0a:00:00:02', sandbox: '/var/run/netns/test', mtu: 1400 }],
  ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1', interface: 0 }],
  routes: [{ dst: '0.0.0.0/0' }],
};

describe('skel results and handler errors', () => {
  it('prints the ADD result converted to the config version, indented as Go prints it', async () => {
    const r = await run({ add: () => result110 }, ADD_ENV, conf({ cniVersion: '0.4.0' }));
    assert.equal(r.exitCode, 0);
    assert.equal(
      r.stdout,
      JSON.stringify(
        {
          cniVersion: '0.4.0',
          interfaces: [{ name: 'eth0', mac: '0a:58:0a:00:00:02', sandbox: '/var/run/netns/test' }],
          ips: [{ version: '4', interface: 0, address: '10.0.0.2/24', gateway: '10.0.0.1' }],
          routes: [{ dst: '0.0.0.0/0' }],
          dns: {},
        },
        null,
        4,
      ),
    );
    const same = await run({ add: async () => result110 }, ADD_ENV, conf());
    assert.deepEqual(JSON.parse(same.stdout), result110);
  });
  it('prints nothing when ADD returns nothing or there is no handler', async () => {
    for (const funcs of [{}, { add: () => undefined }]) {
      const r = await run(funcs, ADD_ENV);
      assert.equal(r.exitCode, 0);
      assert.equal(r.stdout, '');
    }
  });
  it('reports a result that cannot be converted to the config version', async () => {
    const r = await run({ add: () => ({ cniVersion: '1.0.0' }) as Result }, ADD_ENV, conf({ cniVersion: '0.2.0' }));
    assert.equal(errorOf(r).code, 1);
  });
  it('passes a handler CNIError through as is', async () => {
    for (const command of ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS']) {
      const fail = () => {
        throw new CNIError(50, 'not ready', { details: 'waiting for <daemon> & co' });
      };
      const funcs: PluginFuncs = { add: fail, check: fail, del: fail, gc: fail, status: fail };
      const r = await run(funcs, { ...ADD_ENV, CNI_COMMAND: command });
      assert.deepEqual(errorOf(r), { code: 50, msg: 'not ready', details: 'waiting for <daemon> & co' });
      // Go's encoder escapes HTML characters in strings; runtimes decode both forms alike.
      assert.ok(r.stdout.includes('\\u003cdaemon\\u003e \\u0026 co'));
      assert.equal(r.stderr, '');
    }
  });
  it('turns any other exception into code 999 with its message, the stack only on stderr', async () => {
    const r = await run(
      {
        add: async () => {
          throw new TypeError('cannot read the bridge');
        },
      },
      ADD_ENV,
    );
    assert.deepEqual(errorOf(r), { code: 999, msg: 'cannot read the bridge' });
    assert.ok(!r.stdout.includes(' at '), 'no stack on stdout');
    assert.match(r.stderr, /TypeError: cannot read the bridge\n\s+at /);
    const s = await run(
      {
        del: () => {
          throw 'plain string';
        },
      },
      { ...ADD_ENV, CNI_COMMAND: 'DEL' },
    );
    assert.deepEqual(errorOf(s), { code: 999, msg: 'plain string' });
  });
  it('refuses to have run in its own netns after ADD and DEL (code 8) unless CNI_NETNS_OVERRIDE', async () => {
    const own = { isOwnNetns: (p: string) => p === '/proc/self/ns/net' };
    const env = { ...ADD_ENV, CNI_NETNS: '/proc/self/ns/net' };
    for (const command of ['ADD', 'DEL']) {
      const r = await run({ add: () => result110, del: () => {} }, { ...env, CNI_COMMAND: command }, conf(), own);
      assert.deepEqual(errorOf(r), { code: 8, msg: "plugin's netns and netns from CNI_NETNS should not be the same" });
      assert.equal(r.calls.length, 1, 'the check runs after the handler, as upstream');
    }
    for (const override of ['1', 'true', 'TRUE', 'True']) {
      const r = await run({ add: () => result110 }, { ...env, CNI_NETNS_OVERRIDE: override }, conf(), own);
      assert.equal(r.exitCode, 0, override);
    }
    const check = await run({ check: () => {} }, { ...env, CNI_COMMAND: 'CHECK' }, conf(), own);
    assert.equal(check.exitCode, 0, 'CHECK has no netns check');
    const notOwn = await run({ add: () => result110 }, { ...env, CNI_NETNS_OVERRIDE: 'no' }, conf(), {
      isOwnNetns: () => false,
    });
    assert.equal(notOwn.exitCode, 0);
  });
  it('reports a plugin that lists no versions as a programmer error instead of crashing', async () => {
    const r = await run({ versions: [] }, { CNI_COMMAND: 'VERSION' });
    assert.equal(errorOf(r).msg, 'programmer error: you must support at least one version');
  });
  it('survives a stdout that cannot be written', async () => {
    const r = await run(noop, { CNI_COMMAND: 'FROB' }, conf(), {
      writeStdout: () => {
        throw new Error('EPIPE');
      },
    });
    assert.equal(r.exitCode, 1);
  });
});

describe('skel result checking', () => {
  it('names the field of a malformed ADD result instead of crashing', async () => {
    const bad = { cniVersion: '1.0.0', ips: [{ address: 'not-a-cidr' }] } as unknown as Result;
    const r = await run({ add: () => bad }, ADD_ENV, conf({ cniVersion: '1.0.0' }));
    const e = errorOf(r);
    assert.equal(e.code, 6);
    assert.match(e.msg, /^invalid ADD result: ips\[0\]\.address/);
    const unknownVersion = { cniVersion: '7.0.0' } as unknown as Result;
    assert.match(errorOf(await run({ add: () => unknownVersion }, ADD_ENV)).msg, /^invalid ADD result: unsupported/);
  });
});
